// perfgate bisect over real git repositories: each probed commit is a real worktree, and a
// scripted runner reads the commit's marker file from the benchmark's cwd inside that
// worktree, so trial values depend on which commit is measured while verdicts stay exact.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { bisectRange, bisectRegression, BisectError } from '../src/app/bisect.js'
import { loadConfigFile } from '../src/app/files.js'
import { commandBisect } from '../src/cli/bisect.js'
import type { TrialRunner } from '../src/runners/types.js'
import { createRandom } from '../src/stats/random.js'
import {
  movedThreshold,
  narrow,
  nextProbe,
  plannedSteps,
  stepAlpha,
  stepDecision,
  stepVerdict
} from '../src/stats/bisect.js'
import { git } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const silent = { write: () => true }

const CONFIG = `benchmarks:
  - name: parse
    command: { run: "true" }
    trials: 10
`

interface Fixture {
  readonly dir: string
  /** good first, then the 16 commits after it (the last is bad). */
  readonly commits: string[]
}

/**
 * A repository of good + `count` commits; commit number `planted` (1-based, after good)
 * raises speed.txt from 100 to `slower` (undefined: nothing planted).
 */
/**
 * Commits at a fixed time (minute `i` of a fixed day), so the fixture's hashes — which seed
 * each step's pair order — and with them the scripted trials are the same on every run.
 */
function commitAt(dir: string, i: number, message: string): void {
  const date = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()
  execFileSync(
    'git',
    [
      '-c',
      'user.name=perfgate-test',
      '-c',
      'user.email=test@localhost',
      'commit',
      '--quiet',
      '-m',
      message
    ],
    {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      stdio: 'ignore'
    }
  )
}

function fixture(
  options: { count?: number; planted?: number; slower?: number; config?: string } = {}
): Fixture {
  const { count = 16, planted, slower = 110, config = CONFIG } = options
  const dir = scratchDir('perfgate-bisect-')
  git(dir, 'init', '--quiet', '--initial-branch=main')
  writeFileSync(path.join(dir, 'perfgate.yml'), config)
  writeFileSync(path.join(dir, 'speed.txt'), '100\n')
  git(dir, 'add', '.')
  commitAt(dir, 0, 'good: the baseline')
  const commits = [git(dir, 'rev-parse', 'HEAD')]
  for (let i = 1; i <= count; i++) {
    writeFileSync(path.join(dir, 'work.txt'), `change ${i}\n`)
    if (i === planted) writeFileSync(path.join(dir, 'speed.txt'), `${slower}\n`)
    git(dir, 'add', '.')
    commitAt(dir, i, i === planted ? `change ${i}: slower parse` : `change ${i}`)
    commits.push(git(dir, 'rev-parse', 'HEAD'))
  }
  return { dir, commits }
}

/**
 * Trials whose wall time is the speed.txt of the checkout the benchmark's cwd points
 * into, with 1 % multiplicative noise; records every cwd it was asked to run in.
 */
function markerRunner(seed = 1): TrialRunner & { cwds: Set<string> } {
  const random = createRandom(seed)
  const cwds = new Set<string>()
  return {
    cwds,
    async runTrial(benchmark) {
      const cwd = (benchmark.spec as { cwd: string }).cwd
      cwds.add(cwd)
      const speed = Number(readFileSync(path.join(cwd, 'speed.txt'), 'utf8'))
      const noise = 1 + 0.01 * (random.next() * 2 - 1)
      return okTrial(speed * noise)
    }
  }
}

function capture(cwd: string, runner: TrialRunner) {
  const out = { stdout: '', stderr: '' }
  const io = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    cwd,
    runner
  }
  return { io, out }
}

const worktrees = (dir: string) => git(dir, 'worktree', 'list', '--porcelain').split('\n\n').length

describe('bisect decisions (pure)', () => {
  it('plans ⌈log2 n⌉ + 1 steps and splits alpha over them', () => {
    expect([1, 2, 3, 4, 5, 16, 17].map(plannedSteps)).toEqual([1, 2, 3, 3, 4, 5, 6])
    expect(stepAlpha(0.05, 16)).toBeCloseTo(0.01, 12)
    expect(() => plannedSteps(0)).toThrow(RangeError)
  })

  it('puts the moved threshold half-way on the log scale, in either direction', () => {
    expect(movedThreshold(1.1)).toBeCloseTo(Math.sqrt(1.1) - 1, 12)
    expect(movedThreshold(1 / 1.1)).toBeCloseTo(Math.sqrt(1.1) - 1, 12)
    expect(() => movedThreshold(0)).toThrow(RangeError)
  })

  it('moves only when significant and past half-way; not moved when below it', () => {
    const step = { alpha: 0.01, threshold: 0.0488, higherIsBetter: false }
    const decide = (ratio: number, ciLow: number, ciHigh: number, p: number, hib = false) =>
      stepDecision({ ...step, higherIsBetter: hib, ratio, ciLow, ciHigh, p })
    expect(decide(1.09, 1.08, 1.1, 0.001)).toBe('moved')
    expect(stepVerdict({ ...step, ratio: 1.09, ciLow: 1.08, ciHigh: 1.1, p: 0.001 })).toBe(
      'regression'
    )
    // Significant but less than half-way: not the commit that carried most of it.
    expect(decide(1.02, 1.01, 1.03, 0.001)).toBe('not-moved')
    // Noisy but surely below half-way, faster side included: not moved.
    expect(decide(0.94, 0.84, 1.045, 0.3)).toBe('not-moved')
    // Past half-way but not significant at the step's alpha.
    expect(decide(1.06, 0.99, 1.13, 0.02)).toBe('undecided')
    // Below half-way, but the interval reaches past it.
    expect(decide(1.01, 0.97, 1.052, 0.5)).toBe('undecided')
    // Throughput: slower is a lower ratio.
    expect(decide(0.9, 0.89, 0.91, 0.001, true)).toBe('moved')
    expect(decide(1.05, 0.96, 1.2, 0.3, true)).toBe('not-moved')
    expect(decide(0.99, 0.94, 1.02, 0.5, true)).toBe('undecided')
  })

  it('narrows a range to the first moved index in ⌈log2 n⌉ probes', () => {
    for (let n = 1; n <= 40; n++) {
      for (let first = 0; first < n; first++) {
        let range = { lo: -1, hi: n - 1 }
        let probes = 0
        for (let p = nextProbe(range); p !== undefined; p = nextProbe(range)) {
          range = narrow(range, p, p >= first)
          probes++
        }
        expect(range.hi).toBe(first)
        expect(probes).toBeLessThanOrEqual(plannedSteps(n) - 1)
      }
    }
    expect(() => narrow({ lo: 2, hi: 5 }, 5, true)).toThrow(RangeError)
  })
})

describe('bisect on a fixture repository', () => {
  it('finds the planted commit in at most 5 steps and prints the exact JSON shape', async () => {
    const { dir, commits } = fixture({ planted: 11 })
    const runner = markerRunner()
    const { io, out } = capture(dir, runner)
    const code = await commandBisect(
      ['--good', commits[0]!, '--bad', 'main', '--json', '--seed', '7'],
      io
    )
    expect(out.stderr).not.toMatch(/perfgate:/)
    expect(code).toBe(0)
    const json = JSON.parse(out.stdout)
    expect(Object.keys(json)).toEqual(['culprit', 'ratio', 'ciLow', 'ciHigh', 'steps'])
    expect(json.culprit).toEqual({ commit: commits[11], subject: 'change 11: slower parse' })
    expect(json.ratio).toBeGreaterThan(1.08)
    expect(json.ratio).toBeLessThan(1.12)
    expect(json.ciLow).toBeLessThanOrEqual(json.ratio)
    expect(json.ciHigh).toBeGreaterThanOrEqual(json.ratio)
    expect(json.steps.length).toBeLessThanOrEqual(5)
    for (const step of json.steps) {
      expect(Object.keys(step)).toEqual([
        'commit',
        'subject',
        'ratio',
        'ciLow',
        'ciHigh',
        'p',
        'pairs',
        'moved',
        'decision'
      ])
      expect(commits.slice(1)).toContain(step.commit)
      // Moved exactly when the commit holds the planted change.
      expect(step.moved).toBe(commits.indexOf(step.commit) >= 11)
    }
    expect(json.steps[0].commit).toBe(commits[16])
    // Every trial ran inside a worktree, none in the user's tree, and none is left.
    expect([...runner.cwds].some((cwd) => cwd === dir)).toBe(false)
    for (const cwd of runner.cwds) expect(existsSync(cwd)).toBe(false)
    expect(worktrees(dir)).toBe(1)
    expect(git(dir, 'status', '--porcelain')).toBe('')
  }, 120_000)

  it('never names a commit outside the range, wherever the change is planted', async () => {
    for (const planted of [1, 2, 8, 16]) {
      const { dir, commits } = fixture({ planted })
      // A range that starts after good: the change must be found inside it or not at all.
      const outcome = await bisectRegression(
        { config: loadConfigFile(dir, undefined), good: commits[0]!, bad: 'HEAD', seed: planted },
        { runner: markerRunner(planted), log: silent }
      )
      expect(outcome.kind).toBe('found')
      if (outcome.kind !== 'found') continue
      expect(outcome.culprit.commit).toBe(commits[planted])
      expect(outcome.steps.length).toBeLessThanOrEqual(5)
      for (const step of outcome.steps) expect(commits.slice(1)).toContain(step.commit)
      expect(outcome.lastGood.commit).toBe(commits[planted - 1])
    }
  }, 240_000)

  it('bisects a sub-range and names only commits inside it', async () => {
    const { dir, commits } = fixture({ planted: 6 })
    const outcome = await bisectRegression(
      {
        config: loadConfigFile(dir, undefined),
        good: commits[3]!,
        bad: commits[9]!,
        seed: 3
      },
      { runner: markerRunner(3), log: silent }
    )
    expect(outcome.kind === 'found' && outcome.culprit.commit).toBe(commits[6])
    for (const step of outcome.steps) expect(commits.slice(4, 10)).toContain(step.commit)
  }, 120_000)

  it('stops when bad did not move: exit 1 and says so', async () => {
    const { dir, commits } = fixture({ count: 4 })
    const { io, out } = capture(dir, markerRunner())
    const code = await commandBisect(['--good', commits[0]!, '--bad', commits[4]!], io)
    expect(code).toBe(1)
    expect(out.stdout).toMatch(/no culprit: no regression between good and bad for parse wall/)
    expect(out.stdout).toMatch(/did not move/)
    expect(worktrees(dir)).toBe(1)
  }, 60_000)

  it('a faster commit is not a regression', async () => {
    const { dir, commits } = fixture({ count: 4, planted: 2, slower: 80 })
    const { io, out } = capture(dir, markerRunner())
    const code = await commandBisect(['--good', commits[0]!, '--bad', commits[4]!, '--json'], io)
    expect(code).toBe(1)
    const json = JSON.parse(out.stdout)
    expect(json.culprit).toBeNull()
    expect(json.reason).toMatch(/^no regression between good and bad for parse wall/)
    expect(json.steps).toHaveLength(1)
  }, 60_000)

  it('locates a faster commit when bad was measured before (a confirmed step of main)', async () => {
    const { dir, commits } = fixture({ count: 6, planted: 4, slower: 80 })
    const runner = markerRunner()
    const request = {
      config: loadConfigFile(dir, undefined),
      good: commits[0]!,
      bad: commits[6]!,
      seed: 1,
      badMeasured: { ratio: 0.8, ciLow: 0.79, ciHigh: 0.81, p: 1e-6, pairs: 10 }
    }
    const lines: string[] = []
    const log = { write: (text: string) => lines.push(text) }
    const found = await bisectRegression(request, { runner, log })
    expect(found).toMatchObject({ kind: 'found', culprit: { commit: commits[4] } })
    // Bad is not measured again: only probes inside the range were checked out.
    expect(found.steps[0]).toMatchObject({ role: 'bad', decision: 'moved', ratio: 0.8 })
    expect(found.steps.slice(1).every((step) => step.role === 'probe')).toBe(true)
    expect([...runner.cwds]).toHaveLength(found.steps.length) // good + each probe
    // No time left after the first probe (each trial takes 60 ms of a scripted clock, the
    // probe's first look 1.2 s): undecided, with the range known so far.
    let clock = 0
    const timed = markerRunner()
    const slowRunner: TrialRunner = {
      async runTrial(benchmark, trial) {
        clock += 60
        return timed.runTrial(benchmark, trial)
      }
    }
    const spent = await bisectRegression(
      { ...request, budgetMs: 1000 },
      { runner: slowRunner, log, now: () => clock }
    )
    expect(spent).toMatchObject({ kind: 'undecided' })
    expect(spent.steps).toHaveLength(2)
    expect(spent.kind === 'undecided' && spent.reason).toMatch(/time for the bisection was spent/)
    expect(worktrees(dir)).toBe(1)
  }, 60_000)

  it('stops undecided when a step cannot tell, with the narrowed range', async () => {
    const { dir, commits } = fixture({ count: 8, planted: 6 })
    // Commit 4 is noisy around half-way: neither moved nor clearly not.
    const random = createRandom(5)
    const runner: TrialRunner = {
      async runTrial(benchmark) {
        const cwd = (benchmark.spec as { cwd: string }).cwd
        const speed = Number(readFileSync(path.join(cwd, 'speed.txt'), 'utf8'))
        const work = path.join(cwd, 'work.txt')
        const noisy = existsSync(work) && readFileSync(work, 'utf8') === 'change 4\n'
        const noise = 1 + (noisy ? 0.3 : 0.01) * (random.next() * 2 - 1)
        return okTrial((noisy ? 105 : speed) * noise)
      }
    }
    const { io, out } = capture(dir, runner)
    const code = await commandBisect(
      ['--good', commits[0]!, '--bad', commits[8]!, '--json', '--seed', '1'],
      io
    )
    expect(code).toBe(1)
    const json = JSON.parse(out.stdout)
    expect(json.culprit).toBeNull()
    expect(json.reason).toMatch(/could not decide whether [0-9a-f]{7} moved/)
    expect(json.range).toEqual({ after: commits[0], upTo: commits[8] })
    expect(json.steps.map((s: { decision: string }) => s.decision)).toEqual(['moved', 'undecided'])
    expect(worktrees(dir)).toBe(1)
  }, 60_000)
})

describe('bisect on instruction counts', () => {
  const config = `benchmarks:
  - name: parse
    command: { run: "true" }
    measure: instructions
`
  it('decides each step from one pair, two where it moved, and finds a +1 % count, below the time threshold', async () => {
    const { dir, commits } = fixture({ count: 8, planted: 5, slower: 101, config })
    const random = createRandom(2)
    const measured: string[] = []
    const runner: TrialRunner = {
      async runTrial(benchmark) {
        measured.push(benchmark.compare.gate.join())
        const cwd = (benchmark.spec as { cwd: string }).cwd
        const speed = Number(readFileSync(path.join(cwd, 'speed.txt'), 'utf8'))
        // Counts repeat to about 0.01 %.
        const count = speed * 10_000 * (1 + 1e-4 * (random.next() * 2 - 1))
        return { ok: true, metrics: { instructions: count }, details: {}, durationMs: 1 }
      }
    }
    const outcome = await bisectRegression(
      { config: loadConfigFile(dir, undefined), good: commits[0]!, bad: 'HEAD', seed: 4 },
      { runner, log: silent }
    )
    expect(outcome.kind === 'found' && outcome.culprit.commit).toBe(commits[5])
    // One pair where the count stayed; a second confirms where it moved.
    expect(outcome.steps.map((step) => step.pairs)).toEqual(
      outcome.steps.map((step) => (step.moved ? 2 : 1))
    )
    expect(new Set(measured)).toEqual(new Set(['instructions']))
    expect(outcome.steps[0]!.ratio).toBeCloseTo(1.01, 3)
  }, 120_000)

  it('sets aside a count off its level: the step takes a third pair and still moves', async () => {
    const { dir, commits } = fixture({ count: 4, planted: 2, slower: 101, config })
    let trials = 0
    const runner: TrialRunner = {
      async runTrial(benchmark) {
        const cwd = (benchmark.spec as { cwd: string }).cwd
        const speed = Number(readFileSync(path.join(cwd, 'speed.txt'), 'utf8'))
        // The very first count (bad's or good's) lands on a level 0.63 % higher.
        const count = speed * 10_000 * (trials++ === 0 ? 1.0063 : 1)
        return { ok: true, metrics: { instructions: count }, details: {}, durationMs: 1 }
      }
    }
    const outcome = await bisectRegression(
      { config: loadConfigFile(dir, undefined), good: commits[0]!, bad: 'HEAD', seed: 4 },
      { runner, log: silent }
    )
    expect(outcome.kind === 'found' && outcome.culprit.commit).toBe(commits[2])
    const first = outcome.steps[0]!
    expect(first).toMatchObject({ role: 'bad', moved: true, pairs: 3, setAside: { pair: 1 } })
    expect(first.ratio).toBeCloseTo(1.01, 6)
  }, 120_000)
})

describe('bisect over merges', () => {
  it('a merge on the first-parent line is one step; its branch is never named', async () => {
    const { dir, commits } = fixture({ count: 3 })
    // A side branch off commit 1 plants the change; main gets two more commits, then merges it.
    git(dir, 'checkout', '--quiet', '-b', 'side', commits[1]!)
    const side: string[] = []
    for (const i of [1, 2, 3]) {
      writeFileSync(path.join(dir, 'side.txt'), `side ${i}\n`)
      if (i === 2) writeFileSync(path.join(dir, 'speed.txt'), '110\n')
      git(dir, 'add', '.')
      git(dir, 'commit', '--quiet', '-m', `side ${i}`)
      side.push(git(dir, 'rev-parse', 'HEAD'))
    }
    git(dir, 'checkout', '--quiet', 'main')
    git(dir, 'merge', '--quiet', '--no-ff', '-m', 'merge side', 'side')
    const merge = git(dir, 'rev-parse', 'HEAD')
    for (const i of [4, 5]) {
      writeFileSync(path.join(dir, 'work.txt'), `after ${i}\n`)
      git(dir, 'add', '.')
      git(dir, 'commit', '--quiet', '-m', `after ${i}`)
    }
    const { io, out } = capture(dir, markerRunner())
    const code = await commandBisect(['--good', commits[0]!, '--bad', 'HEAD'], io)
    expect(code).toBe(0)
    expect(out.stdout).toMatch(new RegExp(`^culprit: ${merge} merge side$`, 'm'))
    expect(out.stdout).toMatch(/it is a merge: to go into its branch, bisect again with/)
    expect(out.stdout).toMatch(/note: 1 merge commit on the first-parent line/)
    for (const sha of side) expect(out.stdout).not.toContain(sha.slice(0, 7))
    // Into the branch, as the output suggests: the side commit that planted it.
    const inner = capture(dir, markerRunner(2))
    const base = git(dir, 'merge-base', `${merge}^1`, `${merge}^2`)
    expect(await commandBisect(['--good', base, '--bad', `${merge}^2`, '--json'], inner.io)).toBe(0)
    expect(JSON.parse(inner.out.stdout).culprit.commit).toBe(side[1])
  }, 120_000)
})

describe('bisect refusals', () => {
  let fx: Fixture
  beforeAll(() => {
    fx = fixture({ count: 3, planted: 2 })
  })

  const refuse = async (args: string[], message: RegExp, cwd = fx.dir) => {
    const { io, out } = capture(cwd, markerRunner())
    expect(await commandBisect(args, io)).toBe(2)
    expect(out.stderr).toMatch(message)
    expect(out.stdout).toBe('')
  }

  it('refuses unknown refs, reversed ranges, an empty range and missing flags', async () => {
    await refuse(['--good', 'nope', '--bad', 'HEAD'], /--good "nope": unknown git ref/)
    await refuse(['--good', fx.commits[0]!, '--bad', 'v9'], /--bad "v9": unknown git ref/)
    await refuse(['--good=--upload-pack=x', '--bad', 'HEAD'], /unknown git ref/)
    await refuse(['--good', fx.commits[3]!, '--bad', fx.commits[0]!], /is not an ancestor of --bad/)
    await refuse(['--good', 'HEAD', '--bad', 'main'], /are the same commit/)
    await refuse(['--bad', 'HEAD'], /needs --good <git-ref> and --bad <git-ref>/)
    const help = capture(fx.dir, markerRunner())
    expect(await commandBisect(['--help'], help.io)).toBe(0)
    expect(help.out.stdout).toMatch(/^Usage:\n {2}perfgate bisect --good <git-ref> --bad <git-ref>/)
    await refuse(['--good', 'HEAD~1', '--bad', 'HEAD', '--trials', '0'], /--trials: expected/)
    expect(worktrees(fx.dir)).toBe(1)
  })

  it('refuses a good commit on a side branch that bad does not contain', async () => {
    git(fx.dir, 'checkout', '--quiet', '-b', 'side', fx.commits[1]!)
    writeFileSync(path.join(fx.dir, 'side.txt'), 'x\n')
    git(fx.dir, 'add', '.')
    git(fx.dir, 'commit', '--quiet', '-m', 'side')
    git(fx.dir, 'checkout', '--quiet', 'main')
    await refuse(['--good', 'side', '--bad', 'main'], /is not an ancestor of --bad main/)
  })

  it('needs --benchmark with several benchmarks, and a metric of its kind', async () => {
    const two = fixture({
      count: 2,
      config: CONFIG + '  - name: other\n    command: { run: "true" }\n'
    })
    await refuse(
      ['--good', 'HEAD~2', '--bad', 'HEAD'],
      /--benchmark is required: .*perfgate\.yml has 2 benchmarks \("parse", "other"\)/,
      two.dir
    )
    await refuse(
      ['--good', 'HEAD~2', '--bad', 'HEAD', '--benchmark', 'nope'],
      /--benchmark "nope": no such benchmark/,
      two.dir
    )
    await refuse(
      ['--good', 'HEAD~2', '--bad', 'HEAD', '--benchmark', 'parse', '--metric', 'rps'],
      /--metric "rps": not a metric of command benchmark "parse"; expected one of/,
      two.dir
    )
  })

  it('outside a repository is a usage error', async () => {
    const dir = scratchDir('perfgate-bisect-norepo-')
    writeFileSync(path.join(dir, 'perfgate.yml'), CONFIG)
    expect(() => bisectRange(dir, 'HEAD~1', 'HEAD')).toThrow(BisectError)
    await refuse(['--good', 'HEAD~1', '--bad', 'HEAD'], /needs a git repository/, dir)
  })
})
