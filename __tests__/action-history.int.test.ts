// Main's history through the action on the source: fourteen pushes of a fixture repository
// whose scripted benchmark steps up 10 % at one commit are stored on a real data branch,
// while the runner is 10 % slower for three pushes (every benchmark drifts, an unchanged
// one too). The drift's change points are re-measured on the runner, each as one A/B of the
// stored commit two after it against the one two before its predecessor, and not confirmed: listed, never an issue. The push that first holds three commits after
// the real step confirms it, reports it (job summary, output, one issue, updated — never
// duplicated — on the next push) and stores the confirmation, never measured again; a pull
// request's comment shows main's trend beside its own value. Git and the GitHub API (local
// fake) are real; the scripted trials read each checkout's speed file.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EXIT } from '../src/app/outcome.js'
import { runAction, type ActionIo } from '../src/github/action.js'
import type { ActionInputs } from '../src/github/inputs.js'
import { commandHistory } from '../src/cli/history.js'
import { confirmationPath } from '../src/history/confirmation.js'
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
const STEADY = 'steady'
const CONFIG =
  `benchmarks:\n  - name: ${JSON.stringify(NAME)}\n    command: { run: "true" }\n    trials: 5\n` +
  `  - name: ${STEADY}\n    command: { run: "true" }\n    trials: 5\n`
const repository = { owner: 'octo', repo: 'orders' }
const STEP_AT = 9
const PUSHES = 14
/** Pushes measured on a runner 10 % slower (as a busy shared runner for a while). */
const SLOW_PUSHES = new Set([3, 4, 5])

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

/** How slow the runner is while a push is measured (1: normal). */
let runnerSpeed = 1
/**
 * Trials of the checkout the benchmark's cwd is in: its speed file (speed.txt for the
 * stepping benchmark, steady.txt for the other) times the runner's speed, with 0.3 % noise;
 * counts the trials run outside the CI clone (the confirmations' checkouts).
 */
const runner: TrialRunner & { elsewhere: number; ci: string } = {
  elsewhere: 0,
  ci: '',
  async runTrial(benchmark, trial) {
    const cwd = (benchmark.spec as { cwd: string }).cwd
    if (cwd !== runner.ci) runner.elsewhere++
    const file = benchmark.name === STEADY ? 'steady.txt' : 'speed.txt'
    const value = Number(readFileSync(path.join(cwd, file), 'utf8'))
    return okTrial(value * runnerSpeed * (1 + 0.003 * Math.sin(trial * 2.3)))
  }
}
/** The committed speed of the stepping benchmark: ~10 ms, 11 ms from STEP_AT on. */
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
function pushToMain(
  author: string,
  ci: string,
  i: number,
  level = levelOf(i)
): { sha: string; event: ActionEvent } {
  writeFileSync(path.join(author, 'speed.txt'), `${level}\n`)
  writeFileSync(path.join(author, 'steady.txt'), '10\n')
  git(author, 'add', '.')
  git(author, 'commit', '--quiet', '-m', `commit ${i}`)
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
  it('confirms the real step on the runner, not the drift: one issue, updated; the confirmation stored once', async () => {
    const remote = makeRemote()
    const author = cloneOf(remote)
    writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
    git(author, 'add', '.')
    const ci = cloneOf(remote)
    runner.ci = ci
    const commits: string[] = []
    const reported: (string | undefined)[] = []
    const remeasured: number[] = []
    for (let i = 0; i < PUSHES; i++) {
      const { sha, event } = pushToMain(author, ci, i)
      commits.push(sha)
      runnerSpeed = SLOW_PUSHES.has(i) ? 1.1 : 1
      const before = runner.elsewhere
      const outcome = await runAction(inputs(ci, { changePointIssues: true }), event, io())
      expect(outcome.exitCode).toBe(EXIT.passed)
      remeasured.push(runner.elsewhere - before)
      reported.push(outputs()['new-change-points'])
      const summary = readFileSync(files.summary, 'utf8')
      if (i === 5) {
        // The runner's slow spell is a change point of both benchmarks: re-measured across
        // its window on one runner, neither is confirmed, and neither is an issue.
        expect(summary).toContain('0 new step changes on main')
        expect(summary).toContain('Not confirmed by a paired re-measure')
        expect(summary).toContain(`**${STEADY}**`)
        expect(github.issues).toHaveLength(0)
      }
      if (i === STEP_AT + 2) {
        const short = (at: number) => commits[at]!.slice(0, 7)
        const between = `between ${short(STEP_AT - 3)} and ${short(STEP_AT + 2)}`
        // Three commits after the step are stored: the step is found, named by its commit.
        expect(summary).toContain('1 new step change on main')
        expect(summary).toContain(commits[STEP_AT])
        // One A/B across the window: the stored commit two after the step (the newest)
        // against the one two before its predecessor; then the window bisected: the step
        // located at its commit.
        const where = `at ${short(STEP_AT)} (located ${between})`
        expect(summary).toContain(`paired re-measure ${where} +`)
        expect(summary).not.toContain('@team') // escaped: no mention
        expect(github.issues).toHaveLength(1)
        expect(github.issues[0]!.body.split('\n')[0]).toBe(
          `<!-- perfgate:change-point benchmark=${encodeURIComponent(NAME).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)} commit=${commits[STEP_AT]} -->`
        )
        expect(github.issues[0]!.body).toContain(`results of ${sha}`)
        expect(github.issues[0]!.body).toContain(`confirmed ${where}: +`)
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
    expect(reported.slice(STEP_AT + 2)).toEqual(['1', '1', '1'])
    expect(reported.slice(0, STEP_AT + 2).every((r) => r === '0')).toBe(true)
    expect(github.issues).toHaveLength(1)
    // The step's confirmation is stored on the data branch and read back: the pushes after
    // the one that confirmed it measure nothing beyond their own run.
    const stored = git(
      remote.origin,
      'ls-tree',
      '-r',
      '--name-only',
      'perfgate-data',
      'confirmations'
    )
    // One record per benchmark named at the step: the step itself, and its mirror on the
    // steady benchmark (a candidate of the search relative to the run: with two benchmarks,
    // the other's step moves its reference), which the pairs do not confirm.
    expect(
      stored.split('\n').filter((f) => f.startsWith(`confirmations/${commits[STEP_AT]}/`))
    ).toEqual(
      [
        confirmationPath(commits[STEP_AT]!, NAME),
        confirmationPath(commits[STEP_AT]!, STEADY)
      ].sort()
    )
    const recordOf = (name: string) =>
      JSON.parse(
        git(remote.origin, 'show', `perfgate-data:${confirmationPath(commits[STEP_AT]!, name)}`)
      ) as {
        parent: string
        base: string
        head: string
        metrics: { ratio: number }[]
        located?: { commit?: string; probes: number }
      }
    const mirrored = recordOf(STEADY).metrics[0]!.ratio
    expect(mirrored).toBeGreaterThan(1 / 1.05)
    expect(mirrored).toBeLessThan(1.05)
    const confirmation = recordOf(NAME)
    expect(confirmation.parent).toBe(commits[STEP_AT - 1])
    expect(confirmation.base).toBe(commits[STEP_AT - 3])
    expect(confirmation.head).toBe(commits[STEP_AT + 2])
    expect(confirmation.metrics[0]!.ratio).toBeGreaterThan(1.05)
    expect(confirmation.located).toEqual({ commit: commits[STEP_AT], probes: 2 })
    expect(recordOf(STEADY).located).toBeUndefined() // not confirmed: not located
    expect(remeasured[STEP_AT + 2]).toBeGreaterThan(0)
    expect(remeasured.slice(STEP_AT + 3)).toEqual([0, 0])

    // The dashboard sits on the data branch for GitHub Pages: every push's results and the
    // step, each point linked to its commit; the hostile name only as escaped JSON text.
    const page = git(remote.origin, 'show', 'perfgate-data:index.html')
    expect(git(remote.origin, 'show', 'perfgate-data:.nojekyll')).toBe('')
    expect(page).toContain(`${PUSHES} commits of main`)
    expect(page).toContain('"status":"confirmed"')
    expect(page).toContain('"commitUrl":"https://github.example/octo/orders/commit/{commit}"')
    expect(page).toContain(commits[STEP_AT])
    expect(page).not.toContain(NAME)
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    // Results and dashboard: one data-branch commit each per push, the page never first;
    // one commit per confirmation.
    const log = git(remote.origin, 'log', '--format=%s', 'perfgate-data').split('\n')
    const confirmations = log.filter((s) => s.startsWith('perfgate: confirmation of a step at '))
    expect(confirmations.length).toBeGreaterThanOrEqual(3)
    expect(log).toHaveLength(2 * PUSHES + confirmations.length)
    expect(log.filter((s) => s === 'perfgate: update the history dashboard')).toHaveLength(PUSHES)
    expect(log[log.length - 1]).toMatch(/^perfgate: store results of /)

    // A pull request 20 % slower than main: its comment carries main's trend beside it.
    writeFileSync(path.join(author, 'speed.txt'), '13\n')
    git(author, 'commit', '--quiet', '-am', 'pr')
    const head = git(author, 'rev-parse', 'HEAD')
    git(author, 'push', '--quiet', 'origin', 'HEAD:refs/heads/feature')
    git(ci, 'fetch', '--quiet', 'origin', 'feature')
    git(ci, 'checkout', '--quiet', '--detach', head)
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
  }, 600_000)

  it('perfgate history names the step commit on a data branch the action wrote over 30 pushes', async () => {
    const remote = makeRemote()
    const author = cloneOf(remote)
    writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
    git(author, 'add', '.')
    const ci = cloneOf(remote)
    runner.ci = ci
    runnerSpeed = 1
    const commits: string[] = []
    const stepAt = 17
    for (let i = 0; i < 30; i++) {
      const level = (i >= stepAt ? 11 : 10) * (1 + 0.004 * Math.sin(i * 1.3))
      const { sha, event } = pushToMain(author, ci, i, level)
      commits.push(sha)
      expect((await runAction(inputs(ci), event, io())).exitCode).toBe(EXIT.passed)
    }
    const { io: cli, out } = captureIo(ci)
    expect(await commandHistory(['--json'], cli)).toBe(0)
    const history = JSON.parse(out.stdout) as {
      changePoints: {
        benchmark: string
        metric: string
        commit: string
        ratio: number
        foundOn: string
        status: string
        confirmed: { ratio: number; low: number; high: number; pairs: number } | null
      }[]
    }
    const steps = history.changePoints.filter((c) => c.benchmark === NAME && c.metric === 'wall')
    expect(steps.map((c) => c.commit)).toEqual([commits[stepAt]])
    expect(steps[0]!.ratio).toBeGreaterThan(1.05)
    // The action's confirmation, read back from the data branch.
    expect(steps[0]!.status).toBe('confirmed')
    expect(steps[0]!.confirmed!.pairs).toBeGreaterThanOrEqual(5)
    expect(steps[0]!.confirmed!.low).toBeGreaterThan(1.04)
    // On 'steady', the step mirrored relative to the other benchmark of each run (two
    // benchmarks): found on the relative series only, and its A/B does not confirm it.
    const steady = history.changePoints.filter((c) => c.benchmark === STEADY)
    expect(steady.map((c) => [c.commit, c.foundOn, c.status])).toEqual([
      [commits[stepAt], 'relative', 'not-confirmed']
    ])
  }, 600_000)
})
