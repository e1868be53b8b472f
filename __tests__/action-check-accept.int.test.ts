// The Check run and acceptances carried out by the action end to end, in-process: a real
// pull request in real git repositories, a scripted trial runner (head twice as slow on
// one benchmark: the verdict is known in advance, nothing timed), the real Octokit against
// the local fake GitHub (check runs, comments, permissions).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EXIT } from '../src/app/outcome.js'
import { runAction, type ActionIo } from '../src/github/action.js'
import type { ActionInputs } from '../src/github/inputs.js'
import { createActionLog } from '../src/github/log.js'
import { ActionOutputs } from '../src/github/outputs.js'
import type { ActionEvent } from '../src/github/plan.js'
import { parseResults } from '../src/results/format.js'
import type { TrialRunner } from '../src/runners/types.js'
import { actionInputs } from './helpers/action-inputs.js'
import { FakeGitHub } from './helpers/fake-github.js'
import { cloneOf, git, makeRemote, removeRemotes } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const CONFIG = `benchmarks:
  - name: steady
    command: { run: "true" }
    trials: 6
  - name: parse
    command: { run: "true" }
    trials: 6
`
const repository = { owner: 'octo', repo: 'orders' }

let github: FakeGitHub
beforeEach(async () => {
  github = new FakeGitHub()
  process.env.GITHUB_API_URL = await github.start()
  const scratch = scratchDir('perfgate-runner-')
  process.env.GITHUB_OUTPUT = path.join(scratch, 'output')
  process.env.GITHUB_STEP_SUMMARY = path.join(scratch, 'summary')
  writeFileSync(process.env.GITHUB_OUTPUT, '')
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
  github.roles.set('lead', 'write').set('visitor', 'read')
})
afterEach(async () => {
  await github.stop()
  removeRemotes()
})

/** `parse` is twice as slow on head; `steady` unchanged. */
const runner: TrialRunner = {
  async runTrial(benchmark, trial) {
    const base = (benchmark.spec as { cwd: string }).cwd.includes('perfgate-base-')
    const slower = !base && benchmark.name === 'parse'
    return okTrial(100 * (slower ? 2 : 1) * (1 + 0.002 * Math.sin(trial + benchmark.name.length)))
  }
}

const io = (): ActionIo => ({
  log: createActionLog(() => {}),
  outputs: new ActionOutputs(),
  runner
})

function inputs(dir: string, overrides: Partial<ActionInputs> = {}): ActionInputs {
  return actionInputs({ workingDirectory: dir, outputDir: 'out', check: true, ...overrides })
}

/** A pull request (#7: base on main, one commit on top) checked out at its head. */
function pullRequest() {
  const remote = makeRemote()
  const author = cloneOf(remote)
  writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
  git(author, 'add', '.')
  git(author, 'commit', '--quiet', '-m', 'base')
  const base = git(author, 'rev-parse', 'HEAD')
  git(author, 'push', '--quiet', 'origin', 'HEAD:main')
  git(author, 'commit', '--quiet', '--allow-empty', '-m', 'pr')
  const head = git(author, 'rev-parse', 'HEAD')
  git(author, 'push', '--quiet', 'origin', 'HEAD:refs/heads/feature')
  const dir = cloneOf(remote)
  git(dir, 'checkout', '--quiet', head)
  const event: ActionEvent = {
    repository,
    name: 'pull_request',
    ref: 'refs/pull/7/merge',
    sha: head,
    pullRequest: { number: 7, baseSha: base, headSha: head },
    defaultBranch: 'main'
  }
  return { dir, head, event }
}

function comment(body: string, login: string, type?: 'Bot') {
  const id = github.comments.length + 100
  github.comments.push({ id, body, user: { login, ...(type ? { type } : {}) } })
}

/** The fork recipe's comment workflow (workflow_run after the measure job at `head`). */
function commentWorkflow(dir: string, head: string) {
  const event: ActionEvent = {
    repository,
    name: 'workflow_run',
    ref: 'refs/heads/main',
    sha: 'f'.repeat(40),
    workflowRunHeadSha: head
  }
  return runAction(inputs(dir, { mode: 'comment' }), event, io())
}

const report = () => github.comments.find((c) => c.body.startsWith('<!-- perfgate'))!.body

describe('the Check run and accepting a regression', () => {
  it('fails the required check at the benchmark, ignores forged acceptances, passes once a writer accepts', async () => {
    const { dir, head, event } = pullRequest()

    const failed = await runAction(inputs(dir), event, io())
    expect(failed.exitCode).toBe(EXIT.gateFailed)
    expect(github.checkRuns).toHaveLength(1)
    const first = github.checkRuns[0]!
    expect(first).toMatchObject({
      name: 'perfgate',
      head_sha: head,
      status: 'completed',
      conclusion: 'failure'
    })
    // The regression is annotated at the benchmark's entry in perfgate.yml.
    expect(first.annotations).toEqual([
      expect.objectContaining({ path: 'perfgate.yml', start_line: 5, annotation_level: 'failure' })
    ])
    expect(first.annotations[0]!.message).toContain('parse')

    // A reader's acceptance, and one forged in a bot's comment: both ignored, and said so.
    comment('/perfgate accept parse +150% the reader says so', 'visitor')
    comment('/perfgate accept parse +150% a bot says so', 'lead', 'Bot')
    const still = await runAction(inputs(dir), event, io())
    expect(still.exitCode).toBe(EXIT.gateFailed)
    expect(github.checkRuns[1]).toMatchObject({ conclusion: 'failure' })
    expect(report()).toContain('Ignored acceptances')
    expect(report()).toContain('visitor')
    expect(report()).not.toContain('a bot says so')

    // A writer accepts: the next run passes, the check is green, the report says who and why.
    comment('/perfgate accept parse +150% the new parser validates every row', 'lead')
    const accepted = await runAction(inputs(dir), event, io())
    expect(accepted.exitCode).toBe(EXIT.passed)
    expect(github.checkRuns[2]).toMatchObject({ head_sha: head, conclusion: 'success' })
    // Accepted: no annotation fails the check any more.
    expect(
      github.checkRuns[2]!.annotations.filter((a) => a.annotation_level === 'failure')
    ).toEqual([])
    expect(report()).toContain('the new parser validates every row')
    expect(report()).toContain('lead')
    const results = parseResults(readFileSync(path.join(dir, 'out/results.json'), 'utf8'), 'r')
    expect(results.accepted).toEqual([
      expect.objectContaining({
        benchmark: 'parse',
        by: 'lead',
        reason: 'the new parser validates every row',
        pullRequest: 7
      })
    ])
  })

  it('lets the fork recipe comment workflow post the check on the pull request head', async () => {
    const { dir, head, event } = pullRequest()
    // The measure job (a fork's read-only token): no comment, no check, an artifact.
    const measured = await runAction(inputs(dir, { mode: 'measure' }), event, io())
    expect(measured.exitCode).toBe(EXIT.gateFailed)
    expect(github.checkRuns).toHaveLength(0)
    expect(github.comments).toHaveLength(0)

    // The comment workflow (workflow_run, trusted checkout, write token) re-judges it.
    github.pulls.set(7, head)
    comment('/perfgate accept parse +150% expected: validation added', 'lead')
    const commented = await commentWorkflow(dir, head)
    expect(commented.exitCode).toBe(EXIT.passed)
    expect(github.checkRuns).toHaveLength(1)
    expect(github.checkRuns[0]).toMatchObject({
      name: 'perfgate',
      head_sha: head,
      status: 'completed',
      conclusion: 'success'
    })
    expect(report()).toContain('expected: validation added')
  })

  it('posts no check on a refused artifact', async () => {
    const { dir, head, event } = pullRequest()
    await runAction(inputs(dir, { mode: 'measure' }), event, io())
    github.pulls.set(7, 'd'.repeat(40))
    const refused = await commentWorkflow(dir, head)
    expect(refused.exitCode).toBe(EXIT.usage)
    expect(github.checkRuns).toHaveLength(0)
  })
})
