/**
 * `npm run bench:changepoints`: how perfgate's change-point detection on main's history
 * (src/stats/changepoints.ts) behaves on simulated series, and how fast history is read.
 *
 * Each point of a series is one commit's median: `level × effect × exp(cv × Z)`, Z standard
 * normal from perfgate's seeded `createRandom` (lognormal noise, `cv` the relative SD
 * between commits — runner to runner, the noise that matters on main).
 *
 * 1. False change points on flat series (100 points each) at CV 1 / 2 / 4 %, also with
 *    disturbed commits (5 % of points slowed by 10–30 %, as a busy shared runner does):
 *    change points per 1,000 points.
 * 2. Steps of +3 / +5 / +10 % at commit 40 of 60, CV 1 / 2 / 4 %: share detected (a change
 *    point within ±5 commits), located exactly and within ±2, and the share whose 95 %
 *    interval holds the true ratio.
 * 3. A slow drift of +1 % per commit over commits 20–40 of 60 (the "boiling frog", +22 %
 *    in all): how many change points, their product (the cumulative ratio reported), and,
 *    run commit by commit as pushes arrive, after how many drifting commits a change point
 *    first appears.
 * 4. Runner drift and confirmation (main's real failure mode): each commit's value carries
 *    a run-to-run offset larger than the within-run spread, and now and then a slow spell
 *    of the runner (3–8 commits, +5–15 %). Change points are found with the benchmark's
 *    threshold (4 %; 0.5 % for an instruction series) as the smallest step, and each one is
 *    confirmed as the action does: ONE paired A/B on one runner across the step's window
 *    (src/app/confirm.ts, confirmationWindow: the stored commit after the named one against
 *    the one before its predecessor), so within-run noise only, the step in the pairs iff
 *    the true step lies in the window (looks at 10 / 20 / 30 pairs, confirmed when p <
 *    alpha / 3 and the estimate is at least the threshold, either way). Reports
 *    false change points and false confirmed steps per 1,000 commits on unchanged series,
 *    and for a +5 % step at commit 60 of 100: found (an upward change point within ±2
 *    commits), the nearest found 3–6 commits off (beyond any window compared), at
 *    the right commit, and found and confirmed (an upward change point within ±2 whose
 *    window's A/B confirms it) with windows of ±0 (the commit against its parent) to ±3
 *    stored commits, the action's marked; and confirmed and located at the right commit
 *    (the ±2 window then bisected as locateStep does, each probe an A/B against its base).
 * 5. Cost: one detection on 100 / 500 / 1,000 points; reading and analysing a directory of
 *    500 results files (6 function benchmarks × 10 trials each) with `perfgate history`'s
 *    own code (readResultsDir + historyOf); fetching and reading the same files from a data
 *    branch of a local bare repository (readDataBranch: one fetch, ls-tree, cat-file).
 *
 * 6. Drift shared by the benchmarks of a run (K = 4, most of the run-to-run variance common
 *    to the run, slow spells of the whole run): the same cells as 4, each benchmark's
 *    candidates found on its stored values only against on them and on its values relative
 *    to the other three of each run (src/history/relative.ts, as `perfgate history` does):
 *    candidates and false confirmed steps per 1,000 commits of one series, and for a +5 %
 *    step of one of the four at commit 60: found (±2), at the right commit, found and
 *    confirmed (one A/B across the ±2 window), and confirmed and located at the right
 *    commit.
 *
 * Tables (Markdown) go to stdout. Options: --seed S (1), --runs N (1000 series per cell),
 * --only flat,steps,slow-drift,drift,shared-drift,cost (those tables only; the random
 * stream then differs from a full run's).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { integerOption, runBench } from './common.js'
import { simulatedBenchmark, simulatedResults } from './simulated-results.js'
import { CONFIRMATION_WINDOW, confirmationWindow } from '../src/app/confirm.js'
import { historyOf } from '../src/app/history.js'
import { readDataBranch } from '../src/history/read-branch.js'
import { changePointsOnBoth, relativeValues } from '../src/history/relative.js'
import { readResultsDir } from '../src/history/read-dir.js'
import { serializeResults } from '../src/results/format.js'
import type { BenchmarkResult, Results, TrialResult } from '../src/results/types.js'
import { detectChangePoints, DEFAULT_CHANGE_POINT_MAX_P } from '../src/stats/changepoints.js'
import {
  movedThreshold,
  narrow,
  nextProbe,
  stepAlpha,
  stepDecision,
  type BisectRange
} from '../src/stats/bisect.js'
import { studentTCdf, studentTQuantile } from '../src/stats/distributions.js'
import { createRandom, type Random } from '../src/stats/random.js'

const CVS = [0.01, 0.02, 0.04]

function series(random: Random, n: number, cv: number, effect: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => effect(i) * Math.exp(cv * random.normal()))
}

const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`

function falseChangePoints(random: Random, runs: number): string {
  const rows = [['CV', 'disturbed commits', 'points', 'change points', 'per 1,000 points']]
  for (const cv of CVS) {
    for (const disturbed of [0, 0.05]) {
      let found = 0
      for (let r = 0; r < runs; r++) {
        const values = series(random, 100, cv, () =>
          random.next() < disturbed ? 1.1 + 0.2 * random.next() : 1
        )
        found += detectChangePoints(values).length
      }
      rows.push([
        percent(cv, 0),
        percent(disturbed, 0),
        String(runs * 100),
        String(found),
        ((found / (runs * 100)) * 1000).toFixed(2)
      ])
    }
  }
  return markdownTable(rows, { align: ['r', 'r', 'r', 'r', 'r'] })
}

function steps(random: Random, runs: number): string {
  const rows = [
    ['step', 'CV', 'detected (±5)', 'exact', 'within ±2', 'interval holds the step', 'median ratio']
  ]
  for (const step of [0.03, 0.05, 0.1]) {
    for (const cv of CVS) {
      let detected = 0
      let exact = 0
      let near = 0
      let covered = 0
      const ratios: number[] = []
      for (let r = 0; r < runs; r++) {
        const values = series(random, 60, cv, (i) => (i >= 40 ? 1 + step : 1))
        const hit = detectChangePoints(values).find((s) => Math.abs(s.index - 40) <= 5)
        if (!hit) continue
        detected++
        if (hit.index === 40) exact++
        if (Math.abs(hit.index - 40) <= 2) near++
        if (hit.ciLow <= 1 + step && 1 + step <= hit.ciHigh) covered++
        ratios.push(hit.ratio)
      }
      ratios.sort((a, b) => a - b)
      rows.push([
        `+${percent(step, 0)}`,
        percent(cv, 0),
        percent(detected / runs),
        percent(exact / runs),
        percent(near / runs),
        detected ? percent(covered / detected) : '–',
        ratios.length ? ratios[ratios.length >> 1]!.toFixed(3) : '–'
      ])
    }
  }
  return markdownTable(rows, { align: ['r', 'r', 'r', 'r', 'r', 'r', 'r'] })
}

function drift(random: Random, runs: number): string {
  const rows = [
    [
      'CV',
      'series with a change point in the drift',
      'change points (mean)',
      'product of their ratios (median)',
      'first noticed after N drifting commits (median; pushes one by one)'
    ]
  ]
  const effect = (i: number) => 1.01 ** Math.min(20, Math.max(0, i - 20))
  for (const cv of CVS) {
    let withStep = 0
    let count = 0
    const products: number[] = []
    const delays: number[] = []
    for (let r = 0; r < runs; r++) {
      const values = series(random, 60, cv, effect)
      const found = detectChangePoints(values)
      count += found.length
      if (found.some((s) => s.index >= 20 && s.index <= 41)) withStep++
      products.push(found.reduce((product, s) => product * s.ratio, 1))
      // As pushes arrive: the first prefix in which a change point inside the drift shows.
      let delay = Infinity
      for (let t = 21; t <= 60; t++) {
        if (detectChangePoints(values.slice(0, t)).some((s) => s.index >= 20)) {
          delay = t - 20
          break
        }
      }
      delays.push(delay)
    }
    products.sort((a, b) => a - b)
    delays.sort((a, b) => a - b)
    const medianDelay = delays[delays.length >> 1]!
    rows.push([
      percent(cv, 0),
      percent(withStep / runs),
      (count / runs).toFixed(2),
      products[products.length >> 1]!.toFixed(3),
      Number.isFinite(medianDelay) ? String(medianDelay) : 'never'
    ])
  }
  return markdownTable(rows, { align: ['r', 'r', 'r', 'r', 'r'] })
}

/** One cell of the drift simulation: noise between runs, within a run, slow spells. */
interface DriftCell {
  readonly label: string
  /** SD of the per-commit (run-to-run) log offset. */
  readonly between: number
  /** SD of one trial's log value within a run (the paired A/B's noise). */
  readonly within: number
  /** Chance per commit that a slow spell of the runner starts. */
  readonly spells: number
  /** Smallest step that counts (the comparison threshold). */
  readonly threshold: number
}

const DRIFT_CELLS: readonly DriftCell[] = [
  { label: 'wall time', between: 0.01, within: 0.005, spells: 0.02, threshold: 0.04 },
  { label: 'wall time', between: 0.02, within: 0.01, spells: 0, threshold: 0.04 },
  { label: 'wall time', between: 0.03, within: 0.01, spells: 0.02, threshold: 0.04 },
  { label: 'wall time', between: 0.03, within: 0.02, spells: 0.05, threshold: 0.04 },
  { label: 'instructions', between: 0.001, within: 0.0005, spells: 0, threshold: 0.005 }
]

const COMMITS = 100
/** Reaches of the confirmation's window compared: 0 is the commit against its parent. */
const REACHES = [0, 1, 2]
const TRIALS = 10

/**
 * The runner's slow spells, commit by commit: each commit not in a spell starts one with
 * probability `rate`, 3–8 commits long, +5–15 %. Returns the next commit's slow-down factor
 * (1 outside a spell).
 */
function slowSpells(random: Random, rate: number): () => number {
  let left = 0
  let factor = 1
  return () => {
    if (left === 0 && random.next() < rate) {
      left = 3 + Math.floor(random.next() * 6)
      factor = 1.05 + 0.1 * random.next()
    }
    if (left === 0) return 1
    left--
    return factor
  }
}

/** Stored commit values of one series under `cell`'s drift; `level(i)` the true level. */
function driftingSeries(random: Random, cell: DriftCell, level: (i: number) => number): number[] {
  const values: number[] = []
  const slowSpell = slowSpells(random, cell.spells)
  for (let i = 0; i < COMMITS; i++) {
    const slow = slowSpell()
    // The median of TRIALS trials: within-run noise shrunk by √TRIALS (near enough).
    const run = Math.exp(
      cell.between * random.normal() + (cell.within / Math.sqrt(TRIALS)) * random.normal()
    )
    values.push(level(i) * slow * run)
  }
  return values
}

/**
 * Looks at 10, 20, 30 pairs of log differences of two commits whose true ratio is `truth`
 * (within-run noise on both sides), Student's t at each; `decide` reads each look (the
 * estimate, its 95 % interval, p) and says when to stop, with what.
 */
function pairedLooks<T>(
  random: Random,
  cell: DriftCell,
  truth: number,
  decide: (
    look: { ratio: number; ciLow: number; ciHigh: number; p: number },
    last: boolean
  ) => T | undefined
): T | undefined {
  const differences: number[] = []
  for (const look of [10, 20, 30]) {
    while (differences.length < look) {
      differences.push(
        Math.log(truth) + cell.within * random.normal() - cell.within * random.normal()
      )
    }
    const n = differences.length
    const mean = differences.reduce((a, b) => a + b, 0) / n
    const se = Math.sqrt(differences.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1) / n)
    const p = 2 * studentTCdf(-Math.abs(mean) / se, n - 1)
    const half = studentTQuantile(0.975, n - 1) * se
    const decided = decide(
      { ratio: Math.exp(mean), ciLow: Math.exp(mean - half), ciHigh: Math.exp(mean + half), p },
      look === 30
    )
    if (decided !== undefined) return decided
  }
  return undefined
}

/**
 * The confirmation's paired A/B of two commits whose true ratio is `truth`: confirmed at
 * the first look with p < alpha / 3 and the estimate at least the threshold, either way
 * (src/history/confirmation.ts: the pairs are the arbiter); its estimate when confirmed.
 */
function pairedConfirms(random: Random, cell: DriftCell, truth: number): number | undefined {
  const beyond = Math.log1p(cell.threshold)
  return pairedLooks(random, cell, truth, ({ ratio, p }) =>
    p < 0.05 / 3 && Math.abs(Math.log(ratio)) >= beyond ? ratio : undefined
  )
}

/**
 * Where the confirmation places a step it confirmed at `ratio` over window (base, head]
 * (indices; `level` the true level): src/app/confirm.ts's locateStep, simulated — the
 * window's commits bisected (src/stats/bisect.ts: alpha split over the planned probes,
 * moved past half the window's change, the way it moved), each probe an A/B against base
 * with the looks above, stopping undecided at the last look. The index named, or
 * undefined when a probe could not decide.
 */
function locateInWindow(
  random: Random,
  cell: DriftCell,
  level: (i: number) => number,
  window: { readonly base: number; readonly head: number },
  ratio: number
): number | undefined {
  const n = window.head - window.base
  const alpha = stepAlpha(0.05, n)
  const threshold = movedThreshold(ratio)
  let range: BisectRange = { lo: -1, hi: n - 1 }
  for (let probe = nextProbe(range); probe !== undefined; probe = nextProbe(range)) {
    const truth = level(window.base + 1 + probe) / level(window.base)
    const decision = pairedLooks(random, cell, truth, (look, last) => {
      const decided = stepDecision({ ...look, alpha, threshold, higherIsBetter: ratio < 1 })
      return decided !== 'undecided' || last ? decided : undefined
    })
    if (decision !== 'moved' && decision !== 'not-moved') return undefined
    range = narrow(range, probe, decision === 'moved')
  }
  return window.base + 1 + range.hi
}

function driftAndConfirmation(random: Random, runs: number): string {
  const rows = [
    [
      'series',
      'between runs',
      'within a run',
      'slow spells per 1,000 commits',
      'change points per 1,000 commits (no min step)',
      'change points per 1,000 commits',
      'false confirmed per 1,000 commits',
      '+5 % step found (±2)',
      'nearest found 3–6 commits off',
      'at the right commit',
      ...REACHES.map(
        (reach) =>
          `found and confirmed, window ±${reach}${reach === CONFIRMATION_WINDOW ? ' (used)' : ''}`
      ),
      'confirmed and located at the right commit'
    ]
  ]
  for (const cell of DRIFT_CELLS) {
    let loose = 0
    let candidates = 0
    let falseConfirmed = 0
    for (let r = 0; r < runs; r++) {
      const values = driftingSeries(random, cell, () => 1)
      loose += detectChangePoints(values).length
      const found = detectChangePoints(values, { minStep: cell.threshold })
      candidates += found.length
      for (const _step of found) {
        // The window's two commits have the same true level: within-run noise only.
        if (pairedConfirms(random, cell, 1) !== undefined) falseConfirmed++
      }
    }
    let near = 0
    let far = 0
    let exact = 0
    const confirmed = REACHES.map(() => 0)
    let located = 0
    for (let r = 0; r < runs; r++) {
      const level = (i: number) => (i >= 60 ? 1.05 : 1)
      const values = driftingSeries(random, cell, level)
      // The step's own change point: upward (a slow spell's edge nearby is another one),
      // the nearest to the step; one 3–6 commits off is beyond the window's reach.
      const up = detectChangePoints(values, { minStep: cell.threshold })
        .filter((s) => s.ratio > 1 && Math.abs(s.index - 60) <= 6)
        .sort((a, b) => Math.abs(a.index - 60) - Math.abs(b.index - 60))
      const hit = up[0]
      if (hit && Math.abs(hit.index - 60) > 2) far++
      if (!hit || Math.abs(hit.index - 60) > 2) continue
      near++
      if (hit.index === 60) exact++
      // One A/B across the window: the step is in the pairs iff it lies between the two.
      REACHES.forEach((reach, at) => {
        const window = confirmationWindow(hit.index, COMMITS, reach)
        const truth = level(window.head) / level(window.base)
        const ratio = pairedConfirms(random, cell, truth)
        if (ratio === undefined) return
        confirmed[at]!++
        if (reach !== CONFIRMATION_WINDOW) return
        if (locateInWindow(random, cell, level, window, ratio) === 60) located++
      })
    }
    const perThousand = (count: number) => ((count / (runs * COMMITS)) * 1000).toFixed(2)
    rows.push([
      cell.label,
      percent(cell.between, 1),
      percent(cell.within, 2),
      String(cell.spells * 1000),
      perThousand(loose),
      perThousand(candidates),
      perThousand(falseConfirmed),
      percent(near / runs),
      percent(far / runs),
      percent(exact / runs),
      ...confirmed.map((count) => percent(count / runs)),
      percent(located / runs)
    ])
  }
  return markdownTable(rows, { align: ['l', ...rows[0]!.slice(1).map(() => 'r' as const)] })
}

/**
 * Drift shared by the benchmarks of one run: K = {@link GROUP} benchmarks measured in each
 * run, each one's run-to-run log offset the sum of a part common to the run (a share
 * {@link SHARED} of its variance) and a part of its own; a slow spell slows the whole run,
 * each benchmark by the spell's factor to its own power (0.8–1.2: CPU-bound and
 * memory-bound code feel a slower machine differently).
 */
const GROUP = 4
/**
 * Share of the run-to-run variance common to the run's benchmarks. In the real 30-commit
 * history (below, "Real history on this machine") each benchmark's stored values moved
 * 15–29 % between commits while the ratio of the two benchmarks of each run kept the +8 %
 * step in every run (1.087–1.127): most of the drift is the run's. 0.8 is a conservative
 * reading of that (the own part's SD 0.45 × the whole).
 */
const SHARED = 0.8

/** Stored values of the K series of one group; `level(b, i)` the true level. */
function sharedDriftGroup(
  random: Random,
  cell: DriftCell,
  level: (benchmark: number, i: number) => number
): number[][] {
  const group = Array.from({ length: GROUP }, () => [] as number[])
  const sensitivity = group.map(() => 0.8 + 0.4 * random.next())
  const slowSpell = slowSpells(random, cell.spells)
  for (let i = 0; i < COMMITS; i++) {
    const slow = slowSpell()
    const shared = cell.between * Math.sqrt(SHARED) * random.normal()
    group.forEach((values, b) => {
      const own = cell.between * Math.sqrt(1 - SHARED) * random.normal()
      const trials = (cell.within / Math.sqrt(TRIALS)) * random.normal()
      values.push(level(b, i) * slow ** sensitivity[b]! * Math.exp(shared + own + trials))
    })
  }
  return group
}

/** Counts of one detection mode (raw only, or raw + relative) over a cell's groups. */
interface ModeCounts {
  candidates: number
  falseConfirmed: number
  near: number
  exact: number
  confirmed: number
  located: number
}

/** The candidates of each series of `group`: raw only, or raw and relative. */
function groupCandidates(group: number[][], cell: DriftCell, relative: boolean) {
  const references = relative ? relativeValues(group) : undefined
  return group.map((values, b) =>
    changePointsOnBoth(values, references?.[b], { minStep: cell.threshold })
  )
}

function sharedDriftAndConfirmation(random: Random, runs: number): string {
  const rows = [
    [
      'series',
      'between runs (shared / own)',
      'within a run',
      'slow spells per 1,000 commits',
      'detection',
      'candidates per 1,000 commits',
      'false confirmed per 1,000 commits',
      '+5 % step found (±2)',
      'at the right commit',
      'found and confirmed (window ±2)',
      'confirmed and located at the right commit'
    ]
  ]
  for (const cell of DRIFT_CELLS) {
    const modes = [false, true].map((): ModeCounts => ({
      candidates: 0,
      falseConfirmed: 0,
      near: 0,
      exact: 0,
      confirmed: 0,
      located: 0
    }))
    for (let r = 0; r < runs; r++) {
      const flat = sharedDriftGroup(random, cell, () => 1)
      const stepped = (b: number, i: number) => (b === 0 && i >= 60 ? 1.05 : 1)
      const withStep = sharedDriftGroup(random, cell, stepped)
      modes.forEach((counts, mode) => {
        for (const found of groupCandidates(flat, cell, mode === 1)) {
          counts.candidates += found.length
          // Both commits of the window at the same true level: within-run noise only.
          for (const _step of found) {
            if (pairedConfirms(random, cell, 1) !== undefined) counts.falseConfirmed++
          }
        }
        const hit = groupCandidates(withStep, cell, mode === 1)[0]!
          .filter((s) => s.ratio > 1 && Math.abs(s.index - 60) <= 2)
          .sort((a, b) => Math.abs(a.index - 60) - Math.abs(b.index - 60))[0]
        if (!hit) return
        counts.near++
        if (hit.index === 60) counts.exact++
        const window = confirmationWindow(hit.index, COMMITS)
        const truth = stepped(0, window.head) / stepped(0, window.base)
        const ratio = pairedConfirms(random, cell, truth)
        if (ratio === undefined) return
        counts.confirmed++
        const level = (i: number) => stepped(0, i)
        if (locateInWindow(random, cell, level, window, ratio) === 60) counts.located++
      })
    }
    const perThousand = (count: number) => ((count / (runs * GROUP * COMMITS)) * 1000).toFixed(2)
    modes.forEach((counts, mode) => {
      rows.push([
        cell.label,
        `${percent(cell.between * Math.sqrt(SHARED), 2)} / ${percent(cell.between * Math.sqrt(1 - SHARED), 2)}`,
        percent(cell.within, 2),
        String(cell.spells * 1000),
        mode === 0 ? 'raw only' : 'raw + relative',
        perThousand(counts.candidates),
        perThousand(counts.falseConfirmed),
        percent(counts.near / runs),
        percent(counts.exact / runs),
        percent(counts.confirmed / runs),
        percent(counts.located / runs)
      ])
    })
  }
  return markdownTable(rows, { align: ['l', ...rows[0]!.slice(1).map(() => 'r' as const)] })
}

function timeIt(run: () => void, repeat: number): number {
  const start = performance.now()
  for (let i = 0; i < repeat; i++) run()
  return (performance.now() - start) / repeat
}

function cost(random: Random): string {
  const rows = [['work', 'time']]
  for (const n of [100, 500, 1000]) {
    const values = series(random, n, 0.02, (i) => (i >= n / 2 ? 1.1 : 1))
    const ms = timeIt(() => detectChangePoints(values), n >= 1000 ? 3 : 10)
    rows.push([`detectChangePoints, ${n} points (one step)`, `${ms.toFixed(1)} ms`])
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-bench-history-'))
  try {
    let bytes = 0
    for (let i = 0; i < 500; i++) {
      const text = serializeResults(resultsFile(random, i))
      bytes += text.length
      writeFileSync(path.join(dir, `${String(i).padStart(3, '0')}.json`), text)
    }
    let points = 0
    const ms = timeIt(() => {
      const entries = readResultsDir(dir, { onWarning: (m) => process.stderr.write(`${m}\n`) })
      points = historyOf(entries).series.reduce((sum, s) => sum + s.points.length, 0)
    }, 3)
    rows.push([
      `read + analyse 500 results files (${(bytes / 1e6).toFixed(1)} MB, ${points} points)`,
      `${ms.toFixed(0)} ms`
    ])
    // The same files on a data branch of a local bare origin, read by a fresh clone.
    const origin = path.join(dir, 'origin.git')
    const clone = path.join(dir, 'clone')
    const git = (cwd: string, args: string[], input?: string) => {
      const run = spawnSync('git', args, { cwd, input, encoding: 'utf8' })
      if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`)
    }
    git(dir, ['init', '--quiet', '--bare', origin])
    let stream =
      'commit refs/heads/perfgate-data\ncommitter bench <bench@localhost> 0 +0000\ndata 5\nbench\n'
    for (let i = 0; i < 500; i++) {
      const text = readFileSync(path.join(dir, `${String(i).padStart(3, '0')}.json`), 'utf8')
      const commit = (i + 1).toString(16).padStart(40, '0')
      stream += `M 100644 inline results/${commit}.json\ndata ${Buffer.byteLength(text)}\n${text}\n`
    }
    git(origin, ['fast-import', '--quiet'], stream)
    git(dir, ['init', '--quiet', clone])
    git(clone, ['remote', 'add', 'origin', origin])
    let read = 0
    const branchMs = timeIt(() => {
      rmSync(path.join(clone, '.git', 'refs', 'perfgate'), { recursive: true, force: true })
      spawnSync('git', ['gc', '--quiet', '--prune=now'], { cwd: clone })
      read = readDataBranch({ cwd: clone, onWarning: () => {} }).length
    }, 3)
    rows.push([
      `fetch + read the data branch of those ${read} files from a local origin (fresh fetch)`,
      `${branchMs.toFixed(0)} ms`
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return markdownTable(rows, { align: ['l', 'r'] })
}

function resultsFile(random: Random, i: number): Results {
  const benchmarks: BenchmarkResult[] = Array.from({ length: 6 }, (_, b) => {
    const trials: TrialResult[] = Array.from({ length: 10 }, () => {
      const p50 = (b + 1) * Math.exp(0.02 * random.normal())
      return {
        metrics: {
          p50,
          p95: p50 * 1.4,
          p99: p50 * 1.8,
          max: p50 * 3,
          mean: p50 * 1.05,
          ops: 1000 / p50,
          heap: 300_000,
          gcCount: 2,
          gcTime: 0.4
        },
        durationMs: 400
      }
    })
    return simulatedBenchmark(`benchmark ${b}`, trials)
  })
  const commit = (i + 1).toString(16).padStart(40, '0')
  return simulatedResults(
    commit,
    new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    i,
    benchmarks
  )
}

/** The tables, by the names `--only` takes, in the order they are printed. */
const SECTIONS: readonly (readonly [string, string, (random: Random, runs: number) => string])[] = [
  ['flat', 'False change points on flat series (100 points each)', falseChangePoints],
  ['steps', 'Steps at commit 40 of 60', steps],
  [
    'slow-drift',
    'Drift of +1 % per commit over commits 20–40 of 60 (+22 % in all)',
    (random, runs) => drift(random, Math.max(1, Math.round(runs / 5)))
  ],
  [
    'drift',
    `Runner drift and confirmation (${COMMITS} commits per series, ${TRIALS} trials per commit)`,
    driftAndConfirmation
  ],
  [
    'shared-drift',
    `Drift shared by the ${GROUP} benchmarks of a run (${percent(SHARED, 0)} of its variance), raw only against raw + relative`,
    sharedDriftAndConfirmation
  ],
  ['cost', 'Cost', (random) => cost(random)]
]

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' } },
    strict: true
  })
  const seed = integerOption('seed', values.seed ?? '1', 0)
  const runs = integerOption('runs', values.runs ?? '1000', 1)
  const names = SECTIONS.map(([name]) => name)
  const only = values.only?.split(',') ?? names
  const unknown = only.filter((name) => !names.includes(name))
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown table ${unknown.join(', ')}; expected some of ${names.join(',')}`
    )
  }
  const random = createRandom(seed)
  const started = performance.now()
  const out = (text: string) => process.stdout.write(text + '\n')
  out(`# Change points (seed ${seed}, ${runs} series per cell, maxP ${DEFAULT_CHANGE_POINT_MAX_P})`)
  out(`Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`)
  for (const [name, title, table] of SECTIONS) {
    if (!only.includes(name)) continue
    out(`\n## ${title}\n`)
    out(table(random, runs))
  }
  out(`\n(${((performance.now() - started) / 1000).toFixed(0)} s in all)`)
}

runBench('bench:changepoints', main)
