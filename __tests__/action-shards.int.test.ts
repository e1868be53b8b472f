// A suite split over a job matrix, through the action on the source: three shard jobs and
// a merge job on a pull request (exactly one comment with every benchmark, Holm over the
// union) and on a push to main (one merged result stored per commit). A scripted runner
// gives exact verdicts; git, the data branch and the GitHub API are real.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
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
import { branchFiles, cloneOf, git, makeRemote, removeRemotes } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const NAMES = Array.from({ length: 9 }, (_, i) => `endpoint ${i + 1}`)
const CONFIG =
  'benchmarks:\n' +
  NAMES.map((n) => `  - name: "${n}"\n    command: { run: "true" }\n    trials: 4\n`).join('')
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
})
afterEach(async () => {
  await github.stop()
  removeRemotes()
})

/** endpoint 3 and 7 are twice as slow on head; the others unchanged. */
const runner: TrialRunner = {
  async runTrial(benchmark, trial) {
    const base = (benchmark.spec as { cwd: string }).cwd.includes('perfgate-base-')
    const slower = !base && ['endpoint 3', 'endpoint 7'].includes(benchmark.name)
    return okTrial(100 * (slower ? 2 : 1) * (1 + 0.002 * Math.sin(trial + benchmark.name.length)))
  }
}

function inputs(dir: string, overrides: Partial<ActionInputs>): ActionInputs {
  return actionInputs({
    workingDirectory: dir,
    outputDir: 'perfgate-output',
    ...overrides
  })
}

const io = (): ActionIo => ({
  log: createActionLog(() => {}),
  outputs: new ActionOutputs(),
  runner
})

/** Runs the three shard jobs (each in its own clone) and collects their artifacts. */
async function shardJobs(dirs: string[], event: ActionEvent, artifacts: string) {
  for (const [i, dir] of dirs.entries()) {
    const outcome = await runAction(inputs(dir, { shard: { index: i + 1, count: 3 } }), event, io())
    expect(outcome.exitCode).toBe(EXIT.passed) // a shard never carries the gate
    cpSync(path.join(dir, 'perfgate-output'), path.join(artifacts, `perfgate-shard-${i + 1}`), {
      recursive: true
    })
  }
}

/** A pull request (base on main, one commit on top) and three shard clones at its head. */
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
  const clones = [1, 2, 3].map(() => {
    const dir = cloneOf(remote)
    git(dir, 'checkout', '--quiet', head)
    return dir
  })
  const event: ActionEvent = {
    repository,
    name: 'pull_request',
    ref: 'refs/pull/7/merge',
    sha: head,
    pullRequest: { number: 7, baseSha: base },
    defaultBranch: 'main'
  }
  return { remote, base, head, clones, event }
}

describe('the action with shards', () => {
  it('merges three shards of a pull request into one comment, judged as one run', async () => {
    const { clones, event } = pullRequest()
    const mergeDir = scratchDir('perfgate-merge-')
    await shardJobs(clones, event, path.join(mergeDir, 'perfgate-shards'))
    expect(github.comments).toHaveLength(0)

    const outcome = await runAction(inputs(mergeDir, { mode: 'merge' }), event, io())
    expect(outcome.exitCode).toBe(EXIT.gateFailed)
    expect(github.comments).toHaveLength(1)
    const body = github.comments[0]!.body
    expect(body).toContain('2 regressions')
    expect(body).toContain('on 3 runners')
    for (const name of NAMES) expect(body).toContain(name)
    expect(body).toContain('Holm over 9 gated tests')
    const merged = JSON.parse(
      readFileSync(path.join(mergeDir, 'perfgate-output/results.json'), 'utf8')
    )
    expect(merged.merged).toEqual({ shards: 3 })
    expect(merged.benchmarks.map((b: { name: string }) => b.name)).toEqual(NAMES)
  })

  it('stores one merged result per commit on a push to main', async () => {
    const remote = makeRemote()
    const author = cloneOf(remote)
    writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
    git(author, 'add', '.')
    git(author, 'commit', '--quiet', '-m', 'main')
    git(author, 'push', '--quiet', 'origin', 'HEAD:main')
    const sha = git(author, 'rev-parse', 'HEAD')
    const event: ActionEvent = {
      repository,
      name: 'push',
      ref: 'refs/heads/main',
      sha,
      defaultBranch: 'main'
    }
    const clones = [1, 2, 3].map(() => cloneOf(remote))
    const mergeDir = cloneOf(remote)
    mkdirSync(path.join(mergeDir, 'perfgate-shards'))
    await shardJobs(clones, event, path.join(mergeDir, 'perfgate-shards'))
    expect(branchFiles(remote, 'perfgate-data')).toEqual([]) // shards store nothing

    const outcome = await runAction(inputs(mergeDir, { mode: 'merge' }), event, io())
    expect(outcome.exitCode).toBe(EXIT.passed)
    const stored = branchFiles(remote, 'perfgate-data').filter((f) => f.includes(sha))
    expect(stored).toHaveLength(1)
    const result = JSON.parse(git(remote.origin, 'show', `perfgate-data:${stored[0]}`))
    expect(result.benchmarks).toHaveLength(9)
    expect(result.merged).toEqual({ shards: 3 })
  })
  it('refuses artifacts measured at another commit than the run it publishes', async () => {
    const { clones, event } = pullRequest()
    const mergeDir = scratchDir('perfgate-merge-')
    await shardJobs(clones, event, path.join(mergeDir, 'perfgate-shards'))
    const later = { ...event, sha: 'a'.repeat(40) }
    const lines: string[] = []
    const outcome = await runAction(inputs(mergeDir, { mode: 'merge' }), later, {
      ...io(),
      log: createActionLog((t) => lines.push(t))
    })
    expect(outcome.exitCode).toBe(EXIT.usage)
    expect(outcome.reasons[0]).toBe(
      `perfgate-shards/perfgate-shard-1/results.json measured commit ${event.sha.slice(0, 7)}, ` +
        'but this run is of aaaaaaa (GITHUB_SHA): refusing results of another commit'
    )
    expect(github.comments).toHaveLength(0)
  })

  it('refuses artifacts compared with another base than the merge job finds', async () => {
    const { remote, base, head, clones, event } = pullRequest()
    const mergeDir = cloneOf(remote)
    git(mergeDir, 'checkout', '--quiet', head)
    await shardJobs(clones, event, path.join(mergeDir, 'perfgate-shards'))
    // The merge job's event names a later base: the merge-base it finds is head itself.
    const moved = { ...event, pullRequest: { number: 7, baseSha: head } }
    const outcome = await runAction(inputs(mergeDir, { mode: 'merge' }), moved, io())
    expect(outcome.exitCode).toBe(EXIT.usage)
    expect(outcome.reasons[0]).toBe(
      `perfgate-shards/perfgate-shard-1/results.json compared with base ${base.slice(0, 7)}, ` +
        `but this run's base is ${head.slice(0, 7)} (the merge-base with ${head.slice(0, 7)}): ` +
        'refusing results of another comparison'
    )
    expect(github.comments).toHaveLength(0)
  })

  it('walks the artifact folder without following links or opening FIFOs', async () => {
    const { clones, event } = pullRequest()
    const mergeDir = scratchDir('perfgate-merge-')
    const shardsDir = path.join(mergeDir, 'perfgate-shards')
    await shardJobs(clones, event, shardsDir)
    // A link back up (a loop), a link out of the folder holding a results.json, a FIFO.
    symlinkSync('..', path.join(shardsDir, 'perfgate-shard-1', 'loop'))
    const outside = scratchDir('perfgate-outside-')
    cpSync(path.join(shardsDir, 'perfgate-shard-1'), path.join(outside, 'x'), {
      recursive: true,
      verbatimSymlinks: true
    })
    symlinkSync(outside, path.join(shardsDir, 'elsewhere'))
    symlinkSync('/etc', path.join(shardsDir, 'etc'))
    spawnSync('mkfifo', [path.join(shardsDir, 'perfgate-shard-2', 'results.json.fifo')])
    const lines: string[] = []
    const outcome = await runAction(inputs(mergeDir, { mode: 'merge' }), event, {
      ...io(),
      log: createActionLog((t) => lines.push(t))
    })
    expect(outcome.exitCode).toBe(EXIT.gateFailed) // merged as usual: 2 regressions
    const log = lines.join('')
    expect(log).toContain('perfgate: merging 3 shard results from perfgate-shards')
    for (const skipped of [
      'perfgate-shard-1/loop: a symbolic link (not followed)',
      'elsewhere: a symbolic link (not followed)',
      'etc: a symbolic link (not followed)',
      'perfgate-shard-2/results.json.fifo: a FIFO'
    ]) {
      expect(log).toContain(`perfgate: perfgate-shards: skipping ${skipped}\n`)
    }
    expect(github.comments).toHaveLength(1)
  })

  it.each([
    ['no checkout (GITHUB_SHA)', false],
    ['a checkout (its HEAD)', true]
  ])(
    'refuses shards measured at another commit than the merge job runs for, with %s',
    async (_, checkout) => {
      const remote = makeRemote()
      const author = cloneOf(remote)
      writeFileSync(path.join(author, 'perfgate.yml'), CONFIG)
      git(author, 'add', '.')
      git(author, 'commit', '--quiet', '-m', 'old')
      const old = git(author, 'rev-parse', 'HEAD')
      git(author, 'push', '--quiet', 'origin', 'HEAD:main')
      const clones = [1, 2, 3].map(() => cloneOf(remote))
      const event = (sha: string): ActionEvent => ({
        repository,
        name: 'push',
        ref: 'refs/heads/main',
        sha,
        defaultBranch: 'main'
      })
      // The shards measured `old`; the merge job runs for the next commit.
      const artifacts = scratchDir('perfgate-artifacts-')
      await shardJobs(clones, event(old), artifacts)
      git(author, 'commit', '--quiet', '--allow-empty', '-m', 'new')
      const current = git(author, 'rev-parse', 'HEAD')
      git(author, 'push', '--quiet', 'origin', 'HEAD:main')
      const mergeDir = checkout ? cloneOf(remote) : scratchDir('perfgate-merge-')
      cpSync(artifacts, path.join(mergeDir, 'perfgate-shards'), { recursive: true })

      const outcome = await runAction(inputs(mergeDir, { mode: 'merge' }), event(current), io())
      expect(outcome.exitCode).toBe(EXIT.usage)
      expect(outcome.reasons.join('\n')).toContain(
        `measured commit ${old.slice(0, 7)}, but this run is of ${current.slice(0, 7)}`
      )
      expect(branchFiles(remote, 'perfgate-data')).toEqual([])
      expect(github.comments).toHaveLength(0)
    }
  )
})
