/**
 * The history of main (`perfgate history`): series per benchmark × metric from stored
 * results, and the change points in each (docs/DESIGN.md, "Change points on main").
 */
import {
  buildSeries,
  type HistoryChangePoint,
  type HistoryEntry,
  type HistoryReport,
  type HistorySeries
} from '../history/series.js'
import { detectChangePoints, type ChangePointOptions } from '../stats/changepoints.js'

export type { HistoryChangePoint, HistoryReport, HistorySeries }

export interface HistoryOptions extends ChangePointOptions {
  /** Only benchmarks whose name matches. */
  readonly filter?: RegExp
}

/**
 * Series and change points of `entries` (oldest first along main's first-parent history).
 * A series with a value ≤ 0 (a count of errors, a heap growth) has no ratio to test and is
 * reported with `skipped` saying so; change points are listed series by series, oldest
 * first.
 */
export function historyOf(
  entries: readonly HistoryEntry[],
  options: HistoryOptions = {}
): HistoryReport {
  const series: HistorySeries[] = []
  const changePoints: HistoryChangePoint[] = []
  for (const one of buildSeries(entries, { filter: options.filter })) {
    const medians = one.points.map((point) => point.median)
    if (!medians.every((value) => value > 0)) {
      series.push({ ...one, skipped: 'values of 0 or below: no ratio to test' })
      continue
    }
    series.push(one)
    for (const step of detectChangePoints(medians, options)) {
      changePoints.push({
        benchmark: one.benchmark,
        metric: one.metric,
        commit: one.points[step.index]!.commit,
        before: step.before,
        after: step.after,
        ratio: step.ratio,
        ciLow: step.ciLow,
        ciHigh: step.ciHigh,
        p: step.p
      })
    }
  }
  return { series, changePoints }
}
