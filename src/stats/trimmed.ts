/**
 * The trimmed mean of paired log ratios with its trimmed t interval and test (docs/DESIGN.md,
 * "Robust paired statistics"): a trial slowed as a whole by a busy machine puts its pair's
 * log ratio far out, on either side; trimming drops the most extreme g on each side, so a
 * few such pairs move neither the estimate nor the interval, while on clean noise the
 * procedure stays close to the t-test.
 *
 * Tukey & McLaughlin, "Less vulnerable confidence and significance procedures for location
 * based on a single sample: trimming/winsorization 1", Sankhya A 25 (1963) 331-352; Yuen,
 * "The two-sample trimmed t for unequal population variances", Biometrika 61 (1974) 165-170;
 * Wilcox, Introduction to Robust Estimation and Hypothesis Testing, 4th ed. (2017), §4.4
 * (the one-sample trimmed t, his `trimci`), which recommends 20 % trimming.
 */

import { assertFiniteValues, assertLevel } from './checks.js'
import { studentTCdf, studentTQuantile } from './distributions.js'

/** Share trimmed from each end by default: 20 %, Wilcox's recommendation. */
export const DEFAULT_TRIM = 0.2

/** Degrees of freedom of the trimmed t over n values: n − 2g − 1, g = floor(trim × n). */
export function trimmedDf(n: number, trim = DEFAULT_TRIM): number {
  return n - 2 * Math.floor(trim * n) - 1
}

/** Result of {@link trimmedMeanTest}. */
export interface TrimmedMeanResult {
  /** Values n. */
  n: number
  /** Values trimmed from each end, g = floor(trim × n). */
  g: number
  /** Mean of the n − 2g middle values. */
  estimate: number
  /** Winsorized standard deviation s_w (n − 1 denominator). */
  winsorizedSd: number
  /** Standard error s_w / ((1 − 2 trim) √n). */
  standardError: number
  /** Degrees of freedom n − 2g − 1. */
  df: number
  /** t = estimate / standardError; NaN when the standard error is 0. */
  t: number
  /** Two-sided p-value for "centre 0". */
  pValue: number
  /** Interval estimate ∓ t_{1−(1−c)/2, df} × standardError. */
  low: number
  high: number
}

/**
 * One-sample trimmed t on `values` (Tukey & McLaughlin 1963; Wilcox §4.4):
 *
 * - sort x_(1) <= … <= x_(n); g = floor(trim × n) (trim in [0, 0.5));
 * - estimate = mean of x_(g+1) … x_(n−g) (R's mean(x, trim = trim) and
 *   scipy.stats.trim_mean both cut floor(trim × n) from each end);
 * - winsorized values: x_(i) clamped to [x_(g+1), x_(n−g)]; s_w their sample SD;
 * - SE = s_w / ((1 − 2 trim) √n) (Wilcox's trimci; scipy.stats.mstats.trimmed_stde), df =
 *   n − 2g − 1, t = estimate / SE, p = 2 P(T_df <= −|t|), interval estimate ∓
 *   t_{1−(1−c)/2, df} SE (scipy.stats.mstats.trimmed_mean_ci). Where trim × n is an integer
 *   (10, 20, 30 pairs at 20 %), 1 − 2 trim = (n − 2g)/n.
 *
 * p < 1 − c exactly when the interval at confidence c excludes 0 (same t, same df), and the
 * estimate is its interval's midpoint: estimate, interval and test always agree.
 *
 * A winsorized SD no larger than `zeroSpread` (default 0) counts as 0: interval
 * [estimate, estimate], t NaN, p = 1 when the estimate is exactly 0 and 0 otherwise (the
 * limit as the spread vanishes, as for the paired t-test). Throws a RangeError for a
 * non-finite value, a confidence outside (0, 1), a trim outside [0, 0.5) or df < 1 (fewer
 * than 2 values, or too few left after trimming; with the default 20 % any n >= 2 works).
 */
export function trimmedMeanTest(
  values: readonly number[],
  options: { confidence: number; trim?: number; zeroSpread?: number }
): TrimmedMeanResult {
  assertFiniteValues('values', values)
  assertLevel('confidence', options.confidence)
  const trim = options.trim ?? DEFAULT_TRIM
  if (!(trim >= 0 && trim < 0.5)) throw new RangeError(`trim must be in [0, 0.5), got ${trim}`)
  const n = values.length
  const g = Math.floor(trim * n)
  const df = trimmedDf(n, trim)
  if (df < 1) {
    throw new RangeError(
      `the trimmed t needs 2 values left after trimming ${g} from each end, got ${n} values`
    )
  }
  const sorted = [...values].sort((a, b) => a - b)
  const lowest = sorted[g]!
  const highest = sorted[n - g - 1]!
  let sum = 0
  for (let i = g; i < n - g; i++) sum += sorted[i]!
  const estimate = sum / (n - 2 * g)
  const winsorized = sorted.map((x) => Math.min(Math.max(x, lowest), highest))
  const winsorizedMean = winsorized.reduce((a, x) => a + x, 0) / n
  const rawSd = Math.sqrt(winsorized.reduce((a, x) => a + (x - winsorizedMean) ** 2, 0) / (n - 1))
  const winsorizedSd = rawSd <= (options.zeroSpread ?? 0) ? 0 : rawSd
  const standardError = winsorizedSd / ((1 - 2 * trim) * Math.sqrt(n))
  const common = { n, g, estimate, winsorizedSd, standardError, df }
  if (!(standardError > 0)) {
    return { ...common, t: NaN, pValue: estimate === 0 ? 1 : 0, low: estimate, high: estimate }
  }
  const t = estimate / standardError
  const half = studentTQuantile(1 - (1 - options.confidence) / 2, df) * standardError
  return {
    ...common,
    t,
    pValue: Math.min(1, 2 * studentTCdf(-Math.abs(t), df)),
    low: estimate - half,
    high: estimate + half
  }
}

/** Differences farther from 0 than this many times the median |d| are left out of the test. */
export const SCREEN_FACTOR = 3

/** The differences with |d_i| <= SCREEN_FACTOR × median |d_j|, in their order. */
export function screenDifferences(differences: readonly number[]): number[] {
  const magnitudes = differences.map(Math.abs).sort((a, b) => a - b)
  const n = magnitudes.length
  if (n === 0) return []
  const half = Math.floor(n / 2)
  const medianMagnitude =
    n % 2 ? magnitudes[half]! : (magnitudes[half - 1]! + magnitudes[half]!) / 2
  return differences.filter((x) => Math.abs(x) <= SCREEN_FACTOR * medianMagnitude)
}

/** Result of {@link screenedTTest}. */
export interface ScreenedTResult {
  /** Two-sided p-value. */
  pValue: number
  /** The t statistic of the kept d; NaN when fewer than 2 are kept or their SD is 0. */
  t: number
  /** Differences kept by the screen. */
  kept: number
}

/**
 * The p-value of the 'trimmed' paired method: the one-sample t-test of the differences with
 * |d_i| <= 3 × median |d_j| (t = mean / (s / √k) on k − 1 degrees of freedom, k kept;
 * scipy.stats.ttest_1samp on them). The screen looks at the |d_i| only, which sign flips
 * leave unchanged, so under "d symmetric about 0" (base and head exchangeable in a
 * randomized order) the kept d are, given their magnitudes, independent random signs times
 * fixed numbers — and for such sign-symmetric data the Student t tail is conservative at the
 * levels used here (Efron, "Student's t-test under symmetry conditions", J. Amer. Statist.
 * Assoc. 64 (1969) 1278-1302). A pair with one side slowed 1.5-10× as a whole lies ln 1.5
 * to ln 10 out and is screened out; on normal noise about 4.5 % of the pairs are.
 *
 * Not the trimmed t's own Student p: at 10-20 pairs that one is too small in the far tail
 * that the planned looks and Holm use (about 2× at p = 0.0017, n = 10, on normal data). Not
 * an exact sign-flip test of the kept d either: its smallest p, 2 / 2^k, leaves small
 * configurations (a few pairs per look) unable to decide at all.
 *
 * Fewer than 2 kept: p = 1. Kept SD 0: p = 1 when their mean is 0, else 0 (the t-test's
 * limit). A spread no larger than `zeroSpread` (default 0) counts as 0.
 */
export function screenedTTest(
  differences: readonly number[],
  options: { zeroSpread?: number } = {}
): ScreenedTResult {
  assertFiniteValues('differences', differences)
  const kept = screenDifferences(differences)
  const k = kept.length
  if (k < 2) return { pValue: 1, t: NaN, kept: k }
  const mean = kept.reduce((a, x) => a + x, 0) / k
  const rawSd = Math.sqrt(kept.reduce((a, x) => a + (x - mean) ** 2, 0) / (k - 1))
  if (rawSd <= (options.zeroSpread ?? 0)) return { pValue: mean === 0 ? 1 : 0, t: NaN, kept: k }
  const t = mean / (rawSd / Math.sqrt(k))
  return { pValue: Math.min(1, 2 * studentTCdf(-Math.abs(t), k - 1)), t, kept: k }
}
