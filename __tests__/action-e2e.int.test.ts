// The action, bundled from the current sources (see helpers/build.js), run as a runner runs it: INPUT_* variables, an event
// payload file, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files, the real Octokit against a
// local fake of GitHub's API, and a real bare repository as origin for the data branch.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseResults } from '../src/results/format.js'
import { cloneWithProject, git, runBundledAction } from './helpers/action-process.js'
import { FakeGitHub } from './helpers/fake-github.js'
import { jitter, scriptResultsFile, timePerOp } from './helpers/scripted-trials.js'
import { scratchDir } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = path.join(ROOT, '__fixtures__/projects/ab')

interface Checkout {
  dir: string
  origin: string
  baseSha: string
  headSha: string
}

/** origin (bare) with main; a clone on a PR branch whose work is `factor` × main's. */
function makeCheckout(iterations: number): Checkout {
  const { dir, origin, baseSha } = cloneWithProject('perfgate-action-', FIXTURE)
  const file = path.join(dir, 'src/work.js')
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/ITERATIONS = \d+/, `ITERATIONS = ${iterations}`)
  )
  git(dir, 'commit', '--quiet', '--allow-empty', '-am', 'change work')
  return { dir, origin, baseSha, headSha: git(dir, 'rev-parse', 'HEAD') }
}

interface ActionRun {
  code: number | null
  log: string
  summary: string
  outputs: Record<string, string>
}

/** Runs the bundled action (index.js) with the given event and inputs. */
async function runAction(
  checkout: Checkout,
  apiUrl: string,
  event: { name: string; payload: object; ref?: string; sha?: string },
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  const scratch = scratchDir('perfgate-runner-')
  const files = {
    event: path.join(scratch, 'event.json'),
    summary: path.join(scratch, 'summary.md'),
    output: path.join(scratch, 'output.txt')
  }
  writeFileSync(files.event, JSON.stringify(event.payload))
  writeFileSync(files.summary, '')
  writeFileSync(files.output, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'octo/orders',
    GITHUB_REF: event.ref ?? 'refs/pull/7/merge',
    GITHUB_SHA: event.sha ?? checkout.headSha,
    GITHUB_WORKSPACE: checkout.dir,
    GITHUB_API_URL: apiUrl,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    INPUT_TOKEN: 'test-token',
    INPUT_CONFIG: 'perfgate.yml',
    ['INPUT_WORKING-DIRECTORY']: checkout.dir
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const { code, log } = await runBundledAction(checkout.dir, env)
  const outputs: Record<string, string> = {}
  // GITHUB_OUTPUT holds name<<delimiter / value / delimiter blocks.
  const text = readFileSync(files.output, 'utf8')
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!
  return { code, log, summary: readFileSync(files.summary, 'utf8'), outputs }
}

const prPayload = (c: Checkout) => ({
  pull_request: {
    number: 7,
    base: { sha: c.baseSha, ref: 'main' },
    head: { sha: c.headSha, ref: 'feature' }
  },
  repository: { default_branch: 'main' }
})

let github: FakeGitHub
let apiUrl: string
beforeEach(async () => {
  github = new FakeGitHub()
  apiUrl = await github.start()
})
afterEach(() => github.stop())

/** Exit code and outputs agree, and the verdict is one a measured run can have. */
function expectConsistent(run: ActionRun): void {
  expect(['pass', 'fail']).toContain(run.outputs.verdict)
  expect(run.outputs['exit-code']).toBe(String(run.code))
  expect(run.code).toBe(run.outputs.verdict === 'pass' ? 0 : 1)
}

const HEADLINE = /^<!-- perfgate:report id=default -->\n### .+ perfgate — /

// Real measurements decide nothing here (a loaded runner can make an A/B come out either
// way): real runs are checked for what the action does with them; the verdict path is
// checked in comment mode, on an artifact whose trials are scripted.
describe('the action on pull_request', () => {
  it('measures head against the merge-base, comments, and writes the summary and outputs', async () => {
    const checkout = makeCheckout(40000) // twice main's work
    const run = await runAction(checkout, apiUrl, {
      name: 'pull_request',
      payload: prPayload(checkout)
    })
    expectConsistent(run)
    expect(run.outputs.regressions).toMatch(/^\d+$/)
    expect(run.summary).toMatch(/^### .+ perfgate — /m)
    expect(run.log).toContain(`perfgate: PR comment created: `)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toMatch(HEADLINE)
    expect(readFileSync(run.outputs.report!, 'utf8')).toContain('busy work')
    const results = parseResults(readFileSync(run.outputs.results!, 'utf8'), 'results.json')
    expect(results.comparison!.mode).toBe('paired')
    expect(git(checkout.dir, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('keeps the report when the comment cannot be posted (403), as a warning', async () => {
    const checkout = makeCheckout(20000)
    github.faults.push({ match: /^POST .*\/comments$/, status: 403, times: 10 })
    const run = await runAction(checkout, apiUrl, {
      name: 'pull_request',
      payload: prPayload(checkout)
    })
    expectConsistent(run)
    expect(run.log).toMatch(/::warning::perfgate: could not post the PR comment: .*read-only token/)
    expect(run.summary).toMatch(/^### .+ perfgate — /m)
    expect(github.comments).toHaveLength(0)
  })

  it('measures without commenting in measure mode; the comment job checks the PR and posts the verdict', async () => {
    const checkout = makeCheckout(20000)
    const measured = await runAction(
      checkout,
      apiUrl,
      { name: 'pull_request', payload: prPayload(checkout) },
      { mode: 'measure' }
    )
    expectConsistent(measured)
    expect(github.comments).toHaveLength(0)
    expect(readFileSync(path.join(checkout.dir, 'perfgate-output/pr-number.txt'), 'utf8')).toBe(
      '7\n'
    )
    // The comment job checks the artifact's PR number against the measured commit.
    const workflowRun = {
      name: 'workflow_run',
      payload: { workflow_run: { head_sha: checkout.headSha } }
    }
    github.pulls.set(7, 'f'.repeat(40))
    const refused = await runAction(checkout, apiUrl, workflowRun, { mode: 'comment' })
    expect(refused.code).toBe(1)
    expect(refused.log).toContain(
      'names pull request #7, whose head is fffffff, not the measured commit'
    )
    expect(github.comments).toHaveLength(0)

    // The artifact's trials, scripted: head 50 % slower than base in every pair. The comment
    // job recomputes the comparison from them, so the verdict is a regression.
    scriptResultsFile(measured.outputs.results!, 6, (_, trial, side) =>
      timePerOp((side === 'head' ? 0.15 : 0.1) * jitter(trial + (side === 'head' ? 3 : 0)))
    )
    github.pulls.set(7, checkout.headSha)
    const commented = await runAction(checkout, apiUrl, workflowRun, { mode: 'comment' })
    expect(commented.code).toBe(1)
    expect(commented.outputs).toMatchObject({
      verdict: 'fail',
      regressions: '1',
      'budgets-failed': '0',
      'exit-code': '1'
    })
    expect(commented.summary).toContain('### 🔴 perfgate — 1 regression')
    expect(commented.log).toContain('::error::perfgate: 1 significant regression')
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toMatch(
      /^<!-- perfgate:report id=default -->\n### 🔴 perfgate — 1 regression/
    )

    // A second run updates the same comment.
    const again = await runAction(checkout, apiUrl, workflowRun, { mode: 'comment' })
    expect(again.code).toBe(1)
    expect(github.comments).toHaveLength(1)
    expect(github.requests.filter((r) => r.startsWith('PATCH /repos/octo/orders/issues/'))).toEqual(
      ['PATCH /repos/octo/orders/issues/comments/1000']
    )
    // Each trusted comment run completes a Check run on the measured commit (the refused
    // artifact posted none): the regression fails it, as a required check.
    expect(github.checkRuns.map((run) => [run.head_sha, run.status, run.conclusion])).toEqual([
      [checkout.headSha, 'completed', 'failure'],
      [checkout.headSha, 'completed', 'failure']
    ])
  })
})

describe('the action on push to the default branch', () => {
  it('stores the results on the data branch and fails on a budget violation', async () => {
    const checkout = makeCheckout(20000)
    // 1 µs per call of a function that loops 20000 times: a load can only make it slower,
    // so this budget fails on any machine.
    writeFileSync(
      path.join(checkout.dir, 'perfgate.yml'),
      readFileSync(path.join(checkout.dir, 'perfgate.yml'), 'utf8').replace(
        'budgets: { p50: 1s }',
        'budgets: { p50: 1us }'
      )
    )
    const run = await runAction(checkout, apiUrl, {
      name: 'push',
      payload: { repository: { default_branch: 'main' } },
      ref: 'refs/heads/main'
    })
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ verdict: 'fail', 'budgets-failed': '1' })
    expect(run.log).toContain('::error::perfgate: 1 budget exceeded')
    const stored = git(checkout.origin, 'ls-tree', '-r', '--name-only', 'perfgate-data')
    expect(stored.split('\n')).toContain(`results/${checkout.headSha}.json`)
    expect(git(checkout.dir, 'status', '--porcelain')).toBe('M perfgate.yml\n?? perfgate-output/')
  })
})

describe('stored baselines', () => {
  it('compares a PR with the results stored for its merge-base by a push to main', async () => {
    const checkout = makeCheckout(40000)
    // The push to main measured the base commit and stored it.
    git(checkout.dir, 'checkout', '--quiet', checkout.baseSha)
    const push = await runAction(checkout, apiUrl, {
      name: 'push',
      payload: { repository: { default_branch: 'main' } },
      ref: 'refs/heads/main',
      sha: checkout.baseSha
    })
    expectConsistent(push)
    expect(push.log).toContain(`perfgate: results of ${checkout.baseSha.slice(0, 7)} stored`)
    git(checkout.dir, 'checkout', '--quiet', checkout.headSha)
    const pr = await runAction(
      checkout,
      apiUrl,
      { name: 'pull_request', payload: prPayload(checkout) },
      { baseline: 'stored' }
    )
    expect(pr.log).toContain(`perfgate: stored baseline of ${checkout.baseSha.slice(0, 7)}`)
    expect(pr.summary).toContain('Cross-run comparison against stored results')
    expectConsistent(pr)
    const results = parseResults(readFileSync(pr.outputs.results!, 'utf8'), 'results.json')
    expect(results.comparison!.mode).toBe('unpaired')
  })
})

describe('the action on pull_request_target', () => {
  it('refuses to run pull request code unless allowed', async () => {
    const checkout = makeCheckout(20000)
    const run = await runAction(checkout, apiUrl, {
      name: 'pull_request_target',
      payload: prPayload(checkout)
    })
    expect(run.code).toBe(1)
    expect(run.log).toContain('::error::perfgate: perfgate refuses to run on pull_request_target')
    expect(github.comments).toHaveLength(0)
  })
})
