// Main's history through the action on the source: twelve pushes of a fixture repository
// whose scripted benchmark steps up 10 % at one commit are stored on a real data branch;
// the push that first holds three commits after the step reports it (job summary, output,
// one issue, updated — never duplicated — on the next push), and a pull request's comment
// shows main's trend beside its own value. Git and the GitHub API (local fake) are real.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EXIT } from '../src/app/outcome.js'
import { runAction, type ActionIo } from '../src/github/action.js'
import type { ActionInputs } from '../src/github/inputs.js'
import { commandHistory } from '../src/cli/history.js'
import { actionInputs } from './helpers/action-inputs.js'
import { captureIo } from './helpers/io.js'
import { createActionLog } from '../src/github/log.js'
import { ActionOutputs } from '../src/github/outputs.js'
import type { ActionEvent } from '../src/github/plan.js'
import type { TrialRunner } from '../src/runners/types.js'
import { FakeGitHub } from './helpers/fake-github.js'
import { cloneOf, git, makeRemote, removeRemotes } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

// A hostile name: it must reach the summary, the issue and the chart escaped.
const NAME = 'GET /orders @team "q"] %% `x`'
const CONFIG = `benchmarks:\n  - name: ${JSON.stringify(NAME)}\n    command: { run: "true" }\n    trials: 5\n`
const repository = { owner: 'octo', repo: 'orders' }
const STEP_AT = 8
const PUSHES = 12

let github: FakeGitHub
let files: { output: string; summary: string }
beforeEach(async () => {
  github = new FakeGitHub()
  process.env.GITHUB_API_URL = await github.start()
  const scratch = scratchDir('perfgate-runner-')
  files = { output: path.join(scratch, 'output'), summary: path.join(scratch, 'summary') }
  process.env.GITHUB_OUTPUT = files.output
  process.env.GITHUB_STEP_SUMMARY = files.summary
})
afterEach(async () => {
  await github.stop()
  removeRemotes()
})

/** The wall time of the commit being measured: ~10 ms, 11 ms from STEP_AT on. */
let level = 10
const runner: TrialRunner = {
  async runTrial(_benchmark, trial) {
    return okTrial(level * (1 + 0.003 * Math.sin(trial * 2.3)))
  }
}
const levelOf = (i: number) => (i >= STEP_AT ? 11 : 10) * (1 + 0.004 * Math.sin(i * 1.7))

function inputs(dir: string, overrides: Partial<ActionInputs> = {}): ActionInputs {
  return actionInputs({ workingDirectory: dir, ...overrides })
}

const io = (): ActionIo => ({
  log: createActionLog(() => {}),
  outputs: new ActionOutputs(),
  runner
})

function outputs(): Record<string, string> {
  const found: Record<string, string> = {}
  const text = readFileSync(files.output, 'utf8')
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) found[m[1]!] = m[3]!
  return found
}

/**
 * A new commit of main pushed by `author`, checked out in the CI clone `ci` (output and
 * summary files emptied, as for a new job); returns it and its push event.
 */
function pushToMain(author: string, ci: string, i: number): { sha: string; event: ActionEvent } {
  git(author, 'commit', '--quiet', '--allow-empty', '-m', `commit ${i}`)
  const sha = git(author, 'rev-parse', 'HEAD')
  git(author, 'push', '--quiet', 'origin', 'HEAD:main')
  git(ci, 'fetch', '--quiet', 'origin', 'main')
  git(ci, 'checkout', '--quiet', '--detach', sha)
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  const event: ActionEvent = {
    repository,
    serverUrl: 'https://github.example',
    name: 'push',
    ref: 'refs/heads/main',
    sha,
    defaultBranch: 'main'
  }
  return { sha, event }
}

describe('the action and the history of main', () => {
  it('reports a step on the push that first shows it, opens one issue and updates it; a PR shows the trend', async () => {
    const remote = makeRemote()
    const author = cloneOf(remote)
    writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
    git(author, 'add', '.')
    const ci = cloneOf(remote)
    const commits: string[] = []
    const reported: (string | undefined)[] = []
    for (let i = 0; i < PUSHES; i++) {
      const { sha, event } = pushToMain(author, ci, i)
      commits.push(sha)
      level = levelOf(i)
      const outcome = await runAction(inputs(ci, { changePointIssues: true }), event, io())
      expect(outcome.exitCode).toBe(EXIT.passed)
      reported.push(outputs()['new-change-points'])
      const summary = readFileSync(files.summary, 'utf8')
      if (i === STEP_AT + 2) {
        // Three commits after the step are stored: the step is found, named by its commit.
        expect(summary).toContain('1 new step change on main')
        expect(summary).toContain(commits[STEP_AT])
        expect(summary).not.toContain('@team') // escaped: no mention
        expect(github.issues).toHaveLength(1)
        expect(github.issues[0]!.body.split('\n')[0]).toBe(
          `<!-- perfgate:change-point benchmark=${encodeURIComponent(NAME).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)} commit=${commits[STEP_AT]} -->`
        )
        expect(github.issues[0]!.body).toContain(`results of ${sha}`)
        expect(github.issues[0]!.title).not.toContain('@team')
      }
      if (i === STEP_AT + 3) {
        expect(summary).toContain(commits[STEP_AT])
        expect(github.issues).toHaveLength(1) // updated, not duplicated
        expect(github.issues[0]!.body).toContain(`results of ${sha}`)
        expect(github.count(/^POST .*\/issues$/)).toBe(1)
        expect(github.count(/^PATCH .*\/issues\/1$/)).toBe(1)
      }
    }
    expect(reported).toEqual([...Array.from({ length: STEP_AT + 2 }, () => '0'), '1', '1'])

    // The dashboard sits on the data branch for GitHub Pages: every push's results and the
    // step, each point linked to its commit; the hostile name only as escaped JSON text.
    const page = git(remote.origin, 'show', 'perfgate-data:index.html')
    expect(git(remote.origin, 'show', 'perfgate-data:.nojekyll')).toBe('')
    expect(page).toContain(`${PUSHES} commits of main`)
    expect(page).toContain('"commitUrl":"https://github.example/octo/orders/commit/{commit}"')
    expect(page).toContain(commits[STEP_AT])
    expect(page).not.toContain(NAME)
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    // Results and dashboard: one data-branch commit each per push, the page never first.
    const log = git(remote.origin, 'log', '--format=%s', 'perfgate-data').split('\n')
    expect(log).toHaveLength(2 * PUSHES)
    expect(log.filter((s) => s === 'perfgate: update the history dashboard')).toHaveLength(PUSHES)
    expect(log[log.length - 1]).toMatch(/^perfgate: store results of /)

    // A pull request 20 % slower than main: its comment carries main's trend beside it.
    git(author, 'commit', '--quiet', '--allow-empty', '-m', 'pr')
    const head = git(author, 'rev-parse', 'HEAD')
    git(author, 'push', '--quiet', 'origin', 'HEAD:refs/heads/feature')
    git(ci, 'fetch', '--quiet', 'origin', 'feature')
    git(ci, 'checkout', '--quiet', '--detach', head)
    level = 13
    writeFileSync(files.output, '')
    const pr: ActionEvent = {
      repository,
      name: 'pull_request',
      ref: 'refs/pull/7/merge',
      sha: head,
      pullRequest: { number: 7, baseSha: commits[PUSHES - 1]! },
      defaultBranch: 'main'
    }
    const outcome = await runAction(inputs(ci, { baseline: 'stored' }), pr, io())
    expect(outcome.exitCode).toBe(EXIT.gateFailed)
    const body = github.comments[0]!.body
    expect(body).toContain('Trend on main (1 chart')
    const chart = body.slice(body.indexOf('```mermaid'))
    expect(chart).toContain(`"${commits[PUSHES - 1]!.slice(0, 7)}", "PR"]`)
    expect(chart).toContain('title "GET /orders _team _q__ __ _x_ wall time"')
    expect(body).not.toContain('@team')
  })

  it('perfgate history names the step commit on a data branch the action wrote over 30 pushes', async () => {
    const remote = makeRemote()
    const author = cloneOf(remote)
    writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
    git(author, 'add', '.')
    const ci = cloneOf(remote)
    const commits: string[] = []
    const stepAt = 17
    for (let i = 0; i < 30; i++) {
      const { sha, event } = pushToMain(author, ci, i)
      commits.push(sha)
      level = (i >= stepAt ? 11 : 10) * (1 + 0.004 * Math.sin(i * 1.3))
      expect((await runAction(inputs(ci), event, io())).exitCode).toBe(EXIT.passed)
    }
    const { io: cli, out } = captureIo(ci)
    expect(await commandHistory(['--json'], cli)).toBe(0)
    const history = JSON.parse(out.stdout) as {
      changePoints: { benchmark: string; metric: string; commit: string; ratio: number }[]
    }
    const steps = history.changePoints.filter((c) => c.benchmark === NAME && c.metric === 'wall')
    expect(steps.map((c) => c.commit)).toEqual([commits[stepAt]])
    expect(steps[0]!.ratio).toBeGreaterThan(1.05)
  }, 240_000)
})
