// Every workflow of the repository, the README's workflow snippets and action.yml, checked
// against GitHub's workflow and action metadata schemas (SchemaStore's, compiled into
// @action-validator/core: nothing is downloaded), and the release workflow's permissions.
import { validateAction, validateWorkflow, type ValidationError } from '@action-validator/core'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORKFLOWS = path.join(ROOT, '.github/workflows')
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8')

/** One line per schema violation, the innermost reasons of a oneOf included. */
function describeErrors(errors: readonly ValidationError[], into: string[] = []): string[] {
  for (const error of errors) {
    const where = 'path' in error ? error.path : ''
    into.push(`${where || '/'}: ${error.title}${error.detail ? ` (${error.detail})` : ''}`)
    if ('states' in error && error.states) {
      for (const state of error.states) describeErrors(state.errors, into)
    }
  }
  return into
}

const workflowErrors = (text: string) => describeErrors(validateWorkflow(text).errors)

const workflowFiles = readdirSync(WORKFLOWS)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()

/** The documents that show workflows to copy: the README and the action's reference. */
const WORKFLOW_DOCS = ['README.md', 'docs/action.md']

/**
 * The documents' workflow snippets: YAML blocks whose first line names a workflow file. Some
 * show only the jobs that differ from the full workflow above them; those get a trigger so
 * that they are checked as whole workflows.
 */
function documentedWorkflows(): { title: string; text: string }[] {
  return WORKFLOW_DOCS.flatMap((doc) =>
    [...read(doc).matchAll(/```yaml\n(# \.github\/workflows\/[^\n]*)\n([\s\S]*?)```/g)].map(
      (m) => ({ title: `${doc}: ${m[1]!}`, text: m[2]! })
    )
  ).map(({ title, text }) => ({ title, text: asWorkflow(text) }))
}

/**
 * A snippet as a whole workflow: one that shows only jobs gets a trigger, one that shows
 * only steps gets a job around them.
 */
function asWorkflow(text: string): string {
  if (/^- /.test(text)) {
    const steps = text.replace(/^(?=.)/gm, '      ')
    return `on: pull_request\njobs:\n  perf:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`
  }
  return /^on:/m.test(text) ? text : `on: pull_request\n${text}`
}

describe('workflow files', () => {
  it('are found', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']))
  })

  it.each(workflowFiles)('%s follows GitHub’s workflow schema', (name) => {
    expect(workflowErrors(read(`.github/workflows/${name}`))).toEqual([])
  })

  it.each(documentedWorkflows().map((w) => [w.title, w.text]))(
    '%s follows GitHub’s workflow schema',
    (_title, text) => {
      expect(workflowErrors(text)).toEqual([])
    }
  )

  it('the docs show workflows to check', () => {
    expect(documentedWorkflows().length).toBeGreaterThanOrEqual(4)
  })

  it('an invalid workflow is caught', () => {
    const typo = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step: [{ run: x }]\n'
    expect(workflowErrors(typo)).toContain(
      "/jobs/a: Property conditions are not met (Additional property 'step' is not allowed)"
    )
    const permission =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: { id-token: writ }\n    steps: [{ run: x }]\n'
    expect(workflowErrors(permission).join('\n')).toContain('/jobs/a/permissions/id-token')
    expect(workflowErrors('on: [push\n')[0]).toMatch(/Parse Error/)
  })
})

describe('action.yml', () => {
  // The schema compiled into the validator lists runtimes up to node20; GitHub runs node24
  // (the runtime is checked on its own below), so it is checked as node20 here.
  const text = read('action.yml')
  it('follows GitHub’s action metadata schema', () => {
    expect(text).toMatch(/^ {2}using: node24$/m)
    const checked = text.replace(/^ {2}using: node24$/m, '  using: node20')
    expect(describeErrors(validateAction(checked).errors)).toEqual([])
  })

  it('an invalid action is caught', () => {
    const broken = text.replace(/^ {2}main: .*$/m, '')
    expect(describeErrors(validateAction(broken.replace('node24', 'node20')).errors)).toContain(
      '/runs/main: This property is required'
    )
  })
})

interface Job {
  permissions?: Record<string, string>
  needs?: string | string[]
  environment?: string
  steps: { run?: string; uses?: string }[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

describe('the release workflow', () => {
  const release = parse(read('.github/workflows/release.yml')) as Workflow
  const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n')

  it('runs on version tags only', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
  })

  it('grants nothing by default and each job only what its step needs', () => {
    expect(release.permissions).toEqual({})
    expect(release.jobs.check!.permissions).toEqual({ contents: 'read' })
    expect(release.jobs.publish!.permissions).toEqual({ contents: 'read', 'id-token': 'write' })
    expect(release.jobs.release!.permissions).toEqual({ contents: 'write' })
  })

  it('checks before it publishes, and publishes before it releases', () => {
    expect(runs(release.jobs.check!)).toContain('bash .ci/run')
    expect(runs(release.jobs.check!)).toContain('node scripts/release-notes.ts "$TAG"')
    expect(release.jobs.publish!.needs).toBe('check')
    expect(runs(release.jobs.publish!)).toMatch(/npm publish --provenance --access public/)
    expect(release.jobs.release!.needs).toEqual(['check', 'publish'])
    expect(runs(release.jobs.release!)).toContain('gh release create "$TAG" --verify-tag')
    expect(runs(release.jobs.release!)).toContain('git push --force origin "refs/tags/$major"')
  })
})

describe('the CI workflow', () => {
  it('runs .ci/run on pushes and pull requests', () => {
    const ci = parse(read('.github/workflows/ci.yml')) as Workflow
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push'])
    expect(Object.values(ci.jobs).flatMap((job) => job.steps.map((s) => s.run))).toContain(
      'bash .ci/run'
    )
  })
})
