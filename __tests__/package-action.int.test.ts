// The action as a runner gets it: a runner downloads the repository at the tag and runs
// action.yml's `runs.main` with its own Node, without installing dependencies. So the
// bundle must be self-contained: this test copies only action.yml and the bundle (built
// from the current sources, see helpers/build.js) into a directory with no node_modules
// anywhere above it, and runs it on a workflow_dispatch event against a project that has
// no node_modules either (its bench file imports 'perfgate'): one benchmark of each kind,
// so the worker, GNU time and the bundled load generator are all reached.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { BUILD_DIR } from './helpers/build.js'
import { FakeGitHub } from './helpers/fake-github.js'
import { git } from './helpers/git-repos.js'
import { scratchDir } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string }
  outputs: Record<string, unknown>
}

/** No node_modules in `dir` or any folder above it. */
function resolvesNothingFrom(dir: string): boolean {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'node_modules'))) return false
    if (path.dirname(at) === at) return true
  }
}

let github: FakeGitHub
let apiUrl: string
beforeAll(async () => {
  github = new FakeGitHub()
  apiUrl = await github.start()
})
afterAll(() => github.stop())

it('action.yml runs the bundle on the Node version GitHub runs actions with', () => {
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
})

it('runs from a copy of action.yml and dist/ alone, and sets its outputs', async () => {
  const top = scratchDir('perfgate-packaged-action-')
  expect(resolvesNothingFrom(top)).toBe(true)

  // The action as checked out by a runner: action.yml and the bundle's files.
  const actionDir = path.join(top, 'action')
  mkdirSync(path.join(actionDir, 'dist'), { recursive: true })
  cpSync(path.join(ROOT, 'action.yml'), path.join(actionDir, 'action.yml'))
  for (const name of readdirSync(BUILD_DIR).filter((n) => n.endsWith('.js'))) {
    cpSync(path.join(BUILD_DIR, name), path.join(actionDir, 'dist', name))
  }

  // The user's repository: a function, a command and an HTTP benchmark.
  const project = path.join(top, 'project')
  cpSync(path.join(ROOT, '__fixtures__/projects/ab'), project, { recursive: true })
  writeFileSync(
    path.join(project, 'perfgate.yml'),
    [
      'trials: 2',
      'benchmarks:',
      '  - name: busy work',
      '    function: { file: bench/work.bench.js, time: 50ms, warmup: 10ms }',
      '    budgets: { p50: 10s }',
      '  - name: true command',
      '    command: { run: "true", warmup: 0 }',
      '    budgets: { wall: 10s }',
      '  - name: GET /work',
      '    http:',
      "      server: { command: node src/server.js, ready: 'http://127.0.0.1:{port}/health' }",
      "      requests: [{ url: 'http://127.0.0.1:{port}/work' }]",
      '      load: { connections: 2, duration: 300ms, warmup: 100ms }',
      '    budgets: { p50: 10s }',
      ''
    ].join('\n')
  )
  git(project, 'init', '--quiet', '--initial-branch=main')
  git(project, 'add', '.')
  git(project, 'commit', '--quiet', '-m', 'project')
  const sha = git(project, 'rev-parse', 'HEAD')

  const files = {
    event: path.join(top, 'event.json'),
    summary: path.join(top, 'summary.md'),
    output: path.join(top, 'output.txt')
  }
  writeFileSync(files.event, JSON.stringify({ repository: { default_branch: 'main' } }))
  writeFileSync(files.summary, '')
  writeFileSync(files.output, '')
  const child = spawn(process.execPath, [path.join(actionDir, action.runs.main)], {
    cwd: project,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REPOSITORY: 'octo/orders',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: sha,
      GITHUB_WORKSPACE: project,
      GITHUB_API_URL: apiUrl,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_OUTPUT: files.output,
      INPUT_TOKEN: 'test-token',
      INPUT_CONFIG: 'perfgate.yml',
      'INPUT_WORKING-DIRECTORY': project
    }
  })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))

  expect(log).not.toMatch(/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/)
  const outputs: Record<string, string> = {}
  for (const m of readFileSync(files.output, 'utf8').matchAll(
    /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  )) {
    outputs[m[1]!] = m[3]!
  }
  // Budgets of 10 s cannot fail; a benchmark that could not run would say error (exit 3).
  expect({ code, verdict: outputs.verdict, exitCode: outputs['exit-code'] }).toEqual({
    code: 0,
    verdict: 'pass',
    exitCode: '0'
  })
  for (const name of Object.keys(outputs)) expect(Object.keys(action.outputs)).toContain(name)
  const results = JSON.parse(readFileSync(outputs.results!, 'utf8')) as {
    benchmarks: { name: string; state: string }[]
  }
  expect(results.benchmarks.map((b) => [b.name, b.state])).toEqual([
    ['busy work', 'ok'],
    ['true command', 'ok'],
    ['GET /work', 'ok']
  ])
  expect(readFileSync(files.summary, 'utf8')).toContain('perfgate')
  // Nothing on workflow_dispatch needs GitHub's API.
  expect(github.requests).toEqual([])
})
