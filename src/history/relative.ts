/**
 * Change points judged on a benchmark's value relative to the other benchmarks of the same
 * run (pure). Each stored commit of main was measured at its own time, often on another
 * machine: the runner's speed at that moment moves every benchmark of the run together, and
 * that shared drift is larger than the spread within a run (docs/PERFORMANCE.md, "Real
 * history on this machine"). Dividing it out reveals steps the drift hides.
 *
 * For series B at commit c, the per-run reference is the median, over the OTHER series of
 * the group (same benchmark kind and metric) measured at c, of their value at c relative to
 * their own median over the history; B's relative value is B(c) / reference(c). The
 * reference leaves B out, so B's own step does not move it; with 3 or more others one other
 * benchmark's step barely moves the median either. With a single other benchmark its step
 * shows mirrored on B: such a candidate is not confirmed by the paired re-measure, which
 * alone alerts.
 *
 * Candidates come from both the raw series (a step that slows every benchmark, such as a
 * runtime upgrade, has no relative step) and the relative one (a step hidden by drift);
 * one found on both within {@link SAME_STEP_REACH} stored commits is one candidate.
 */
import {
  detectChangePoints,
  type ChangePoint,
  type ChangePointOptions
} from '../stats/changepoints.js'
import { median } from '../stats/quantile.js'

/**
 * Relative values of each row of `grid` (rows: series of one group; columns: stored
 * commits, oldest first; undefined where a series has no value). A cell is undefined where
 * the series has no value or no other series has one at that commit. Values must be > 0.
 */
export function relativeValues(
  grid: readonly (readonly (number | undefined)[])[]
): (number | undefined)[][] {
  const levels = grid.map((row) => {
    const present = row.filter((value): value is number => value !== undefined)
    return present.length > 0 ? median(present) : NaN
  })
  return grid.map((row, own) =>
    row.map((value, commit) => {
      if (value === undefined) return undefined
      const others: number[] = []
      grid.forEach((other, index) => {
        const at = other[commit]
        if (index !== own && at !== undefined) others.push(at / levels[index]!)
      })
      return others.length > 0 ? value / median(others) : undefined
    })
  )
}

/** Which series found a candidate: the stored values, the relative ones, or both. */
export type FoundOn = 'raw' | 'relative' | 'both'

/** A candidate step of one series, with the series that found it. */
export interface FoundChangePoint extends ChangePoint {
  readonly foundOn: FoundOn
}

/**
 * Change points within this many stored commits of each other, in the same direction, one
 * on the raw and one on the relative series, are one step: the search places a step up to
 * two stored commits off under drift, the reach of the paired confirmation's window
 * (CONFIRMATION_WINDOW in src/app/confirm.ts).
 */
export const SAME_STEP_REACH = 2

/**
 * Candidates of one series from its raw values and, when given, its relative values
 * (`relative[i]` for raw point i, undefined where there is no reference), merged: a pair
 * found on both keeps the figures and commit of the surer one (smaller p), as its segments
 * are the better placed. Indices are the raw series'; in index order.
 */
export function changePointsOnBoth(
  raw: readonly number[],
  relative: readonly (number | undefined)[] | undefined,
  options: ChangePointOptions = {}
): FoundChangePoint[] {
  const fromRaw = detectChangePoints(raw, options)
  if (!relative) return fromRaw.map((step) => ({ ...step, foundOn: 'raw' }))
  const kept: number[] = []
  relative.forEach((value, index) => {
    if (value !== undefined) kept.push(index)
  })
  const fromRelative = detectChangePoints(
    kept.map((index) => relative[index]!),
    options
  ).map((step) => ({ ...step, index: kept[step.index]! }))
  const found: FoundChangePoint[] = []
  const unmatched = new Set(fromRaw)
  for (const step of fromRelative) {
    const twin = nearestTwin(step, unmatched)
    if (!twin) {
      found.push({ ...step, foundOn: 'relative' })
      continue
    }
    unmatched.delete(twin)
    found.push({ ...(twin.p < step.p ? twin : step), foundOn: 'both' })
  }
  for (const step of unmatched) found.push({ ...step, foundOn: 'raw' })
  return found.sort((a, b) => a.index - b.index)
}

/** The raw change point nearest `step` within reach in the same direction, if any. */
function nearestTwin(step: ChangePoint, raw: ReadonlySet<ChangePoint>): ChangePoint | undefined {
  let best: ChangePoint | undefined
  for (const other of raw) {
    const distance = Math.abs(other.index - step.index)
    if (distance > SAME_STEP_REACH || other.ratio > 1 !== step.ratio > 1) continue
    if (!best || distance < Math.abs(best.index - step.index)) best = other
  }
  return best
}
