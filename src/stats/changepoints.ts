/**
 * Change points in a series of measurements along main's history: where the level of a
 * benchmark's metric stepped, by how much (a ratio with its interval) and how surely.
 *
 * The method is E-divisive means (Matteson & James, "A Nonparametric Approach for Multiple
 * Change Point Analysis of Multivariate Data", JASA 109(505), 2014) with the modification
 * of Hunter (Fleming, Kołaczkowski, Kumar, Das, McCarthy, Pattabhiraman & Ingo, "Hunter:
 * Using Change Point Detection to Hunt for Performance Regressions", ICPE 2023): the permutation test that
 * decides whether a split is real is replaced by Student's two-sample t-test between the
 * segments either side of it, which makes the result deterministic and usable with few
 * points, and a final pass re-tests every change point against its neighbours and drops the
 * weakest until all pass (Hunter's "merge" step).
 *
 * Everything works on log values, so a step is a ratio whatever the metric's unit, and the
 * levels are geometric means.
 *
 * 1. Divergence (M&J, the energy divergence with α = 1): for a segment split into X = x[s..τ) (m points) and
 *    Y = x[τ..κ) (k points),
 *      Ê(X, Y) = 2/(mk) Σ|Xi − Yj| − C(m,2)⁻¹ Σ_{i<l}|Xi − Xl| − C(k,2)⁻¹ Σ_{j<l}|Yj − Yl|
 *      Q̂(X, Y) = mk/(m + k) · Ê(X, Y)
 *    and the candidate τ of a segment [s, e) maximizes Q̂ over τ and κ (s < τ < κ ≤ e), each
 *    side holding at least `minSegment` points. Prefix sums of the segment's distance matrix
 *    make this O(len²) per segment; a segment longer than EXACT_SEARCH_MAX is searched with κ
 *    at its end (O(len log len)), so a long history costs time and memory near linear in its
 *    length rather than quadratic.
 * 2. Significance (Hunter): Student's t with pooled variance between x[s..τ) and x[τ..κ)
 *    in the divisive pass, between the neighbouring segments in the final pass;
 *    p = 2 P(T_{m+k−2} ≤ −|t|). A split with p ≤ `maxP` is kept and both halves are split
 *    again (binary segmentation, M&J §3).
 * 3. Final pass (Hunter): every kept change point is re-tested between its neighbours; while
 *    the largest p exceeds `maxP`, that change point is removed and its neighbours re-tested.
 * 4. Size: the step's log ratio d = mean(after) − mean(before) of the log values, with the
 *    Student t interval d ± t_{1−(1−c)/2, m+k−2} · s_p √(1/m + 1/k), the variance pooled as
 *    in the test (so the interval excludes 1 exactly when p < 1 − c); ratio = e^d, its
 *    interval e^(ends).
 *
 * The p-value is that of the t-test at the chosen split: the split was chosen to look
 * different, so it is not a calibrated false-alarm probability; `maxP` is set by simulation
 * (docs/PERFORMANCE.md, "Change points") for a low rate of false change points per 1,000
 * points.
 */
import { assertLevel, assertPositiveValues } from './checks.js'
import { studentTCdf, studentTQuantile } from './distributions.js'
import { CONFIDENCE_LEVEL } from './confidence.js'

/** Options of {@link detectChangePoints}. */
export interface ChangePointOptions {
  /** Largest p of a reported change point. Default {@link DEFAULT_CHANGE_POINT_MAX_P}. */
  readonly maxP?: number
  /** Fewest points on each side of a change point. Default {@link DEFAULT_MIN_SEGMENT}. */
  readonly minSegment?: number
  /** Confidence level of the ratio's interval. Default CONFIDENCE_LEVEL (95 %). */
  readonly confidence?: number
  /**
   * Smallest step that matters, as a fraction (0.05: a ratio beyond 1.05 or below 1/1.05).
   * A smaller step is dropped in the final pass like one that fails the test, however
   * significant: on main's history a significant 1 % step is most often the runner, and
   * never worth an alert. Default 0 (every significant step).
   */
  readonly minStep?: number
}

/** A step in a series. */
export interface ChangePoint {
  /** Index of the first point after the step. */
  readonly index: number
  /** Geometric mean of the segment before the step (from the previous change point). */
  readonly before: number
  /** Geometric mean of the segment after the step (up to the next change point). */
  readonly after: number
  /** after / before. */
  readonly ratio: number
  readonly ciLow: number
  readonly ciHigh: number
  /** Two-sided p of Student's t between the two segments (on log values). */
  readonly p: number
}

export const DEFAULT_CHANGE_POINT_MAX_P = 0.001
export const DEFAULT_MIN_SEGMENT = 3

/** Student's two-sample t-test on x[a0..a1) against x[b0..b1), pooled variance. */
interface Contrast {
  readonly meanBefore: number
  readonly meanAfter: number
  readonly standardError: number
  readonly df: number
  readonly p: number
}

function contrast(x: Float64Array, a0: number, a1: number, b0: number, b1: number): Contrast {
  const m = a1 - a0
  const k = b1 - b0
  let sumA = 0
  let sumB = 0
  for (let i = a0; i < a1; i++) sumA += x[i]!
  for (let i = b0; i < b1; i++) sumB += x[i]!
  const meanBefore = sumA / m
  const meanAfter = sumB / k
  let squares = 0
  for (let i = a0; i < a1; i++) squares += (x[i]! - meanBefore) ** 2
  for (let i = b0; i < b1; i++) squares += (x[i]! - meanAfter) ** 2
  const df = m + k - 2
  const standardError = Math.sqrt((squares / df) * (1 / m + 1 / k))
  const difference = meanAfter - meanBefore
  let p: number
  if (standardError > 0) p = Math.min(1, 2 * studentTCdf(-Math.abs(difference) / standardError, df))
  else p = difference === 0 ? 1 : 0
  return { meanBefore, meanAfter, standardError, df, p }
}

/**
 * Segments up to this many points get the exact search over τ and κ (the method as
 * published). Its table of distance sums takes len² doubles (8 MB here) and the search
 * len² steps, so a longer segment is searched with κ fixed at its end instead
 * ({@link bestSplitToEnd}: O(len log len) time, O(len) memory). Series of up to this many
 * commits (the action reads the newest HISTORY_WINDOW, below this) are analysed exactly as
 * before; a longer one is cut by the cheaper search until its pieces are this short.
 */
export const EXACT_SEARCH_MAX = 1000

/**
 * The segment's distance sums: prefix[(j − s)(len + 1) + (t − s)] = Σ_{s≤i<t} |x_i − x_j|
 * for j, t in the segment, so that any sum of distances between a run of points and one
 * point is two lookups.
 */
function distancePrefixSums(x: Float64Array, s: number, e: number): Float64Array {
  const len = e - s
  const prefix = new Float64Array(len * (len + 1))
  for (let j = 0; j < len; j++) {
    const row = j * (len + 1)
    const xj = x[s + j]!
    let sum = 0
    for (let i = 0; i < len; i++) {
      prefix[row + i] = sum
      sum += Math.abs(x[s + i]! - xj)
    }
    prefix[row + len] = sum
  }
  return prefix
}

/** A split of a segment: X = x[s..τ), Y = x[τ..κ). */
export interface Split {
  readonly tau: number
  readonly kappa: number
}

/** Q̂ of X (m points) and Y (k points) from their distance sums. */
function divergenceQ(
  m: number,
  k: number,
  between: number,
  withinLeft: number,
  withinRight: number
): number {
  const divergence =
    (2 * between) / (m * k) - withinLeft / ((m * (m - 1)) / 2) - withinRight / ((k * (k - 1)) / 2)
  return ((m * k) / (m + k)) * divergence
}

/** The (τ, κ) of the segment [s, e) with the largest Q̂ over every τ and κ (exact search). */
export function bestSplitExact(
  x: Float64Array,
  s: number,
  e: number,
  minSegment: number
): Split | undefined {
  const prefix = distancePrefixSums(x, s, e)
  const stride = e - s + 1
  // Σ_{s<=i<t} |x_i - x_j|
  const toRun = (j: number, t: number) => prefix[(j - s) * stride + (t - s)]!
  let best: Split | undefined
  let bestQ = -Infinity
  let withinLeft = 0 // Σ_{s<=i<l<τ} |x_i - x_l|
  for (let tau = s + 1; tau <= e - minSegment; tau++) {
    withinLeft += toRun(tau - 1, tau - 1)
    const m = tau - s
    if (m < minSegment) continue
    let between = 0 // Σ_{s<=i<τ<=j<κ} |x_i - x_j|
    let withinRight = 0 // Σ_{τ<=j<l<κ} |x_j - x_l|
    for (let kappa = tau + 1; kappa <= e; kappa++) {
      const j = kappa - 1 // the point joining the right side
      between += toRun(j, tau)
      withinRight += toRun(j, j) - toRun(j, tau)
      const k = kappa - tau
      if (k < minSegment) continue
      const q = divergenceQ(m, k, between, withinLeft, withinRight)
      if (q > bestQ) {
        bestQ = q
        best = { tau, kappa }
      }
    }
  }
  return best
}

/**
 * Counts and sums of the values in a set, indexed by rank (a Fenwick tree, Fenwick 1994),
 * so that Σ |x_i − v| over the set is O(log n): v·(count below) − (sum below) + (sum
 * above) − v·(count above).
 */
class RankedSums {
  private readonly counts: Float64Array
  private readonly sums: Float64Array
  private count = 0
  private total = 0
  constructor(size: number) {
    this.counts = new Float64Array(size + 1)
    this.sums = new Float64Array(size + 1)
  }
  add(rank: number, value: number, sign: 1 | -1): void {
    this.count += sign
    this.total += sign * value
    for (let i = rank + 1; i < this.counts.length; i += i & -i) {
      this.counts[i] = this.counts[i]! + sign
      this.sums[i] = this.sums[i]! + sign * value
    }
  }
  /** Σ |x_i − value| over the set, `rank` being value's rank. */
  distances(rank: number, value: number): number {
    let below = 0
    let belowSum = 0
    for (let i = rank + 1; i > 0; i -= i & -i) {
      below += this.counts[i]!
      belowSum += this.sums[i]!
    }
    return value * below - belowSum + (this.total - belowSum) - value * (this.count - below)
  }
}

/**
 * The τ of the segment [s, e) with the largest Q̂ when Y runs to the segment's end (κ = e):
 * the energy statistic's binary segmentation, each point moving from Y to X in turn with
 * its distances to both sides from {@link RankedSums}.
 */
export function bestSplitToEnd(
  x: Float64Array,
  s: number,
  e: number,
  minSegment: number
): Split | undefined {
  const len = e - s
  const order = Array.from({ length: len }, (_, i) => s + i).sort((a, b) => x[a]! - x[b]!)
  const rank = new Int32Array(len)
  order.forEach((index, r) => (rank[index - s] = r))
  const left = new RankedSums(len)
  const right = new RankedSums(len)
  // Σ_{s<=j<l<e} |x_j − x_l| from the sorted values: the r-th smallest (from 0) is the larger
  // of r pairs and the smaller of len − 1 − r, so the sum is Σ_r x_(r) (2r − len + 1).
  let withinRight = 0
  order.forEach((index, r) => {
    withinRight += x[index]! * (2 * r - len + 1)
    right.add(r, x[index]!, 1)
  })
  let between = 0
  let withinLeft = 0
  let best: Split | undefined
  let bestQ = -Infinity
  for (let tau = s + 1; tau <= e - minSegment; tau++) {
    const point = tau - 1
    const value = x[point]!
    const r = rank[point - s]!
    right.add(r, value, -1)
    const toLeft = left.distances(r, value)
    const toRight = right.distances(r, value)
    between += toRight - toLeft
    withinLeft += toLeft
    withinRight -= toRight
    left.add(r, value, 1)
    const m = tau - s
    if (m < minSegment) continue
    const q = divergenceQ(m, e - tau, between, withinLeft, withinRight)
    if (q > bestQ) {
      bestQ = q
      best = { tau, kappa: e }
    }
  }
  return best
}

/** The split of the segment [s, e) with the largest Q̂, or undefined if it is too short. */
function bestSplit(x: Float64Array, s: number, e: number, minSegment: number): Split | undefined {
  if (e - s < 2 * minSegment) return undefined
  return e - s <= EXACT_SEARCH_MAX
    ? bestSplitExact(x, s, e, minSegment)
    : bestSplitToEnd(x, s, e, minSegment)
}

/**
 * Change points of `values` (oldest first; every value > 0, e.g. the median of each
 * commit's trials), in index order. See the module comment for the method.
 */
export function detectChangePoints(
  values: readonly number[],
  options: ChangePointOptions = {}
): ChangePoint[] {
  const maxP = options.maxP ?? DEFAULT_CHANGE_POINT_MAX_P
  const minSegment = options.minSegment ?? DEFAULT_MIN_SEGMENT
  const confidence = options.confidence ?? CONFIDENCE_LEVEL
  assertLevel('maxP', maxP)
  assertLevel('confidence', confidence)
  const minStep = options.minStep ?? 0
  if (!(minStep >= 0 && Number.isFinite(minStep))) {
    throw new RangeError(`minStep must be a finite fraction >= 0, got ${minStep}`)
  }
  const minLogStep = Math.log1p(minStep)
  if (!Number.isInteger(minSegment) || minSegment < 2) {
    throw new RangeError(`minSegment must be an integer >= 2, got ${minSegment}`)
  }
  assertPositiveValues('values', values)
  const n = values.length
  if (n < 2 * minSegment) return []
  const x = Float64Array.from(values, Math.log)

  // Divisive pass: split while the best split of a segment passes the t-test.
  const found: number[] = []
  const pending: [number, number][] = [[0, n]]
  while (pending.length > 0) {
    const [s, e] = pending.pop()!
    const split = bestSplit(x, s, e, minSegment)
    if (!split) continue
    if (contrast(x, s, split.tau, split.tau, split.kappa).p > maxP) continue
    found.push(split.tau)
    pending.push([s, split.tau], [split.tau, e])
  }
  found.sort((a, b) => a - b)

  // Final pass: re-test each change point between its neighbours; drop the weakest failing
  // (the largest p; among steps that pass the test but are too small, the smallest step).
  const bounds = (i: number, points: readonly number[]) =>
    [
      i === 0 ? 0 : points[i - 1]!,
      points[i]!,
      i === points.length - 1 ? n : points[i + 1]!
    ] as const
  // Removing a change point changes only its neighbours' segments, so only they are tested
  // again (each test is O(segment)).
  const points = found
  const tests = points.map((_, i) => {
    const [a, c, b] = bounds(i, points)
    return contrast(x, a, c, c, b)
  })
  const size = (test: Contrast) => Math.abs(test.meanAfter - test.meanBefore)
  const fails = (test: Contrast) => test.p > maxP || size(test) < minLogStep
  const weaker = (a: Contrast, b: Contrast) => a.p > b.p || (a.p === b.p && size(a) < size(b))
  for (;;) {
    let weakest = -1
    for (let i = 0; i < tests.length; i++) {
      if (fails(tests[i]!) && (weakest < 0 || weaker(tests[i]!, tests[weakest]!))) weakest = i
    }
    if (weakest < 0) break
    points.splice(weakest, 1)
    tests.splice(weakest, 1)
    for (const i of [weakest - 1, weakest]) {
      if (i < 0 || i >= points.length) continue
      const [a, c, b] = bounds(i, points)
      tests[i] = contrast(x, a, c, c, b)
    }
  }

  return points.map((index, i) => {
    const test = tests[i]!
    const difference = test.meanAfter - test.meanBefore
    const half = studentTQuantile(1 - (1 - confidence) / 2, test.df) * test.standardError
    return {
      index,
      before: Math.exp(test.meanBefore),
      after: Math.exp(test.meanAfter),
      ratio: Math.exp(difference),
      ciLow: Math.exp(difference - half),
      ciHigh: Math.exp(difference + half),
      p: test.p
    }
  })
}
