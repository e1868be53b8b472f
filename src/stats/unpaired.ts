/**
 * Unpaired comparison, for a head measured against a stored baseline from another run
 * (docs/DESIGN.md, "Stored baselines"): the Mann-Whitney U test and the Hodges-Lehmann shift
 * with its distribution-free confidence interval, applied to log values so that the shift
 * reads as a ratio.
 */

import { assertFiniteValues, assertLevel, assertPositiveValues } from './checks.js'
import { CONFIDENCE_LEVEL } from './confidence.js'
import { normalCdf, normalQuantile } from './distributions.js'

/** How the Mann-Whitney p-value was computed. */
export type MannWhitneyMethod = 'exact' | 'asymptotic'

/** Options of {@link mannWhitneyU}. */
export interface MannWhitneyOptions {
  /**
   * 'auto' (default): exact when there are no ties and both samples have at most
   * {@link MANN_WHITNEY_EXACT_LIMIT} values, else asymptotic. 'exact' falls back to the
   * asymptotic p when there are ties (the exact null distribution assumes none) or when
   * the table would be too large (more than {@link MANN_WHITNEY_EXACT_CELLS} cells).
   */
  method?: 'auto' | MannWhitneyMethod
  /** Continuity correction of the normal approximation; default true (as scipy). */
  continuity?: boolean
}

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of the first sample: #{x_i > y_j} + #{x_i = y_j} / 2 (scipy's `statistic`). */
  u: number
  /** Two-sided p-value. */
  pValue: number
  method: MannWhitneyMethod
}

/** Largest sample size (each side) for which 'auto' uses the exact distribution. */
export const MANN_WHITNEY_EXACT_LIMIT = 50
/** Memory guard for a requested exact test: cells of the recurrence table. */
export const MANN_WHITNEY_EXACT_CELLS = 10_000_000

/** Average ranks (1-based) of `values` and the tie term sum(t^3 - t) over tie groups. */
function rankWithTies(values: readonly number[]): { ranks: Float64Array; tieTerm: number } {
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[a] as number) - (values[b] as number))
  const ranks = new Float64Array(values.length)
  let tieTerm = 0
  for (let start = 0; start < order.length;) {
    let end = start + 1
    while (end < order.length && values[order[end] as number] === values[order[start] as number]) {
      end++
    }
    const averageRank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k] as number] = averageRank
    const size = end - start
    tieTerm += size ** 3 - size
    start = end
  }
  return { ranks, tieTerm }
}

/**
 * P(U <= u) for u = 0..maxU under the null hypothesis without ties, for samples of sizes
 * m and n. Recurrence on the largest of the m + n observations, which belongs to the first
 * sample with probability m / (m + n) and then adds n to U (the recurrence of Mann &
 * Whitney, Ann. Math. Statist. 18 (1947) 50-60):
 *   p_{m,n}(u) = m/(m+n) p_{m-1,n}(u - n) + n/(m+n) p_{m,n-1}(u).
 * Every step adds non-negative terms, so tail probabilities keep full relative precision
 * (no counts beyond 2^53, no cancellation). Cost O(m n maxU).
 */
export function mannWhitneyNullCdf(maxU: number, m: number, n: number): Float64Array {
  const width = maxU + 1
  // rows[j * width + u] = p_{i,j}(u) for the current i
  let previous = new Float64Array((n + 1) * width)
  let current = new Float64Array((n + 1) * width)
  for (let j = 0; j <= n; j++) previous[j * width] = 1 // i = 0: U = 0
  for (let i = 1; i <= m; i++) {
    current.fill(0)
    current[0] = 1 // j = 0: U = 0
    for (let j = 1; j <= n; j++) {
      const fromFirst = i / (i + j)
      const fromSecond = j / (i + j)
      const row = j * width
      const left = (j - 1) * width
      for (let u = 0; u < width; u++) {
        const shifted = u >= j ? (previous[row + u - j] as number) : 0
        current[row + u] = fromFirst * shifted + fromSecond * (current[left + u] as number)
      }
    }
    ;[previous, current] = [current, previous]
  }
  const cdf = new Float64Array(width)
  let sum = 0
  for (let u = 0; u < width; u++) {
    sum += previous[n * width + u] as number
    cdf[u] = sum
  }
  return cdf
}

/**
 * Two-sided Mann-Whitney U test (Wilcoxon rank-sum; Mann & Whitney 1947), matching
 * scipy.stats.mannwhitneyu(x, y, alternative='two-sided') for method='exact' and
 * method='asymptotic' (use_continuity=True).
 *
 * - Exact: p = 2 P(U >= max(U1, U2)) = 2 P(U <= min(U1, U2)) from
 *   {@link mannWhitneyNullCdf}, capped at 1.
 * - Asymptotic: z = (max(U1, U2) - mn/2 - 1/2) / sigma with the tie-corrected
 *   sigma^2 = mn/12 ((N + 1) - sum(t^3 - t) / (N (N - 1))) (Hollander, Wolfe & Chicken,
 *   Nonparametric Statistical Methods, 3rd ed., section 4.1), p = 2 (1 - Phi(z)) capped at
 *   1; the half is dropped without continuity correction.
 *
 * Empty samples, or all values tied (sigma = 0), give p = 1.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {}
): MannWhitneyResult {
  assertFiniteValues('x', x)
  assertFiniteValues('y', y)
  const m = x.length
  const n = y.length
  if (m === 0 || n === 0) return { u: 0, pValue: 1, method: 'exact' }
  const { ranks, tieTerm } = rankWithTies([...x, ...y])
  let rankSumX = 0
  for (let i = 0; i < m; i++) rankSumX += ranks[i] as number
  const u = rankSumX - (m * (m + 1)) / 2
  const uMax = Math.max(u, m * n - u)

  const requested = options.method ?? 'auto'
  const exactPossible = tieTerm === 0
  const useExact =
    exactPossible &&
    (requested === 'exact' ||
      (requested === 'auto' && m <= MANN_WHITNEY_EXACT_LIMIT && n <= MANN_WHITNEY_EXACT_LIMIT))
  const uMin = m * n - uMax // an integer without ties
  if (useExact && (Math.max(m, n) + 1) * (uMin + 1) <= MANN_WHITNEY_EXACT_CELLS) {
    const cdf = mannWhitneyNullCdf(uMin, Math.min(m, n), Math.max(m, n))
    return { u, pValue: Math.min(1, 2 * (cdf[uMin] as number)), method: 'exact' }
  }

  const total = m + n
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)))
  if (!(variance > 0)) return { u, pValue: 1, method: 'asymptotic' }
  const continuity = options.continuity ?? true
  const z = (uMax - (m * n) / 2 - (continuity ? 0.5 : 0)) / Math.sqrt(variance)
  return { u, pValue: Math.min(1, 2 * normalCdf(-z)), method: 'asymptotic' }
}

/** Result of {@link hodgesLehmannShift}. */
export interface ShiftEstimate {
  /** Hodges-Lehmann estimate of the shift of the second sample: median of y_j - x_i. */
  shift: number
  /** Confidence interval of the shift; infinite ends when the level is not attainable. */
  ciLow: number
  ciHigh: number
  /** Coverage the interval actually guarantees (>= the requested level, or 0). */
  achievedConfidence: number
  method: MannWhitneyMethod
}

/**
 * Hodges-Lehmann estimate of the location shift of `y` relative to `x` (median of the
 * m n differences y_j - x_i; Hodges & Lehmann, Ann. Math. Statist. 34 (1963) 598-611) and
 * the distribution-free interval of Moses (Hollander, Wolfe & Chicken 3rd ed., 4.3):
 * [D_(k), D_(mn+1-k)] of the sorted differences, where k is the smallest u with
 * P(U <= u) >= (1 - confidence) / 2, so that each end misses with probability
 * P(U <= k - 1) < (1 - confidence) / 2.
 *
 * With both samples of at most {@link MANN_WHITNEY_EXACT_LIMIT} values, k comes from the
 * exact null distribution of U: this reproduces R's
 * `wilcox.test(y, x, conf.int = TRUE, exact = TRUE)` (its `qwilcox`-based interval and
 * `median(diffs)` estimate). Larger samples use the normal approximation with continuity
 * correction, k = floor(mn/2 + 1/2 - z sqrt(mn (m + n + 1) / 12)) (H-W-C 4.3, large-sample
 * approximation; ties are not corrected for here). With ties and small samples the exact
 * k is still used, which makes the interval approximate (R switches to a normal
 * approximation there, so only tie-free samples are compared with R).
 *
 * Unlike R, which then falls back to the widest interval [min D, max D] with a warning,
 * a level that the sample sizes cannot reach (e.g. 3 against 3 at 95 %: k = 0) gives the
 * unbounded interval (-Infinity, Infinity), so that no verdict rests on it.
 * Cost O(mn log mn) for sorting the differences.
 */
export function hodgesLehmannShift(
  x: readonly number[],
  y: readonly number[],
  confidence = CONFIDENCE_LEVEL
): ShiftEstimate {
  assertFiniteValues('x', x)
  assertFiniteValues('y', y)
  assertLevel('confidence', confidence)
  const m = x.length
  const n = y.length
  if (m === 0 || n === 0) {
    return {
      shift: NaN,
      ciLow: -Infinity,
      ciHigh: Infinity,
      achievedConfidence: 0,
      method: 'exact'
    }
  }
  const count = m * n
  const differences = new Float64Array(count)
  let index = 0
  for (const yj of y) for (const xi of x) differences[index++] = yj - xi
  differences.sort()
  const middle = count >> 1
  const shift =
    count % 2 === 1
      ? (differences[middle] as number)
      : ((differences[middle - 1] as number) + (differences[middle] as number)) / 2

  const tail = (1 - confidence) / 2
  let k: number
  let achievedConfidence: number
  let method: MannWhitneyMethod
  if (m <= MANN_WHITNEY_EXACT_LIMIT && n <= MANN_WHITNEY_EXACT_LIMIT) {
    method = 'exact'
    const cdf = mannWhitneyNullCdf(Math.floor(count / 2), Math.min(m, n), Math.max(m, n))
    // k = the smallest u with P(U <= u) >= tail (R's qwilcox), so P(U <= k - 1) < tail
    k = 0
    while (k < cdf.length && (cdf[k] as number) < tail) k++
    achievedConfidence = k === 0 ? 0 : 1 - 2 * (cdf[k - 1] as number)
  } else {
    method = 'asymptotic'
    const sigma = Math.sqrt((count * (m + n + 1)) / 12)
    k = Math.floor(count / 2 + 0.5 + normalQuantile(tail) * sigma)
    achievedConfidence = k < 1 ? 0 : 1 - 2 * normalCdf((k - 0.5 - count / 2) / sigma)
  }
  if (k < 1) return { shift, ciLow: -Infinity, ciHigh: Infinity, achievedConfidence: 0, method }
  return {
    shift,
    ciLow: differences[k - 1] as number,
    ciHigh: differences[count - k] as number,
    achievedConfidence,
    method
  }
}

/** Options of {@link compareUnpaired}. */
export interface UnpairedOptions extends MannWhitneyOptions {
  /** Confidence level of the interval; default CONFIDENCE_LEVEL (0.95). */
  confidence?: number
}

/** Result of {@link compareUnpaired}: ratio head/base, its interval and p-value. */
export interface UnpairedComparison {
  nBase: number
  nHead: number
  /** exp(Hodges-Lehmann shift of ln head relative to ln base); NaN when a side is empty. */
  ratio: number
  /** Ratio-scale interval; (0, Infinity) when the level is not attainable. */
  ciLow: number
  ciHigh: number
  /** Two-sided Mann-Whitney p-value. */
  pValue: number
  /** The shift on the log scale, ln(ratio). */
  shiftLog: number
  /** Method of the p-value. */
  method: MannWhitneyMethod
  /** Coverage the interval guarantees (see {@link hodgesLehmannShift}). */
  achievedConfidence: number
  confidence: number
}

/**
 * Compares two independent samples of positive values (a head run against a stored
 * baseline). Works on ln values: the Mann-Whitney p-value is the same on either scale
 * (ranks do not change under a monotone map), and the Hodges-Lehmann shift of the logs
 * and its interval exponentiate to a ratio head/base with interval (a shift of ln X is a
 * multiplicative change of X; the interval is equivariant under the monotone map exp).
 * The p-value is computed on the raw values (identical ranks;
 * no ties created by rounding in the logarithm).
 *
 * Empty sides give ratio NaN, interval (0, Infinity) and p = 1. Throws a RangeError when
 * a value is not a finite number > 0.
 */
export function compareUnpaired(
  base: readonly number[],
  head: readonly number[],
  options: UnpairedOptions = {}
): UnpairedComparison {
  const confidence = options.confidence ?? CONFIDENCE_LEVEL
  assertLevel('confidence', confidence)
  assertPositiveValues('base', base)
  assertPositiveValues('head', head)
  const logBase = base.map(Math.log)
  const logHead = head.map(Math.log)
  const test = mannWhitneyU(head, base, options)
  const shift = hodgesLehmannShift(logBase, logHead, confidence)
  return {
    nBase: base.length,
    nHead: head.length,
    ratio: Math.exp(shift.shift),
    ciLow: Math.exp(shift.ciLow),
    ciHigh: Math.exp(shift.ciHigh),
    pValue: test.pValue,
    shiftLog: shift.shift,
    method: test.method,
    achievedConfidence: shift.achievedConfidence,
    confidence
  }
}
