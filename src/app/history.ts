/**
 * The history of main (`perfgate history`): series per benchmark × metric from stored
 * results, and the change points in each (docs/DESIGN.md, "Change points on main"). A
 * series' unit is the commit: each point is one commit's median, and a step is judged
 * against the spread between commits (src/stats/changepoints.ts), with the benchmark's
 * comparison threshold as the smallest step that counts. A step is a candidate until a
 * paired re-measure across its window of stored commits confirms it or not (stored
 * confirmations, src/history/confirmation.ts), or the commit accepted the regression.
 */
import { DEFAULT_INSTRUCTION_THRESHOLD } from '../config/defaults.js'
import {
  confirmationPath,
  confirmationVerdict,
  type StepConfirmation
} from '../history/confirmation.js'
import { changePointsOnBoth, relativeValues } from '../history/relative.js'
import {
  buildSeries,
  type HistoryChangePoint,
  type HistoryEntry,
  type HistoryReport,
  type HistorySeries,
  type Series
} from '../history/series.js'
import { INSTRUCTIONS, METRICS } from '../metrics.js'
import type { BenchmarkResult } from '../results/types.js'
import type { ChangePointOptions } from '../stats/changepoints.js'

export type { HistoryChangePoint, HistoryReport, HistorySeries }

export interface HistoryOptions extends ChangePointOptions {
  /** Only benchmarks whose name matches. */
  readonly filter?: RegExp
  /** Stored confirmations (any order; those of other steps are ignored). */
  readonly confirmations?: readonly StepConfirmation[]
}

/** The benchmark's newest stored results (its settings decide gate and threshold). */
function newestResult(
  entries: readonly HistoryEntry[],
  benchmark: string
): BenchmarkResult | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const found = entries[i]!.results.benchmarks.find((b) => b.name === benchmark)
    if (found) return found
  }
  return undefined
}

/**
 * The smallest step that counts in a series: the benchmark's comparison threshold (the
 * instruction threshold for the instruction count), as last stored.
 */
export function minStepOf(entries: readonly HistoryEntry[], series: Series): number {
  const compare = newestResult(entries, series.benchmark)?.settings.compare
  if (!compare) return 0
  if (series.metric === INSTRUCTIONS) {
    return compare.instructionThreshold ?? DEFAULT_INSTRUCTION_THRESHOLD
  }
  return compare.threshold
}

/** The acceptance of a regression of `benchmark` recorded with the results of `commit`. */
function acceptanceAt(entries: readonly HistoryEntry[], commit: string, benchmark: string) {
  const entry = entries.find((e) => e.commit === commit)
  const found = entry?.results.accepted?.find(
    (a) => a.benchmark === benchmark || a.benchmark === '*'
  )
  if (!found) return undefined
  const { reason, by, pullRequest, url } = found
  return { reason, by, pullRequest, ...(url !== undefined ? { url } : {}) }
}

/**
 * The relative values of every series that has others of its benchmark kind and metric
 * to compare with in the same runs (src/history/relative.ts), aligned with its points, and
 * how many others there are. Series with a value ≤ 0 neither get nor give a reference.
 */
function relativeSeries(
  entries: readonly HistoryEntry[],
  all: readonly Series[]
): Map<Series, { readonly values: (number | undefined)[]; readonly others: number }> {
  const column = new Map(entries.map((entry, index) => [entry.commit, index]))
  const groups = new Map<string, Series[]>()
  for (const one of all) {
    if (!one.points.every((point) => point.median > 0)) continue
    const key = `${one.kind}\u0000${one.metric}`
    groups.set(key, [...(groups.get(key) ?? []), one])
  }
  const relative = new Map<Series, { values: (number | undefined)[]; others: number }>()
  for (const group of groups.values()) {
    if (group.length < 2) continue
    const grid = group.map((one) => {
      const row: (number | undefined)[] = entries.map(() => undefined)
      for (const point of one.points) row[column.get(point.commit)!] = point.median
      return row
    })
    relativeValues(grid).forEach((row, index) => {
      const one = group[index]!
      relative.set(one, {
        values: one.points.map((point) => row[column.get(point.commit)!]),
        others: group.length - 1
      })
    })
  }
  return relative
}

/**
 * Series and change points of `entries` (oldest first along main's first-parent history).
 * A series with a value ≤ 0 (a count of errors, a heap growth) has no ratio to test and is
 * reported with `skipped` saying so; change points are listed series by series, oldest
 * first, each with its status (candidate, confirmed, not-confirmed, accepted).
 */
export function historyOf(
  entries: readonly HistoryEntry[],
  options: HistoryOptions = {}
): HistoryReport {
  const confirmations = new Map(
    (options.confirmations ?? []).map((c) => [confirmationPath(c.commit, c.benchmark), c])
  )
  const series: HistorySeries[] = []
  const changePoints: HistoryChangePoint[] = []
  const all = buildSeries(entries)
  const relative = relativeSeries(entries, all)
  for (const one of all) {
    if (options.filter && !options.filter.test(one.benchmark)) continue
    const medians = one.points.map((point) => point.median)
    if (!medians.every((value) => value > 0)) {
      series.push({ ...one, relativeTo: 0, skipped: 'values of 0 or below: no ratio to test' })
      continue
    }
    const own = relative.get(one)
    series.push({ ...one, relativeTo: own?.others ?? 0 })
    const minStep = options.minStep ?? minStepOf(entries, one)
    const gated = newestResult(entries, one.benchmark)?.settings.compare.gate.includes(one.metric)
    const found = changePointsOnBoth(medians, own?.values, { ...options, minStep })
    for (const step of found) {
      const commit = one.points[step.index]!.commit
      const stored = confirmations.get(confirmationPath(commit, one.benchmark))
      // A re-measure that ran but did not measure this metric (the pairs measure the gated
      // ones) says nothing about it: no confirmation, rather than an "unmeasured" one.
      const judged =
        stored &&
        (stored.error !== undefined || stored.metrics.some((m) => m.metric === one.metric))
      const confirmed =
        stored && judged ? confirmationVerdict(stored, one.metric, step.ratio) : null
      // The pairs decide the direction of a step they confirmed (drift can turn the stored one).
      const ratio = confirmed?.verdict === 'confirmed' ? confirmed.ratio : step.ratio
      const worse = METRICS[one.metric].higherIsBetter ? ratio < 1 : ratio > 1
      const accepted = worse ? acceptanceAt(entries, commit, one.benchmark) : undefined
      changePoints.push({
        benchmark: one.benchmark,
        metric: one.metric,
        commit,
        before: step.before,
        after: step.after,
        ratio: step.ratio,
        ciLow: step.ciLow,
        ciHigh: step.ciHigh,
        p: step.p,
        minStep,
        gated: gated === true,
        foundOn: step.foundOn,
        status: accepted
          ? 'accepted'
          : confirmed && confirmed.verdict !== 'unmeasured'
            ? confirmed.verdict
            : 'candidate',
        confirmed,
        ...(accepted ? { accepted } : {})
      })
    }
  }
  return { series, changePoints }
}
