/**
 * Simulated A/B runs for `npm run bench:verdict`, through perfgate's own code paths:
 * `runPairedBenchmark` (randomized pairs, planned looks, early stop by `decidedAtLook`) with a
 * scripted TrialRunner, then `compareResults` (sequential p over the looks, Holm over every
 * gated test of the run, `classify`). Only the trial values are made up: each is
 * `level × effect × exp(noise × Z)`, Z standard normal from perfgate's seeded
 * `createRandom`, drawn independently per trial and per metric (lognormal noise with SD
 * `noise` on the log scale, so the log ratio of a pair has SD `noise × √2`), optionally
 * times a whole-trial slowdown (a `disturbance`, as a busy machine gives).
 */
import type {
  BenchmarkConfig,
  CompareConfig,
  FunctionSpec,
  PairedTest
} from '../src/config/types.js'
import { DEFAULT_FUTILITY, DEFAULT_PAIRED_TEST } from '../src/config/defaults.js'
import { compareResults } from '../src/compare/compare.js'
import type { Comparison } from '../src/compare/types.js'
import type { MetricName } from '../src/metrics.js'
import type { BenchmarkResult } from '../src/results/types.js'
import type { TrialMetrics, TrialRunner } from '../src/runners/types.js'
import { runPairedBenchmark } from '../src/schedule/paired.js'
import { createRandom, type Random } from '../src/stats/random.js'

/** The example suite's default compare settings (perfgate.yml without a `compare:` key). */
export const COMPARE_CONFIG: CompareConfig = {
  failOn: 'both',
  test: DEFAULT_PAIRED_TEST,
  futility: DEFAULT_FUTILITY,
  maxPairs: undefined,
  maxTimeMs: 10 * 60_000
}

/** Per-trial level of every simulated metric (1 ms); only ratios matter. */
const LEVEL = 1

const SPEC: FunctionSpec = {
  kind: 'function',
  file: '/simulated.bench.js',
  bench: undefined,
  timeMs: 300,
  warmupMs: 100,
  interleave: true
}

function benchmarkConfig(
  name: string,
  gate: readonly MetricName[],
  threshold: number,
  alpha: number
): BenchmarkConfig {
  return {
    name,
    kind: 'function',
    spec: SPEC,
    trials: 10,
    timeoutMs: 120_000,
    budgets: [],
    targets: [],
    compare: { gate, threshold, alpha }
  }
}

/**
 * A trial runner returning lognormal values: the head side of a slowed benchmark × effect;
 * with a disturbance, a trial (either side) is slowed as a whole with probability `share` by
 * a factor log-uniform on `slowdown`, every metric of it alike.
 */
function scriptedRunner(
  gate: readonly MetricName[],
  noise: number,
  effectOf: (config: BenchmarkConfig) => number,
  random: Random,
  disturbance: Disturbance | undefined
): TrialRunner {
  return {
    runTrial(config) {
      const effect = effectOf(config)
      let slow = 1
      if (disturbance && random.next() < disturbance.share) {
        const [lo, hi] = disturbance.slowdown
        slow = Math.exp(Math.log(lo) + random.next() * (Math.log(hi) - Math.log(lo)))
      }
      const metrics: TrialMetrics = {}
      for (const metric of gate)
        metrics[metric] = LEVEL * effect * slow * Math.exp(noise * random.normal())
      return Promise.resolve({ ok: true, metrics, details: {}, durationMs: 0 })
    }
  }
}

/** Trials slowed as a whole by other jobs on the machine. */
export interface Disturbance {
  readonly share: number
  readonly slowdown: readonly [number, number]
}

export interface Scenario {
  /** Benchmarks in one run. */
  readonly benchmarks: number
  /** Gated metrics of every benchmark (each with its own noise). */
  readonly gate: readonly MetricName[]
  /** Per-trial lognormal SD (0.02 = 2 %). */
  readonly noise: number
  /** Head/base ratio planted in benchmark 0 (every gated metric); 1 = A/A. */
  readonly effect: number
  /** Pair counts of the planned looks: [10, 20, 30] adaptive, [n] fixed. */
  readonly lookSizes: readonly number[]
  readonly threshold: number
  readonly alpha: number
  /** Whole-trial slowdowns; none by default. */
  readonly disturbance?: Disturbance
  /** The paired test; default the config default (COMPARE_CONFIG.test). */
  readonly test?: PairedTest
  /** compare.futility; default the config default (COMPARE_CONFIG.futility). */
  readonly futility?: number
}

/** One simulated `perfgate run --base`: the paired results and their comparison. */
export async function simulateRun(
  scenario: Scenario,
  noiseRandom: Random,
  orderRandom: Random
): Promise<{ heads: BenchmarkResult[]; comparison: Comparison }> {
  const heads: BenchmarkResult[] = []
  const bases: BenchmarkResult[] = []
  for (let i = 0; i < scenario.benchmarks; i++) {
    const name = `benchmark ${i + 1}`
    const head = benchmarkConfig(name, scenario.gate, scenario.threshold, scenario.alpha)
    const base = benchmarkConfig(name, scenario.gate, scenario.threshold, scenario.alpha)
    const effect = i === 0 ? scenario.effect : 1
    const runner = scriptedRunner(
      scenario.gate,
      scenario.noise,
      (config) => (config === head ? effect : 1),
      noiseRandom,
      scenario.disturbance
    )
    const pair = await runPairedBenchmark(head, base, {
      runner,
      random: orderRandom,
      lookSizes: scenario.lookSizes,
      maxTimeMs: COMPARE_CONFIG.maxTimeMs,
      test: scenario.test ?? COMPARE_CONFIG.test,
      futility: scenario.futility ?? COMPARE_CONFIG.futility ?? 0,
      familySize: scenario.benchmarks * scenario.gate.length,
      definitionHash: () => 'simulated',
      now: () => 0
    })
    heads.push(pair.head)
    bases.push(pair.base)
  }
  const comparison = compareResults({
    mode: 'paired',
    head: heads,
    base: bases,
    compare: { ...COMPARE_CONFIG, test: scenario.test ?? COMPARE_CONFIG.test }
  })
  return { heads, comparison }
}

export interface CellResult {
  readonly scenario: Scenario
  readonly runs: number
  /** Runs with at least one regression / improvement / either, over all benchmarks. */
  readonly anyRegression: number
  readonly anyImprovement: number
  readonly anyChange: number
  /** Runs where benchmark 0 (the slowed one) has a regression verdict on some metric. */
  readonly slowedFlagged: number
  /** Runs where a benchmark other than 0 has a regression verdict. */
  readonly othersFlagged: number
  /** Pairs used by benchmark 0, and by all benchmarks, summed over runs. */
  readonly slowedPairs: number
  readonly allPairs: number
  /** How many benchmarks stopped at each pair count (all benchmarks of all runs). */
  readonly stoppedAt: ReadonlyMap<number, number>
  /** Benchmarks that stopped early as "decided" yet got an inconclusive verdict. */
  readonly decidedThenInconclusive: number
  /** Benchmarks that stopped early as "decided". */
  readonly decidedEarly: number
  /** Runs where benchmark 0 stopped early as "decided" yet got an inconclusive verdict. */
  readonly slowedDecidedThenInconclusive: number
  /** Runs where benchmark 0 stopped early as "decided" yet got no regression verdict at all. */
  readonly slowedDecidedNotFlagged: number
  /** Regression verdicts of benchmark 0's metrics, summed over runs. */
  readonly slowedMetricsFlagged: number
  /** Gated metric tests, and those that ended inconclusive. */
  readonly tests: number
  readonly inconclusive: number
}

/** `runs` simulated runs of one scenario, every stream derived from `seed`. */
export async function simulateCell(
  scenario: Scenario,
  runs: number,
  seed: number
): Promise<CellResult> {
  const noiseRandom = createRandom(seed)
  const orderRandom = createRandom(seed ^ 0x9e3779b9)
  let anyRegression = 0
  let anyImprovement = 0
  let anyChange = 0
  let slowedFlagged = 0
  let othersFlagged = 0
  let slowedPairs = 0
  let allPairs = 0
  let decidedThenInconclusive = 0
  let decidedEarly = 0
  let slowedDecidedThenInconclusive = 0
  let slowedDecidedNotFlagged = 0
  let slowedMetricsFlagged = 0
  let tests = 0
  let inconclusive = 0
  const stoppedAt = new Map<number, number>()
  for (let run = 0; run < runs; run++) {
    const { heads, comparison } = await simulateRun(scenario, noiseRandom, orderRandom)
    const { regressions, improvements } = comparison.counts
    if (regressions > 0) anyRegression++
    if (improvements > 0) anyImprovement++
    if (regressions + improvements > 0) anyChange++
    let others = false
    comparison.benchmarks.forEach((bench, i) => {
      const verdicts = bench.metrics.map((m) => m.verdict)
      const regressed = verdicts.includes('regression')
      if (i === 0 && regressed) slowedFlagged++
      if (i === 0) slowedMetricsFlagged += verdicts.filter((v) => v === 'regression').length
      if (i > 0 && regressed) others = true
      tests += verdicts.length
      inconclusive += verdicts.filter((v) => v === 'inconclusive').length
      if (bench.stopReason === 'decided') {
        decidedEarly++
        if (verdicts.includes('inconclusive')) {
          decidedThenInconclusive++
          if (i === 0) slowedDecidedThenInconclusive++
        }
        if (i === 0 && !regressed) slowedDecidedNotFlagged++
      }
    })
    if (others) othersFlagged++
    heads.forEach((head, i) => {
      const pairs = head.paired!.pairs
      allPairs += pairs
      if (i === 0) slowedPairs += pairs
      stoppedAt.set(pairs, (stoppedAt.get(pairs) ?? 0) + 1)
    })
  }
  return {
    scenario,
    runs,
    anyRegression,
    anyImprovement,
    anyChange,
    slowedFlagged,
    othersFlagged,
    slowedPairs,
    allPairs,
    stoppedAt,
    decidedThenInconclusive,
    decidedEarly,
    slowedDecidedThenInconclusive,
    slowedDecidedNotFlagged,
    slowedMetricsFlagged,
    tests,
    inconclusive
  }
}
