/**
 * The calibrate use case: A/A pairs of the configured benchmarks on this machine (the
 * committed HEAD in a worktree against the working tree, scheduled as an A/B), and from
 * them, per benchmark and metric, the noise, the smallest change the configured rule flags
 * at 80 % power, and the trials, threshold and trial length that would let it decide.
 */
import { DEFAULT_LOOKS } from '../config/defaults.js'
import type { BenchmarkConfig, Config } from '../config/types.js'
import { HEADLINE_METRICS, metricLabel, type BenchmarkKind, type MetricName } from '../metrics.js'
import type { BenchmarkResult, Results } from '../results/types.js'
import { planLooks } from '../schedule/paired.js'
import {
  CALIBRATION_POWER,
  detectableChange,
  pairNoise,
  pairsToDecide,
  thresholdFor,
  type CalibrationRule
} from '../stats/calibrate.js'
import { runBenchmarks, type RunDependencies } from './run.js'

/** Pairs per benchmark when --trials is not given: enough for σ within about ±16 %. */
export const DEFAULT_CALIBRATION_PAIRS = 20

export interface CalibrateRequest {
  readonly config: Config
  readonly filter?: RegExp
  /** A/A pairs per benchmark (all run, no early stop). */
  readonly pairs?: number
  readonly seed: number
}

export interface MetricCalibration {
  readonly metric: MetricName
  readonly label: string
  readonly gated: boolean
  /** Pairs with a ratio (both values above zero). */
  readonly pairs: number
  /** Mean log ratio head/base: near 0 in an A/A, else a bias between the two checkouts. */
  readonly meanLog: number
  /** SD of the pairs' log ratios (the paired t-test's σ) and its robust counterpart. */
  readonly sdLog: number
  readonly robustSdLog: number
  /**
   * Smallest change (fraction) the configured rule flags at 80 % power, at the configured
   * most pairs; with the robust σ beside it (what a test unmoved by disturbed trials sees).
   */
  readonly detectable: number
  readonly detectableRobust: number
  /** Pairs that would decide at the configured threshold; null over 10,000. */
  readonly pairsToDecide: number | null
  /** Smallest whole-percent threshold the configured most pairs decide at. */
  readonly thresholdForPairs: number | null
}

export interface BenchmarkCalibration {
  readonly name: string
  readonly kind: BenchmarkKind
  readonly state: 'ok' | 'errored'
  readonly error?: string
  readonly pairs: number
  /** Mean wall time of one pair (both trials), in ms. */
  readonly pairMs: number
  readonly configured: {
    readonly trials: number
    readonly maxPairs: number
    readonly looks: number
    readonly threshold: number
    readonly alpha: number
    /** Measured length of one trial (function time, HTTP duration) in ms; null: command. */
    readonly trialLengthMs: number | null
  }
  /** null where no figure could be made (errored, no gated metric with a ratio). */
  readonly suggested: {
    /** Pairs per look (config `trials`) so the default three looks reach pairsToDecide. */
    readonly trials: number | null
    readonly maxPairs: number | null
    /** Wall time of maxPairs pairs at the measured pace, ms. */
    readonly wallMs: number | null
    /** The smallest threshold the configured pairs decide at. */
    readonly threshold: number | null
    readonly trialLengthMs: number | null
  }
  readonly metrics: readonly MetricCalibration[]
}

export interface Calibration {
  /** False when the working tree has uncommitted changes: then it is not an A/A. */
  readonly clean: boolean
  readonly commit: string | undefined
  readonly pairs: number
  readonly power: number
  /** Gated tests in the whole config: Holm's family of a real run. */
  readonly familySize: number
  readonly benchmarks: readonly BenchmarkCalibration[]
  /** The raw A/A results (for --out style use and tests). */
  readonly results: Results
}

/** The measured length of one trial of a benchmark, in ms (null: a command runs once). */
function trialLengthMs(benchmark: BenchmarkConfig): number | null {
  const spec = benchmark.spec
  return spec.kind === 'function' ? spec.timeMs : spec.kind === 'http' ? spec.load.durationMs : null
}

/**
 * A suggested trial length: the current one unless start-up (a trial's wall time beyond
 * what it measures) is longer, then about the start-up time, rounded up (100 ms for
 * functions, 1 s for HTTP). A heuristic: noise from within a trial shrinks like
 * 1/√length at most, so the wall time to a given precision goes like
 * (start-up + length) / length — it falls steeply while the length is below the start-up
 * and flattens past it. Noise from trials slowed as a whole does not shrink with length at
 * all, so the suggestion never goes further than that.
 */
function suggestedLength(current: number | null, meanTrialMs: number): number | null {
  if (current === null || !Number.isFinite(meanTrialMs)) return current
  const startup = meanTrialMs - current
  if (startup <= current) return current
  const step = current >= 1000 ? 1000 : 100
  return Math.ceil(startup / step) * step
}

function valuesOf(result: BenchmarkResult, metric: MetricName): number[] {
  return result.trials.map((t) => t.metrics[metric] ?? NaN)
}

const nullable = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x)

/** Figures of one benchmark's A/A pairs under the config's rule. */
function calibrateBenchmark(
  config: Config,
  benchmark: BenchmarkConfig,
  head: BenchmarkResult,
  base: BenchmarkResult | undefined,
  familySize: number
): BenchmarkCalibration {
  const looks = planLooks(benchmark.trials, config.compare.maxPairs, DEFAULT_LOOKS)
  const maxPairs = looks[looks.length - 1]!
  const rule: CalibrationRule = {
    alpha: benchmark.compare.alpha,
    threshold: benchmark.compare.threshold,
    looks: looks.length,
    familySize
  }
  const length = trialLengthMs(benchmark)
  const configured = {
    trials: benchmark.trials,
    maxPairs,
    looks: looks.length,
    threshold: rule.threshold,
    alpha: rule.alpha,
    trialLengthMs: length
  }
  const pairs = Math.min(head.trials.length, base?.trials.length ?? 0)
  const durations = [...head.trials, ...(base?.trials ?? [])].map((t) => t.durationMs)
  const meanTrialMs = durations.reduce((s, x) => s + x, 0) / durations.length
  const failed = head.state === 'errored' ? head : base?.state === 'errored' ? base : undefined
  const none = { trials: null, maxPairs: null, wallMs: null, threshold: null, trialLengthMs: null }
  if (failed?.state === 'errored' || !base) {
    return {
      name: benchmark.name,
      kind: benchmark.kind,
      state: 'errored',
      error:
        failed?.state === 'errored'
          ? `${failed === head ? 'head' : 'base'}: ${failed.error.message}`
          : 'the committed HEAD does not have this benchmark',
      pairs,
      pairMs: 2 * meanTrialMs,
      configured,
      suggested: none,
      metrics: []
    }
  }
  const wanted = [...new Set([...benchmark.compare.gate, ...HEADLINE_METRICS[benchmark.kind]])]
  const metrics: MetricCalibration[] = []
  for (const metric of wanted) {
    const noise = pairNoise(valuesOf(base, metric), valuesOf(head, metric))
    if (noise.n < 2) continue
    metrics.push({
      metric,
      label: metricLabel(metric, benchmark.kind),
      gated: benchmark.compare.gate.includes(metric),
      pairs: noise.n,
      meanLog: noise.meanLog,
      sdLog: noise.sdLog,
      robustSdLog: noise.robustSdLog,
      detectable: detectableChange(noise.sdLog, maxPairs, rule),
      detectableRobust: detectableChange(noise.robustSdLog, maxPairs, rule),
      pairsToDecide: nullable(pairsToDecide(noise.sdLog, rule)),
      thresholdForPairs: nullable(thresholdFor(noise.sdLog, maxPairs, rule))
    })
  }
  // A benchmark's settings are set by its hardest gated metric.
  const gated = metrics.filter((m) => m.gated)
  const needed = gated.some((m) => m.pairsToDecide === null)
    ? undefined
    : gated.length > 0
      ? Math.max(...gated.map((m) => m.pairsToDecide!))
      : undefined
  const trials = needed === undefined ? null : Math.max(2, Math.ceil(needed / DEFAULT_LOOKS))
  const thresholds = gated.map((m) => m.thresholdForPairs)
  return {
    name: benchmark.name,
    kind: benchmark.kind,
    state: 'ok',
    pairs,
    pairMs: 2 * meanTrialMs,
    configured,
    suggested: {
      trials,
      maxPairs: trials === null ? null : trials * DEFAULT_LOOKS,
      wallMs: trials === null ? null : trials * DEFAULT_LOOKS * 2 * meanTrialMs,
      threshold:
        thresholds.length === 0 || thresholds.includes(null)
          ? null
          : Math.max(...(thresholds as number[])),
      trialLengthMs: suggestedLength(length, meanTrialMs)
    },
    metrics
  }
}

/** Runs the A/A pairs and computes the figures. */
export async function runCalibration(
  request: CalibrateRequest,
  deps: RunDependencies
): Promise<Calibration> {
  const { config } = request
  const pairs = request.pairs ?? DEFAULT_CALIBRATION_PAIRS
  // One look at `pairs`: every pair runs (no early stop), no time budget, nothing fails.
  const measured: Config = {
    ...config,
    compare: {
      failOn: 'none',
      test: config.compare.test,
      futility: 0,
      maxPairs: pairs,
      maxTimeMs: config.compare.maxTimeMs
    }
  }
  const results = await runBenchmarks(
    {
      config: measured,
      ...(request.filter ? { filter: request.filter } : {}),
      baseline: { kind: 'merge-base', ref: 'HEAD' },
      trials: pairs,
      seed: request.seed,
      setupHead: false
    },
    deps
  )
  const familySize = config.benchmarks.reduce((sum, b) => sum + b.compare.gate.length, 0)
  const benchmarks: BenchmarkCalibration[] = []
  for (const head of results.benchmarks) {
    const benchmark = config.benchmarks.find((b) => b.name === head.name)!
    const base = results.base?.benchmarks.find((b) => b.name === head.name)
    benchmarks.push(calibrateBenchmark(config, benchmark, head, base, familySize))
  }
  return {
    clean: results.environment.git?.dirty === false,
    commit: results.environment.git?.commit,
    pairs,
    power: CALIBRATION_POWER,
    familySize,
    benchmarks,
    results
  }
}
