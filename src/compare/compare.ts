/**
 * From two sides' trials to verdicts (pure). Paired mode (same-runner A/B) tests the log
 * ratios of interleaved pairs; unpaired mode (stored baseline) uses Mann-Whitney and the
 * Hodges-Lehmann shift on log values. Every gated test of the run is adjusted together
 * with Holm; each verdict needs significance AND a change past the threshold
 * (docs/DESIGN.md, "Verdicts").
 */
import type { CompareConfig, CompareSettings, PairedTest } from '../config/types.js'
import { DEFAULT_INSTRUCTION_THRESHOLD } from '../config/defaults.js'
import { INSTRUCTIONS, METRICS, noiseFloorOf, type MetricName } from '../metrics.js'
import type { BenchmarkResult, TrialResult } from '../results/types.js'
import { CONFIDENCE_LEVEL } from '../stats/confidence.js'
import { median } from '../stats/quantile.js'
import { normalQuantile } from '../stats/distributions.js'
import { holm } from '../stats/multiple.js'
import { comparePaired, logRatios, type PairedComparison } from '../stats/paired.js'
import { trimmedMeanTest } from '../stats/trimmed.js'
import { minPairs, sequentialP, type LookRule } from '../stats/sequential.js'
import { compareUnpaired } from '../stats/unpaired.js'
import { classify } from '../stats/verdict.js'
import { checkBudgets, targetProgress } from './budgets.js'
import { gateOf } from './gate.js'
import type {
  BenchmarkComparison,
  Comparison,
  ComparisonCounts,
  ComparisonMode,
  MetricComparison
} from './types.js'

function values(trials: readonly TrialResult[], metric: MetricName): (number | undefined)[] {
  const all = trials.map((t) => t.metrics[metric])
  // A counted metric may be taken in some trials only (measure: both counts once a look).
  return noiseFloorOf(metric) === undefined ? all : all.filter((x) => x !== undefined)
}

/**
 * One metric's values of the complete pairs, base and head; for a counted metric only the
 * pairs that counted it (measure: both counts instructions in the first pair of a look),
 * with each value's pair of the run (0-based) in `pairs`.
 */
export function metricPairs(
  base: readonly TrialResult[],
  head: readonly TrialResult[],
  metric: MetricName
): { b: number[]; h: number[]; pairs: number[] } {
  const n = Math.min(base.length, head.length)
  const counted = noiseFloorOf(metric) !== undefined
  const b: number[] = []
  const h: number[] = []
  const pairs: number[] = []
  for (let i = 0; i < n; i++) {
    const x = base[i]!.metrics[metric]
    const y = head[i]!.metrics[metric]
    if (counted && x === undefined && y === undefined) continue
    b.push(x ?? NaN)
    h.push(y ?? NaN)
    pairs.push(i)
  }
  return { b, h, pairs }
}

/** The sequential rule of one gated metric at the looks of an A/B run. */
export function metricLookRule(
  settings: CompareSettings,
  metric: MetricName,
  run: { test: PairedTest; plannedLooks: number; familySize: number }
): LookRule {
  const floor = noiseFloorOf(metric)
  return {
    alpha: settings.alpha,
    threshold: metricThreshold(settings, metric),
    ...run,
    ...(floor === undefined ? {} : { noiseFloor: floor })
  }
}

/** The threshold of one metric: instruction counts have their own, much smaller one. */
export function metricThreshold(settings: CompareSettings, metric: MetricName): number {
  return metric === INSTRUCTIONS
    ? (settings.instructionThreshold ?? DEFAULT_INSTRUCTION_THRESHOLD)
    : settings.threshold
}

function allPositive(xs: readonly (number | undefined)[]): xs is number[] {
  return xs.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)
}

/**
 * The report's estimate and interval of a paired metric's change, head / base, or
 * undefined with fewer than 2 pairs or a value that is not a finite number above zero.
 */
export function pairedChange(
  base: readonly (number | undefined)[],
  head: readonly (number | undefined)[],
  test: PairedTest,
  noiseFloor?: number
): PairedComparison | undefined {
  if (!allPositive(base) || !allPositive(head) || base.length < minPairs(noiseFloor)) {
    return undefined
  }
  return comparePaired(base, head, {
    method: test,
    confidence: CONFIDENCE_LEVEL,
    ...(noiseFloor === undefined ? {} : { noiseFloor })
  })
}

/**
 * The looks of one metric in counted pairs: a metric counted in some pairs only (measure:
 * both) reaches look k with the pairs counted up to the k-th look.
 */
function lookSizesOf(
  lookSizes: readonly number[],
  trials: readonly TrialResult[],
  metric: MetricName
): number[] {
  if (noiseFloorOf(metric) === undefined) return [...lookSizes]
  return lookSizes.map(
    (size) => trials.slice(0, size).filter((t) => t.metrics[metric] !== undefined).length
  )
}

/** A metric test before the run-wide Holm adjustment. */
type RawTest = Omit<MetricComparison, 'pAdjusted' | 'verdict'>

function testMetric(
  metric: MetricName,
  base: readonly TrialResult[],
  head: readonly TrialResult[],
  settings: CompareSettings,
  mode: ComparisonMode,
  options: { test: PairedTest; lookSizes: readonly number[] }
): RawTest {
  const paired = mode === 'paired' ? metricPairs(base, head, metric) : undefined
  const b = paired ? paired.b : values(base, metric)
  const h = paired ? paired.h : values(head, metric)
  const floor = mode === 'paired' ? noiseFloorOf(metric) : undefined
  const least = minPairs(floor)
  const threshold = metricThreshold(settings, metric)
  const common = { metric, gated: true, threshold, alpha: settings.alpha }
  if (!allPositive(b) || !allPositive(h) || b.length < least || h.length < least) {
    const finite = (xs: (number | undefined)[]) => xs.filter((x): x is number => Number.isFinite(x))
    const fb = finite(b)
    const fh = finite(h)
    return {
      ...common,
      base: fb.length ? median(fb) : NaN,
      head: fh.length ? median(fh) : NaN,
      ratio: NaN,
      ciLow: NaN,
      ciHigh: NaN,
      p: NaN,
      note:
        b.length < least || h.length < least
          ? `fewer than ${least} trials on a side`
          : 'values must be above zero to compare as ratios'
    }
  }
  const shared = { ...common, base: median(b), head: median(h) }
  if (mode === 'paired') {
    const result = pairedChange(b, h, options.test, floor)!
    const metricSettings = { ...settings, threshold }
    const needed =
      floor !== undefined || options.test !== 'trimmed'
        ? pairsToDecide(result.meanLog, result.sdLog, metricSettings)
        : trimmedPairsToDecide(b, h, metricSettings)
    return {
      ...shared,
      ratio: result.ratio,
      ciLow: result.ciLow,
      ciHigh: result.ciHigh,
      p: sequentialP(b, h, lookSizesOf(options.lookSizes, base, metric), options.test, floor),
      ...(needed === undefined ? {} : { pairsToDecide: needed }),
      ...(result.setAside && paired
        ? {
            setAside: {
              pair: paired.pairs[result.setAside.index]! + 1,
              ratio: result.setAside.ratio,
              pairs: b.length
            }
          }
        : {})
    }
  }
  const result = compareUnpaired(b, h, { confidence: CONFIDENCE_LEVEL })
  return {
    ...shared,
    ratio: result.ratio,
    ciLow: result.ciLow,
    ciHigh: result.ciHigh,
    p: result.pValue
  }
}

/**
 * Pairs that would likely decide a metric, for the report's inconclusive rows (for the
 * trimmed test from its own estimate and spread, {@link trimmedPairsToDecide}): with the
 * estimate inside ±threshold, the pairs giving 80 % power to show equivalence; past it,
 * to show significance. n = ((z_{1-a/2} + z_0.8) s / e)^2 with e the distance from the
 * mean log ratio to the band edge or to zero (normal approximation to the t-test; Chow,
 * Shao & Wang, "Sample Size Calculations in Clinical Research", 2nd ed. 2008, §3.2).
 */
export function pairsToDecide(
  meanLog: number,
  sdLog: number,
  settings: CompareSettings
): number | undefined {
  if (!(sdLog > 0) || !Number.isFinite(meanLog)) return undefined
  const z = normalQuantile(1 - settings.alpha / 2) + normalQuantile(0.8)
  const band = Math.log(1 + settings.threshold)
  const size = Math.abs(meanLog)
  const distance = size < band ? band - size : size
  if (distance < 1e-9) return undefined
  return Math.max(2, Math.ceil(Math.pow((z * sdLog) / distance, 2)))
}

/**
 * {@link pairsToDecide} for the trimmed test: its estimate (the trimmed mean of the log
 * ratios) and the spread its interval uses, SE × √n, so a few disturbed trials inflate the
 * forecast no more than they widen the interval.
 */
function trimmedPairsToDecide(
  base: readonly number[],
  head: readonly number[],
  settings: CompareSettings
): number | undefined {
  const trimmed = trimmedMeanTest(logRatios(base, head), { confidence: CONFIDENCE_LEVEL })
  return pairsToDecide(trimmed.estimate, trimmed.standardError * Math.sqrt(trimmed.n), settings)
}

export interface CompareInput {
  /** undefined: no baseline, budgets and targets only. */
  readonly mode: ComparisonMode | undefined
  readonly head: readonly BenchmarkResult[]
  readonly base: readonly BenchmarkResult[] | undefined
  readonly compare: CompareConfig
}

/** Compares head with base and judges budgets: the whole verdict of a run. */
export function compareResults(input: CompareInput): Comparison {
  const { mode, head, base, compare } = input
  const benchmarks: (Omit<BenchmarkComparison, 'metrics'> & { tests: RawTest[] })[] = []
  if (mode && base) {
    for (const h of head) {
      const b = base.find((x) => x.name === h.name)
      const shared = {
        name: h.name,
        kind: h.kind,
        definitionChanged: b !== undefined && b.definitionHash !== h.definitionHash,
        nBase: b?.trials.length ?? 0,
        nHead: h.trials.length,
        ...(h.paired
          ? {
              stopReason: h.paired.stopReason,
              looks: h.paired.lookSizes.filter((size) => size <= h.paired!.pairs).length,
              plannedLooks: h.paired.lookSizes.length,
              maxPairs: h.paired.lookSizes[h.paired.lookSizes.length - 1]
            }
          : {})
      }
      if (!b) {
        benchmarks.push({ ...shared, status: 'new', tests: [] })
        continue
      }
      if (b.state === 'errored' && h.state === 'ok') {
        // Head runs it, the base cannot (e.g. an endpoint the change adds): new, not broken.
        benchmarks.push({
          ...shared,
          status: 'new',
          error: { side: 'base', message: b.error.message },
          tests: []
        })
        continue
      }
      const failed = h.state === 'errored' ? h : b.state === 'errored' ? b : undefined
      if (failed?.state === 'errored') {
        benchmarks.push({
          ...shared,
          status: 'errored',
          error: { side: failed === h ? 'head' : 'base', message: failed.error.message },
          tests: []
        })
        continue
      }
      const settings = h.settings.compare
      const tests = settings.gate.map((metric) =>
        testMetric(metric, b.trials, h.trials, settings, mode, {
          test: compare.test,
          lookSizes: h.paired?.lookSizes ?? []
        })
      )
      const n = mode === 'paired' ? Math.min(b.trials.length, h.trials.length) : undefined
      benchmarks.push({
        ...shared,
        ...(n === undefined ? {} : { nBase: n, nHead: n }),
        status: 'compared',
        tests
      })
    }
    for (const b of base) {
      if (!head.some((h) => h.name === b.name)) {
        benchmarks.push({
          name: b.name,
          kind: b.kind,
          status: 'removed',
          definitionChanged: false,
          nBase: b.trials.length,
          nHead: 0,
          tests: []
        })
      }
    }
  }

  // Holm over every gated test that produced a p-value, across all benchmarks.
  const tested = benchmarks.flatMap((bench) => bench.tests.filter((t) => Number.isFinite(t.p)))
  const adjusted = holm(tested.map((t) => t.p))
  const adjustedOf = new Map(tested.map((t, i) => [t, adjusted[i]!]))

  const compared: BenchmarkComparison[] = benchmarks.map(({ tests, ...bench }) => ({
    ...bench,
    metrics: tests.map((t): MetricComparison => {
      const pAdjusted = adjustedOf.get(t) ?? NaN
      return {
        ...t,
        pAdjusted,
        verdict: classify({
          ratio: t.ratio,
          ciLow: t.ciLow,
          ciHigh: t.ciHigh,
          pAdjusted,
          alpha: t.alpha,
          threshold: t.threshold,
          higherIsBetter: METRICS[t.metric].higherIsBetter
        })
      }
    })
  }))

  const budgets = checkBudgets(head)
  const targets = targetProgress(head, base)
  const verdicts = compared.flatMap((b) => b.metrics.map((m) => m.verdict))
  const count = (v: string) => verdicts.filter((x) => x === v).length
  const counts: ComparisonCounts = {
    regressions: count('regression'),
    improvements: count('improvement'),
    unchanged: count('unchanged'),
    inconclusive: count('inconclusive'),
    budgetsFailed: budgets.filter((b) => b.passed === false).length,
    budgetsPassed: budgets.filter((b) => b.passed === true).length,
    errored: head.filter((h) => h.state === 'errored').length,
    new: compared.filter((b) => b.status === 'new').length,
    removed: compared.filter((b) => b.status === 'removed').length
  }
  return {
    mode,
    test: mode === 'paired' ? compare.test : mode === 'unpaired' ? 'mann-whitney' : undefined,
    benchmarks: compared,
    budgets,
    targets,
    tests: tested.length,
    counts,
    gate: gateOf(compare.failOn, counts)
  }
}
