/**
 * Series of main's history (pure): stored results, oldest to newest along the first-parent
 * history, turned into one series per benchmark × metric. A point keeps every trial's value
 * (a point is a distribution, not one number) and its median, the value change points are
 * detected on.
 */
import { METRICS, metricsOf, type BenchmarkKind, type MetricName } from '../metrics.js'
import type { Acceptance, Results } from '../results/types.js'
import type { ConfirmedStep } from './confirmation.js'
import type { FoundOn } from './relative.js'
import { median } from '../stats/quantile.js'

/** The stored results of one commit of main. */
export interface HistoryEntry {
  /** Full sha of the measured commit. */
  readonly commit: string
  readonly results: Results
}

/** One commit's measurement of one metric. */
export interface SeriesPoint {
  readonly commit: string
  /** When it was measured (the results' `createdAt`). */
  readonly createdAt: string
  /** Median of the trials' values. */
  readonly median: number
  /** Every trial's value, in trial order. */
  readonly values: readonly number[]
}

export interface Series {
  readonly benchmark: string
  readonly kind: BenchmarkKind
  readonly metric: MetricName
  readonly unit: (typeof METRICS)[MetricName]['unit']
  readonly higherIsBetter: boolean
  /** Oldest first; commits where the benchmark errored or lacked the metric have no point. */
  readonly points: readonly SeriesPoint[]
}

export interface SeriesOptions {
  /** Only benchmarks whose name matches. */
  readonly filter?: RegExp
}

/**
 * Builds the series of `entries` (oldest first). Benchmarks appear in the order they are
 * first met, metrics in the table's order for the benchmark's kind. Errored benchmarks give
 * no point (their trials stop at the failure). A benchmark whose kind changed over history
 * continues under its newest kind's metrics only where the metric exists in both.
 */
export function buildSeries(
  entries: readonly HistoryEntry[],
  options: SeriesOptions = {}
): Series[] {
  const byKey = new Map<
    string,
    { benchmark: string; kind: BenchmarkKind; points: Map<MetricName, SeriesPoint[]> }
  >()
  for (const { commit, results } of entries) {
    for (const benchmark of results.benchmarks) {
      if (benchmark.state !== 'ok' || benchmark.trials.length === 0) continue
      if (options.filter && !options.filter.test(benchmark.name)) continue
      let entry = byKey.get(benchmark.name)
      if (!entry) {
        entry = { benchmark: benchmark.name, kind: benchmark.kind, points: new Map() }
        byKey.set(benchmark.name, entry)
      }
      entry.kind = benchmark.kind
      for (const metric of metricsOf(benchmark.kind)) {
        const values: number[] = []
        for (const trial of benchmark.trials) {
          const value = trial.metrics[metric]
          if (typeof value === 'number' && Number.isFinite(value)) values.push(value)
        }
        if (values.length === 0) continue
        let points = entry.points.get(metric)
        if (!points) entry.points.set(metric, (points = []))
        points.push({ commit, createdAt: results.createdAt, median: median(values), values })
      }
    }
  }
  const series: Series[] = []
  for (const { benchmark, kind, points } of byKey.values()) {
    for (const metric of metricsOf(kind)) {
      const metricPoints = points.get(metric)
      if (!metricPoints) continue
      series.push({
        benchmark,
        kind,
        metric,
        unit: METRICS[metric].unit,
        higherIsBetter: METRICS[metric].higherIsBetter,
        points: metricPoints
      })
    }
  }
  return series
}

/** A step in one series, named by the first commit after it (`--json`'s shape). */
export interface HistoryChangePoint {
  readonly benchmark: string
  readonly metric: MetricName
  /** Full sha of the first commit after the step. */
  readonly commit: string
  /** Level before and after: geometric means of the commits' medians in each segment. */
  readonly before: number
  readonly after: number
  /** after / before, with its 95 % interval. */
  readonly ratio: number
  readonly ciLow: number
  readonly ciHigh: number
  /** Significance of the step (Student's t on the log medians of the two segments). */
  readonly p: number
  /** The smallest step that counted (the benchmark's comparison threshold for the metric). */
  readonly minStep: number
  /** The benchmark gates this metric (compare.gate, as last stored): only such steps alert. */
  readonly gated: boolean
  /**
   * Which series found the step: the stored values (`raw`), the values relative to the
   * other benchmarks of the same runs (`relative`, src/history/relative.ts: a step hidden by
   * the runner's drift), or `both`. Whichever found it, only a paired re-measure confirms it.
   */
  readonly foundOn: FoundOn
  /**
   * candidate: found in the history, not (yet) re-measured; confirmed / not-confirmed: by a
   * paired A/B across the step's window (src/app/confirm.ts); accepted: the commit's results accepted a
   * regression of this benchmark (its pull request's `/perfgate accept`).
   */
  readonly status: StepStatus
  /** The paired re-measure across the step's window, if one was stored. */
  readonly confirmed: ConfirmedStep | null
  /** The acceptance recorded with the commit's results, when status is accepted. */
  readonly accepted?: Pick<Acceptance, 'reason' | 'by' | 'pullRequest' | 'url'>
}

/** Where a step stands: see {@link HistoryChangePoint.status}. */
export type StepStatus = 'candidate' | 'confirmed' | 'not-confirmed' | 'accepted'

/**
 * A series as reported: how many other benchmarks (same kind, same metric) its per-run
 * reference is taken from (`relativeTo`; 0: judged on its stored values only, as with a
 * single benchmark there is nothing to compare within a run), and why it was not analysed,
 * when it was not.
 */
export type HistorySeries = Series & { readonly relativeTo: number; readonly skipped?: string }

export interface HistoryReport {
  readonly series: readonly HistorySeries[]
  readonly changePoints: readonly HistoryChangePoint[]
}
