// The action's secrets against pull request code that hunts for them, the way an attacker
// would: setup, a command benchmark, a function worker and an HTTP server each read every
// /proc/*/environ and /proc/*/cmdline they can (__fixtures__/projects/attacker/scan.mjs),
// and setup installs git hooks, a core.hooksPath, an fsmonitor and a filter that scan too
// if perfgate's own git calls ever run them. The bundled action runs as the runner runs it,
// with the secrets a runner hands a JavaScript action in its environment.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cloneWithProject, git, runBundledAction } from './helpers/action-process.js'
import { FakeGitHub } from './helpers/fake-github.js'
import { scratchDir } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = path.join(ROOT, '__fixtures__/projects/attacker')

/** Every value starts with the prefix scan.mjs looks for; the rest is this run's own. */
function secrets(): Record<string, string> {
  const value = (name: string) => `pgsecret-${name}-${Math.random().toString(36).slice(2)}`
  return {
    INPUT_TOKEN: value('input'),
    GITHUB_TOKEN: value('github'),
    ACTIONS_RUNTIME_TOKEN: value('runtime'),
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: value('oidc'),
    ACTIONS_ID_TOKEN_REQUEST_URL: `https://oidc.invalid/${value('oidc-url')}`
  }
}

interface Project {
  dir: string
  reports: string
  baseSha: string
  headSha: string
}

/** origin with main holding the attacker project, and a PR commit on top of it. */
function makeProject(setup: string): Project {
  const reports = scratchDir('perfgate-scans-')
  const { dir, baseSha } = cloneWithProject('perfgate-secrets-', FIXTURE, (dir) => {
    const scanner = path.join(dir, 'scan.mjs')
    writeFileSync(scanner, readFileSync(scanner, 'utf8').replace('__REPORT_DIR__', reports))
    const config = path.join(dir, 'perfgate.yml')
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^setup: .*$/m, `setup: ${setup}`))
  })
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'the pull request')
  return { dir, reports, baseSha, headSha: git(dir, 'rev-parse', 'HEAD') }
}

/** Runs the bundled action on a pull_request event, with the secrets in `env`. */
async function runAction(project: Project, apiUrl: string, env: Record<string, string>) {
  const scratch = scratchDir('perfgate-runner-')
  const event = path.join(scratch, 'event.json')
  const payload = {
    pull_request: {
      number: 7,
      base: { sha: project.baseSha, ref: 'main' },
      head: { sha: project.headSha, ref: 'feature' }
    },
    repository: { default_branch: 'main' }
  }
  writeFileSync(event, JSON.stringify(payload))
  for (const name of ['summary.md', 'output.txt']) writeFileSync(path.join(scratch, name), '')
  return runBundledAction(project.dir, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'octo/orders',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_SHA: project.headSha,
    GITHUB_WORKSPACE: project.dir,
    GITHUB_API_URL: apiUrl,
    GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md'),
    GITHUB_OUTPUT: path.join(scratch, 'output.txt'),
    INPUT_CONFIG: 'perfgate.yml',
    ['INPUT_WORKING-DIRECTORY']: project.dir,
    ...env
  })
}

interface Scan {
  readonly file: string
  readonly ancestors: number[]
  readonly read: number[]
  readonly found: string[]
}

function scansIn(dir: string): Scan[] {
  return readdirSync(dir).map((file) => {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n')
    const numbers = (key: string) =>
      (lines.find((line) => line.startsWith(`${key} `)) ?? key)
        .split(' ')
        .slice(1)
        .filter(Boolean)
        .map(Number)
    return {
      file,
      ancestors: numbers('ancestors'),
      read: numbers('read'),
      found: lines.filter((line) => line.startsWith('found '))
    }
  })
}

let github: FakeGitHub
let apiUrl: string
beforeEach(async () => {
  github = new FakeGitHub()
  apiUrl = await github.start()
})
afterEach(() => github.stop())

const describeLinux = process.platform === 'linux' ? describe : describe.skip

describeLinux('secrets against pull request code', () => {
  it.each([
    ['hooks in .git/hooks', 'node hooks.mjs && node scan.mjs setup'],
    ['a core.hooksPath', 'node hooks.mjs hooks-path && node scan.mjs setup']
  ])(
    'no process started by the action, nor any git hook (%s), finds a secret in /proc',
    async (_, setup) => {
      const project = makeProject(setup)
      const env = secrets()
      const run = await runAction(project, apiUrl, env)
      expect(run.log).toContain('perfgate: PR comment created')

      const scans = scansIn(project.reports)
      const where = new Set(scans.map((scan) => scan.file.replace(/-\d+\.txt$/, '')))
      // Every kind of pull request code ran and scanned, and could read the action's own
      // start environment (so a token there would have been found)...
      expect([...where].filter((w) => !w.startsWith('hook-')).sort()).toEqual([
        'command',
        'function',
        'server',
        'setup'
      ])
      for (const scan of scans) {
        expect(scan.ancestors).toContain(run.pid)
        expect(scan.read).toContain(run.pid)
      }
      // ... and found none of the secrets anywhere: not in any ancestor's environment nor
      // in any command line.
      expect(scans.flatMap((scan) => scan.found)).toEqual([])
      // perfgate's git never ran the repository's hooks, fsmonitor or filters.
      expect([...where].filter((w) => w.startsWith('hook-'))).toEqual([])
      // The token still did its job, from memory.
      expect(github.authorizations).toContain(`token ${env.INPUT_TOKEN}`)
    }
  )
})
