/**
 * Paired comparison of base and head trials (same-runner A/B; docs/DESIGN.md, "Paired
 * comparison"): the
 * log ratios d_i = ln(head_i / base_i), their geometric-mean ratio with a t confidence
 * interval, and a two-sided p-value from a paired t-test or an exact (or Monte Carlo)
 * sign-flip randomization test; or, method 'trimmed', their 20 % trimmed mean with the
 * trimmed t interval and test (src/stats/trimmed.ts), which a few trials slowed as a whole
 * by a busy machine cannot drag along (docs/DESIGN.md, "Robust paired statistics").
 */

import { assertFiniteValues, assertLevel, assertPositiveValues } from './checks.js'
import { CONFIDENCE_LEVEL } from './confidence.js'
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js'
import { createRandom, type Random } from './random.js'
import { median } from './quantile.js'
import { screenedTTest, trimmedMeanTest } from './trimmed.js'

/** Which test gives the p-value of a paired comparison. */
export type PairedMethod = 't' | 'sign-flip' | 'trimmed'

/** Options of {@link comparePaired}; every field has a default. */
export interface PairedOptions {
  /** Confidence level of the interval; default CONFIDENCE_LEVEL (0.95). */
  confidence?: number
  /**
   * 't' (paired t-test, the default of this function), 'sign-flip' (randomization test) or
   * 'trimmed' (20 % trimmed mean, trimmed t).
   */
  method?: PairedMethod
  /**
   * Random source for the Monte Carlo sign-flip tests (n > `exactLimit`). Defaults to a
   * generator with a fixed seed, so results are reproducible either way.
   */
  random?: Random
  /** Monte Carlo resamples for the sign-flip test; default 20000. */
  resamples?: number
  /** Largest n for which the sign-flip test enumerates all 2^n flips; default 24. */
  exactLimit?: number
  /**
   * A near-deterministic metric's known spread: the SD of one pair's log ratio when
   * nothing changed (instruction counts). While the pairs show no more spread than this
   * (always with one pair), the interval and p-value are those of a known-SD z-test with
   * it; above it the metric is not behaving deterministically and the chosen test applies.
   */
  noiseFloor?: number
}

/** Result of {@link comparePaired}: ratio head/base, its interval and p-value. */
export interface PairedComparison {
  /** Number of pairs. */
  n: number
  method: PairedMethod
  /**
   * Estimated ratio head/base: the geometric-mean ratio exp(meanLog) for 't' and
   * 'sign-flip', exp(20 % trimmed mean of the d_i) for 'trimmed'. NaN when n = 0.
   */
  ratio: number
  /**
   * Confidence interval of the ratio: the t interval of the mean for 't' and 'sign-flip',
   * the trimmed t interval for 'trimmed'.
   */
  ciLow: number
  ciHigh: number
  /** Two-sided p-value for "no difference" (true ratio 1). */
  pValue: number
  /** Mean of d_i = ln(head_i / base_i). */
  meanLog: number
  /** Sample standard deviation (n - 1 denominator) of d_i; NaN when n < 2. */
  sdLog: number
  /**
   * The t statistic meanLog / (sdLog / sqrt(n)); for 'trimmed' the trimmed t. NaN when
   * n < 2 or the spread is 0.
   */
  t: number
  /** False only when the sign-flip p-value is a Monte Carlo estimate. */
  exact: boolean
  confidence: number
  /**
   * With a noise floor: the pair set aside as the one count off the others' level
   * ({@link comparePaired}); ratio, interval and p-value are then those of the other pairs.
   */
  setAside?: { readonly index: number; readonly ratio: number }
}

/** Monte Carlo sign flips by default: standard error 0.0015 at p = 0.05. */
export const DEFAULT_SIGN_FLIP_RESAMPLES = 20000
/** Up to this many pairs the sign-flip test is exact (2 x 4096 half sums at 24). */
export const DEFAULT_SIGN_FLIP_EXACT_LIMIT = 24
/** Seed of the generator used when a Monte Carlo sign-flip test gets no `random`. */
export const DEFAULT_SIGN_FLIP_SEED = 0x5eed

/**
 * How far, in noise floors, a pair set aside lies from the others' mean: at least 4 (the
 * others' z-interval is ±1.96 / √(n − 1) floors wide, so 4 is clear of it; the level seen,
 * 0.63 %, is 6.3), at most 20 (2 % at the 0.1 % floor of instructions).
 */
export const SET_ASIDE_GAP = 4
export const SET_ASIDE_MAX_GAP = 20

/** d_i = ln(head_i) - ln(base_i): swapping base and head negates every d_i exactly. */
export function logRatios(base: readonly number[], head: readonly number[]): number[] {
  if (base.length !== head.length) {
    throw new RangeError(
      `paired samples need equal lengths, got ${base.length} base and ${head.length} head`
    )
  }
  assertPositiveValues('base', base)
  assertPositiveValues('head', head)
  return base.map((b, i) => Math.log(head[i] as number) - Math.log(b))
}

/**
 * Compares paired positive measurements (times, rates) on the log scale.
 *
 * - Estimate: geometric-mean ratio exp(mean d), d_i = ln(head_i / base_i).
 * - Interval: exp(mean d -/+ t_{1-(1-c)/2, n-1} * s_d / sqrt(n)), the t interval for a
 *   mean back-transformed to a ratio (Student, "The probable error of a mean", Biometrika
 *   6 (1908); for ratios of benchmark times see Kalibera & Jones, "Rigorous benchmarking
 *   in reasonable time", ISMM 2013).
 * - p-value, method 't': paired t-test, t = mean d / (s_d / sqrt n) on n - 1 degrees of
 *   freedom, p = 2 P(T <= -|t|) (matches scipy.stats.ttest_rel on the logs).
 * - p-value, method 'sign-flip': see {@link signFlipTest}.
 * - method 'trimmed': ratio and interval of {@link trimmedMeanTest} on the d_i (20 %
 *   trimmed mean, trimmed t interval), back-transformed; p from {@link screenedTTest}
 *   (the t-test of the pairs within 3 × median |d| of 0; the trimmed t's own p is too
 *   small in the far tail at few pairs); meanLog and sdLog stay the
 *   mean and SD of the d_i. A winsorized spread within the rounding level below counts as
 *   0, as sdLog does.
 *
 * Degenerate cases (documented behaviour, not errors):
 * - n = 0: ratio NaN, interval (0, Infinity), p = 1.
 * - n = 1: ratio exp(d_1), interval (0, Infinity), p = 1 (no spread, no evidence).
 * - s_d = 0 with n >= 2 (every pair has the same ratio; a spread within the rounding
 *   error of the logarithms, 8 eps max(|ln base_i| + |ln head_i|), counts as 0): interval
 *   [ratio, ratio]; the t-test gives p = 1 when that ratio is exactly 1 and p = 0
 *   otherwise (the limit of the t-test as the spread vanishes); the sign-flip test needs
 *   no special case (p = 1 for all-zero d, else 2 / 2^n).
 *
 * With `noiseFloor` σ0 and n >= 1 pairs whose SD is at most σ0 (n = 1 included): the
 * z-test with known SD σ0, SE = σ0 / sqrt(n), interval exp(meanLog ± z SE), p = 2 Φ(−|t|)
 * with t = meanLog / SE (the one-sample z-test; e.g. Casella & Berger, "Statistical
 * Inference", 2nd ed. 2002, §8.3.3). One pair of instruction counts then decides.
 * With n >= 3 pairs that spread more than σ0 but all except one within it (SD <= σ0 of
 * the n − 1 after setting aside the pair farthest from their median), that one clearly
 * apart (its log ratio SET_ASIDE_GAP σ0 or more from the others' mean, and at most
 * SET_ASIDE_MAX_GAP σ0): that pair is set aside (`setAside`) and the z-test applies to
 * the others. A count is near-deterministic but can, rarely, land in one process on a
 * level a fixed amount off (docs/DESIGN.md, "Instruction counts"); two or more pairs that
 * agree outvote it, where the t-test would call the metric noisy. A pair nearer the others
 * is noise, not a level (which pair is "farthest" would then follow the order of the
 * pairs); one much farther is no rare level but a different program run; two pairs off
 * the others' level: in each case the chosen test, as above.
 *
 * Throws a RangeError when lengths differ, a value is not a finite number > 0, or the
 * confidence is not in (0, 1).
 */
export function comparePaired(
  base: readonly number[],
  head: readonly number[],
  options: PairedOptions = {}
): PairedComparison {
  const confidence = options.confidence ?? CONFIDENCE_LEVEL
  assertLevel('confidence', confidence)
  const method = options.method ?? 't'
  const d = logRatios(base, head)
  const n = d.length
  const meanLog = n === 0 ? NaN : d.reduce((sum, x) => sum + x, 0) / n
  // Two-pass variance: no cancellation when the mean is large relative to the spread.
  const rawSd = Math.sqrt(d.reduce((sum, x) => sum + (x - meanLog) ** 2, 0) / (n - 1))
  // A spread no larger than the rounding error of the logarithms is zero: [1, 2, 4] against
  // [2, 4, 8] must count as "every pair has the same ratio".
  const logMagnitude = base.reduce(
    (max, b, i) => Math.max(max, Math.abs(Math.log(b)) + Math.abs(Math.log(head[i] as number))),
    0
  )
  const roundingLevel = 8 * Number.EPSILON * logMagnitude
  const sdLog = n < 2 ? NaN : rawSd <= roundingLevel ? 0 : rawSd
  const ratio = Math.exp(meanLog)
  const common = { n, method, ratio, meanLog, sdLog, confidence }

  const floor = options.noiseFloor
  if (floor !== undefined && floor > 0 && n >= 3 && sdLog > floor) {
    // The candidate: the pair farthest from the median; the others compared without it.
    const center = median(d)
    const aside = d.reduce(
      (far, x, i) => (Math.abs(x - center) > Math.abs(d[far]! - center) ? i : far),
      0
    )
    const rest = (xs: readonly number[]) => xs.filter((_, i) => i !== aside)
    const others = comparePaired(rest(base), rest(head), options)
    const gap = Math.abs(d[aside]! - others.meanLog) / floor
    // The others must agree as they are: not after setting aside one of their own.
    const agree = others.setAside === undefined && !(others.sdLog > floor)
    if (agree && gap >= SET_ASIDE_GAP && gap <= SET_ASIDE_MAX_GAP) {
      return { ...others, setAside: { index: aside, ratio: Math.exp(d[aside]!) } }
    }
  }
  if (floor !== undefined && floor > 0 && n >= 1 && !(sdLog > floor)) {
    const standardError = floor / Math.sqrt(n)
    const halfWidth = normalQuantile(1 - (1 - confidence) / 2) * standardError
    const z = meanLog / standardError
    return {
      ...common,
      ciLow: Math.exp(meanLog - halfWidth),
      ciHigh: Math.exp(meanLog + halfWidth),
      pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))),
      t: z,
      exact: true
    }
  }

  if (n < 2) {
    return { ...common, ciLow: 0, ciHigh: Infinity, pValue: 1, t: NaN, exact: true }
  }

  let t = NaN
  let ciLow = ratio
  let ciHigh = ratio
  let tPValue = meanLog === 0 ? 1 : 0
  if (sdLog > 0) {
    const standardError = sdLog / Math.sqrt(n)
    t = meanLog / standardError
    tPValue = Math.min(1, 2 * studentTCdf(-Math.abs(t), n - 1))
    const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * standardError
    ciLow = Math.exp(meanLog - halfWidth)
    ciHigh = Math.exp(meanLog + halfWidth)
  }

  if (method === 't') return { ...common, ciLow, ciHigh, pValue: tPValue, t, exact: true }
  if (method === 'trimmed') {
    const trimmed = trimmedMeanTest(d, { confidence, zeroSpread: roundingLevel })
    const screened = screenedTTest(d, { zeroSpread: roundingLevel })
    return {
      ...common,
      ratio: Math.exp(trimmed.estimate),
      ciLow: Math.exp(trimmed.low),
      ciHigh: Math.exp(trimmed.high),
      pValue: screened.pValue,
      t: trimmed.t,
      exact: true
    }
  }
  const flip = signFlipTest(d, options)
  return { ...common, ciLow, ciHigh, pValue: flip.pValue, t, exact: flip.exact }
}

/** Result of {@link signFlipTest}. */
export interface SignFlipResult {
  pValue: number
  /** True when all 2^n sign patterns were enumerated. */
  exact: boolean
}

/**
 * Two-sided sign-flip randomization test of "the d_i are symmetric about 0" (Fisher, The
 * Design of Experiments, 1935, ch. III on Darwin's paired Zea mays data; Good,
 * Permutation, Parametric and Bootstrap Tests of Hypotheses, 3rd ed., 2005). Statistic |sum d_i|; since sum d_i^2 is invariant
 * under sign flips this orders the flips exactly as |t| does, so it is the randomization
 * version of the paired t-test. p = share of the 2^n flips with |sum s_i d_i| >= |sum d_i|,
 * sums within 1e-12 * sum |d_i| of the observed one counting as ties (rounding must not
 * decide a tie).
 *
 * n <= `exactLimit` (default 24): exact, enumerating the 2^n sums by meet-in-the-middle
 * (all sums of each half, one half sorted, binary search), O(2^(n/2) n). Larger n: Monte
 * Carlo with `resamples` random flips (default 20000) and p = (1 + hits) / (1 + resamples),
 * which keeps the test valid (Phipson & Smyth, "Permutation p-values should never be zero",
 * Stat. Appl. Genet. Mol. Biol. 9(1), 2010). Smallest attainable exact p: 2 / 2^n.
 */
export function signFlipTest(
  differences: readonly number[],
  options: Pick<PairedOptions, 'random' | 'resamples' | 'exactLimit'> = {}
): SignFlipResult {
  assertFiniteValues('differences', differences)
  const n = differences.length
  const scale = differences.reduce((sum, x) => sum + Math.abs(x), 0)
  if (n === 0 || scale === 0) return { pValue: 1, exact: true }
  const exactLimit = options.exactLimit ?? DEFAULT_SIGN_FLIP_EXACT_LIMIT
  const tolerance = 1e-12 * scale
  if (n <= exactLimit) return { pValue: exactSignFlipPValue(differences, tolerance), exact: true }

  const resamples = options.resamples ?? DEFAULT_SIGN_FLIP_RESAMPLES
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`)
  }
  const random = options.random ?? createRandom(DEFAULT_SIGN_FLIP_SEED)
  const threshold = Math.abs(differences.reduce((sum, x) => sum + x, 0)) - tolerance
  let hits = 0
  for (let r = 0; r < resamples; r++) {
    let sum = 0
    let bits = 0
    for (let i = 0; i < n; i++) {
      if (i % 32 === 0) bits = random.int(4294967296)
      sum += bits & 1 ? (differences[i] as number) : -(differences[i] as number)
      bits >>>= 1
    }
    if (Math.abs(sum) >= threshold) hits++
  }
  return { pValue: (1 + hits) / (1 + resamples), exact: false }
}

/** All 2^k sums of +/- values[i]. */
function signedSums(values: readonly number[]): Float64Array {
  const sums = new Float64Array(2 ** values.length)
  let size = 1
  for (const value of values) {
    for (let j = 0; j < size; j++) {
      const sum = sums[j] as number
      sums[j] = sum + value
      sums[j + size] = sum - value
    }
    size *= 2
  }
  return sums
}

/** Number of elements < target (`strict`) or <= target in an ascending array. */
function countBelow(sorted: Float64Array, target: number, strict: boolean): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const value = sorted[mid] as number
    if (value < target || (!strict && value === target)) lo = mid + 1
    else hi = mid
  }
  return lo
}

function exactSignFlipPValue(d: readonly number[], tolerance: number): number {
  const half = Math.floor(d.length / 2)
  const left = signedSums(d.slice(0, half))
  const right = signedSums(d.slice(half))
  // Index 0 of each half is the all-plus pattern: the observed sum, computed the same way.
  const threshold = Math.abs((left[0] as number) + (right[0] as number)) - tolerance
  if (threshold <= 0) return 1
  right.sort()
  let count = 0
  for (const l of left) {
    // l + r >= threshold, or l + r <= -threshold (disjoint because threshold > 0)
    count += right.length - countBelow(right, threshold - l, true)
    count += countBelow(right, -threshold - l, false)
  }
  return count / 2 ** d.length
}
