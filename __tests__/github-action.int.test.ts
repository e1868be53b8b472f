// The action's decisions carried out on the source, in-process: a scripted trial runner
// (verdicts exact, nothing timed), real git repositories, the real Octokit against the
// local fake GitHub, outputs read back from GITHUB_OUTPUT as the runner would.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EXIT } from '../src/app/outcome.js'
import { runAction, type ActionIo } from '../src/github/action.js'
import type { ActionInputs } from '../src/github/inputs.js'
import { actionInputs } from './helpers/action-inputs.js'
import { createActionLog } from '../src/github/log.js'
import { ActionOutputs } from '../src/github/outputs.js'
import type { ActionEvent } from '../src/github/plan.js'
import type { TrialRunner } from '../src/runners/types.js'
import { FakeGitHub } from './helpers/fake-github.js'
import { git, makeRemote, removeRemotes } from './helpers/git-repos.js'
import { failedTrial, okTrial, scriptedRunner } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const CONFIG = `benchmarks:
  - name: ok
    command: { run: "true" }
    trials: 3
  - name: broken
    command: { run: "false" }
    trials: 3
`
const repository = { owner: 'octo', repo: 'orders' }

let github: FakeGitHub
let runnerFiles: { output: string; summary: string }
beforeEach(async () => {
  github = new FakeGitHub()
  process.env.GITHUB_API_URL = await github.start()
  const scratch = scratchDir('perfgate-runner-')
  runnerFiles = { output: path.join(scratch, 'output'), summary: path.join(scratch, 'summary') }
  writeFileSync(runnerFiles.output, '')
  writeFileSync(runnerFiles.summary, '')
  process.env.GITHUB_OUTPUT = runnerFiles.output
  process.env.GITHUB_STEP_SUMMARY = runnerFiles.summary
  process.env.PERFGATE_NODE = process.execPath
})
afterEach(async () => {
  await github.stop()
  removeRemotes()
})

function project(config = CONFIG): string {
  const dir = scratchDir('perfgate-project-')
  writeFileSync(path.join(dir, 'perfgate.yml'), config)
  return dir
}

function inputsFor(dir: string, overrides: Partial<ActionInputs> = {}): ActionInputs {
  return actionInputs({
    workingDirectory: dir,
    baseline: 'none',
    outputDir: 'out',
    ...overrides
  })
}

/** An action run's io; `lines` is the log as the runner reads it. */
function actionIo(runner: TrialRunner) {
  const lines: string[] = []
  const io: ActionIo = {
    log: createActionLog((text) => lines.push(...text.split('\n').slice(0, -1))),
    outputs: new ActionOutputs(),
    runner
  }
  return { io, lines }
}

/** The outputs the step set (GITHUB_OUTPUT's name<<delimiter blocks). */
function outputs(): Record<string, string> {
  const found: Record<string, string> = {}
  const text = readFileSync(runnerFiles.output, 'utf8')
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) found[m[1]!] = m[3]!
  return found
}

const pullRequest = (sha: string, baseSha: string): ActionEvent => ({
  repository,
  name: 'pull_request',
  ref: 'refs/pull/7/merge',
  sha,
  pullRequest: { number: 7, baseSha },
  defaultBranch: 'main'
})

describe('runAction', () => {
  it('gives errored results the same outcome in measure mode and in comment mode', async () => {
    const dir = project()
    const runner = scriptedRunner({ ok: () => okTrial(10), broken: () => failedTrial('exit 1') })
    const measureIo = actionIo(runner)
    const measured = await runAction(
      inputsFor(dir, { mode: 'measure' }),
      pullRequest('a'.repeat(40), 'b'.repeat(40)),
      measureIo.io
    )
    expect(measured).toMatchObject({ exitCode: EXIT.runtime, verdict: 'error' })
    expect(outputs()).toMatchObject({ verdict: 'error', 'exit-code': '3' })
    expect(readFileSync(path.join(dir, 'out/pr-number.txt'), 'utf8')).toBe('7\n')
    expect(github.comments).toHaveLength(0)

    writeFileSync(runnerFiles.output, '')
    github.pulls.set(7, 'a'.repeat(40))
    const commentIo = actionIo(scriptedRunner({}))
    const commented = await runAction(
      inputsFor(dir, { mode: 'comment' }),
      {
        repository,
        name: 'workflow_run',
        ref: 'refs/heads/main',
        sha: 'c'.repeat(40),
        workflowRunHeadSha: 'a'.repeat(40)
      },
      commentIo.io
    )
    expect(commented).toEqual(measured)
    expect(outputs()).toMatchObject({ verdict: 'error', 'exit-code': '3' })
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]!.body).toContain('could not be measured')
  })

  it('sets the outputs when it refuses, and when a comment-mode artifact cannot be trusted', async () => {
    const dir = project()
    const target = { ...pullRequest('a'.repeat(40), 'b'.repeat(40)), name: 'pull_request_target' }
    const refused = await runAction(inputsFor(dir), target, actionIo(scriptedRunner({})).io)
    expect(refused.exitCode).toBe(EXIT.usage)
    expect(outputs()).toMatchObject({ verdict: 'error', 'exit-code': '2', results: '' })

    // An artifact naming a PR whose head is not the measured commit.
    const runner = scriptedRunner({ ok: () => okTrial(10), broken: () => okTrial(10) })
    writeFileSync(runnerFiles.output, '')
    await runAction(
      inputsFor(dir, { mode: 'measure' }),
      pullRequest('a'.repeat(40), 'b'.repeat(40)),
      actionIo(runner).io
    )
    github.pulls.set(7, 'd'.repeat(40))
    writeFileSync(runnerFiles.output, '')
    const untrusted = await runAction(
      inputsFor(dir, { mode: 'comment' }),
      { repository, name: 'workflow_run', ref: 'r', sha: 's', workflowRunHeadSha: 'a'.repeat(40) },
      actionIo(scriptedRunner({})).io
    )
    expect(untrusted.exitCode).toBe(EXIT.usage)
    expect(untrusted.reasons[0]).toContain('not the measured commit')
    expect(outputs()).toMatchObject({ verdict: 'error', 'exit-code': '2' })
    expect(github.comments).toHaveLength(0)

    // A corrupt artifact.
    writeFileSync(path.join(dir, 'out/results.json'), '{"tool":{"name":"perfgate"}')
    writeFileSync(runnerFiles.output, '')
    const corrupt = await runAction(
      inputsFor(dir, { mode: 'comment' }),
      { repository, name: 'workflow_run', ref: 'r', sha: 's', workflowRunHeadSha: 'a'.repeat(40) },
      actionIo(scriptedRunner({})).io
    )
    expect(corrupt.exitCode).toBe(EXIT.usage)
    expect(outputs()).toMatchObject({ verdict: 'error', 'exit-code': '2' })
  })

  it('never lets benchmark text become a workflow command in the log', async () => {
    const dir = project()
    const runner = scriptedRunner({
      ok: () => okTrial(10),
      broken: () => failedTrial('boom\n::add-mask::perfgate\n::error::forged ##[warning]x')
    })
    const { io, lines } = actionIo(runner)
    await runAction(inputsFor(dir, { comment: 'never' }), pullRequest('a'.repeat(40), 'b'), io)
    expect(lines.join('\n')).toContain('add-mask')
    expect(lines.filter((l) => l.trimStart().startsWith('::') || l.includes('##['))).toEqual([])
  })

  it("compares a shallow clone of GitHub's merge commit with its first parent", async () => {
    const { top, origin } = makeRemote()
    const author = path.join(top, 'author')
    git(top, 'clone', '--quiet', origin, author)
    writeFileSync(path.join(author, 'perfgate.yml'), CONFIG.split('  - name: broken')[0]!)
    git(author, 'add', '.')
    git(author, 'commit', '--quiet', '-m', 'base')
    const base = git(author, 'rev-parse', 'HEAD')
    git(author, 'checkout', '--quiet', '-b', 'feature')
    writeFileSync(path.join(author, 'feature.txt'), 'x\n')
    git(author, 'add', '.')
    git(author, 'commit', '--quiet', '-m', 'feature')
    git(author, 'checkout', '--quiet', 'main')
    git(author, 'merge', '--quiet', '--no-ff', '-m', 'merge', 'feature')
    const merge = git(author, 'rev-parse', 'HEAD')
    git(author, 'push', '--quiet', 'origin', 'HEAD:refs/pull/7/merge')
    // As actions/checkout does by default: the merge commit alone, depth 1.
    const work = path.join(top, 'work')
    git(top, 'init', '--quiet', work)
    git(work, 'remote', 'add', 'origin', `file://${origin}`)
    git(work, 'fetch', '--quiet', '--depth', '1', 'origin', 'refs/pull/7/merge')
    git(work, 'checkout', '--quiet', 'FETCH_HEAD')
    expect(git(work, 'rev-parse', '--is-shallow-repository')).toBe('true')

    const { io, lines } = actionIo(scriptedRunner({ ok: () => okTrial(10) }))
    const outcome = await runAction(
      inputsFor(work, { baseline: 'auto', comment: 'never' }),
      pullRequest(merge, base),
      io
    )
    expect(outcome.exitCode).toBe(EXIT.passed)
    expect(lines).toContain(`perfgate: fetching ${base.slice(0, 7)}`)
    const results = JSON.parse(readFileSync(path.join(work, 'out/results.json'), 'utf8'))
    expect(results.base.source).toBe(`base commit ${base.slice(0, 7)}`)
    expect(results.benchmarks[0].paired.pairs).toBeGreaterThan(0)
  })
})
