/**
 * The sequential rule of same-runner A/B sampling, in one place: the A/B scheduler asks
 * {@link decidedAtLook} at each planned look whether it may stop, the comparison reports
 * {@link sequentialP}. Both spend the overall alpha over the K planned looks with the equal
 * split of {@link lookAlphas} (alpha / K at each look, Bonferroni across looks), so a
 * benchmark stopped as decided is reported decided:
 *
 * - significant at a look: p_k < alpha / (K × m), m the gated tests of the run. The
 *   reported p is min_k p_k × K < alpha / m, and Holm over m tests multiplies it by at
 *   most m, so it stays below alpha. The estimate is the same data's, so it is past the
 *   threshold in the report too.
 * - equivalent at a look: the 1 − alpha/K interval lies inside ±threshold. The report's
 *   interval, at CONFIDENCE_LEVEL, is no wider while alpha/K ≤ 1 − CONFIDENCE_LEVEL, which
 *   holds for the default alpha 0.05 at any K.
 *
 * Stopping on a weaker rule would end runs "inconclusive" that more pairs would have
 * decided; Holm (step-down) and Bonferroni across looks never adjust by more than m and K.
 */
import { CONFIDENCE_LEVEL } from './confidence.js'
import { studentTCdf, studentTQuantile } from './distributions.js'
import { lookAlphas } from './multiple.js'
import { comparePaired, logRatios, type PairedMethod } from './paired.js'
import { screenDifferences, trimmedDf, trimmedMeanTest } from './trimmed.js'

/** What the rule needs to know about a run. */
export interface LookRule {
  /** Overall significance level of the run, in (0, 1). */
  readonly alpha: number
  /** Practical threshold as a fraction, e.g. 0.05 for ±5 %. */
  readonly threshold: number
  /** The paired test giving the p-value. */
  readonly test: PairedMethod
  /** Planned looks K, the last one included. */
  readonly plannedLooks: number
  /** Gated tests in the whole run: Holm's family m. */
  readonly familySize: number
  /** A near-deterministic metric's known spread (PairedOptions.noiseFloor): one pair may decide. */
  readonly noiseFloor?: number
}

/** The significance level of one look: alpha / K (the 'equal' split of lookAlphas). */
export function lookAlpha(alpha: number, plannedLooks: number): number {
  return lookAlphas(alpha, Math.max(1, plannedLooks))[0]!
}

/** Pairs a test needs: 2 for a spread, 1 when the spread is known (a noise floor). */
export function minPairs(noiseFloor: number | undefined): number {
  return noiseFloor === undefined ? 2 : 1
}

function allPositive(xs: readonly number[]): boolean {
  return xs.every((x) => Number.isFinite(x) && x > 0)
}

/**
 * The sequential p-value of a paired metric: the smallest p over the looks taken, times
 * the number of planned looks (Bonferroni across looks: p × K < alpha exactly when
 * p < lookAlpha(alpha, K) at some look). It stays valid however the sampling stopped. A
 * run that ended between looks (time cap, error) counts its last pair count as the look
 * it reached.
 */
export function sequentialP(
  base: readonly number[],
  head: readonly number[],
  lookSizes: readonly number[],
  test: PairedMethod,
  noiseFloor?: number
): number {
  const n = Math.min(base.length, head.length)
  const sizes = lookSizes.filter((size) => size <= n)
  if (sizes[sizes.length - 1] !== n) sizes.push(n)
  let smallest = 1
  for (const size of sizes) {
    // Two pairs at least, also for a near-deterministic metric, whose change needs two
    // (decidedAtLook): one pair's p is no evidence of one.
    if (size < 2) continue
    const { pValue } = comparePaired(base.slice(0, size), head.slice(0, size), {
      method: test,
      ...(noiseFloor === undefined ? {} : { noiseFloor })
    })
    if (Number.isFinite(pValue)) smallest = Math.min(smallest, pValue)
  }
  return Math.min(1, smallest * Math.max(1, lookSizes.length))
}

/**
 * True when one metric's pairs so far decide it at a planned look: significant past the
 * threshold at level alpha / (K × m), or equivalent (its interval at level 1 − alpha/K
 * inside ±threshold). False with fewer than 2 pairs (1 with a noise floor, and then only
 * equivalence: a change needs a second pair) or any value that is not a finite number
 * above zero (such a metric cannot be compared as ratios).
 */
export function decidedAtLook(
  base: readonly number[],
  head: readonly number[],
  rule: LookRule
): boolean {
  if (!allPositive(base) || !allPositive(head) || base.length < minPairs(rule.noiseFloor)) {
    return false
  }
  const level = lookAlpha(rule.alpha, rule.plannedLooks)
  const significanceAlpha = level / Math.max(1, rule.familySize)
  const upper = 1 + rule.threshold
  const result = comparePaired(base, head, {
    method: rule.test,
    confidence: 1 - level,
    ...(rule.noiseFloor === undefined ? {} : { noiseFloor: rule.noiseFloor })
  })
  const outside = result.ratio >= upper || result.ratio <= 1 / upper
  // A near-deterministic metric's change is confirmed by a second pair before it stops:
  // a count can still land, rarely and in one process, on a level a fixed amount higher
  // (docs/DESIGN.md, "Instruction counts"), which one pair cannot tell from a change.
  const confirmed = rule.noiseFloor === undefined || base.length >= 2
  if (result.pValue < significanceAlpha && outside && confirmed) return true
  return result.ciLow > 1 / upper && result.ciHigh < upper
}

/** Degrees of freedom of the look's interval at n pairs: trimmed t n − 2g − 1, else n − 1. */
function intervalDf(test: PairedMethod, n: number): number {
  return test === 'trimmed' ? trimmedDf(n) : n - 1
}

function meanAndSe(values: readonly number[]): { mean: number; se: number } {
  const k = values.length
  const mean = values.reduce((sum, x) => sum + x, 0) / k
  const sd = Math.sqrt(values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (k - 1))
  return { mean, se: sd / Math.sqrt(k) }
}

/**
 * The chance that the pairs still to come decide a metric at the last planned look (of N =
 * `capPairs` pairs): the predictive probability, given the n pairs so far, that the last
 * look's estimate is significant past the threshold or its interval inside ±threshold.
 *
 * The estimate e is the test's own centre (the trimmed mean of the log ratios for
 * 'trimmed', their mean otherwise). Its standard error s is that of the pairs the test's
 * p-value rests on: for 'trimmed' the pairs its screened t-test keeps (k of n, the mean's
 * standard error on k − 1 degrees of freedom), so a few pairs a busy machine slowed as a
 * whole do not make a metric the last look would decide look hopeless at an early one
 * (simulated in docs/PERFORMANCE.md, "Stopping early for futility"); for 't' and
 * 'sign-flip' all n pairs. The trimmed interval of the last look is usually a little wider
 * than this spread makes it, so the chance of "unchanged" is, if anything, overstated: the
 * error is on the side of not stopping.
 *
 * With f = n / N, the last look's estimate f e + (1 − f) F, F the mean of the N − n pairs
 * to come, is predicted as e + s √(1 − f) T_df (df = k − 1): with the true effect's
 * flat-prior posterior N(e, s²) and F's sampling variance s² n / (N − n), its variance is
 * (1 − f)² (s² + s² n / (N − n)) = s² (1 − f) (Spiegelhalter, Freedman & Blackburn,
 * "Monitoring clinical trials: conditional or predictive power?", Controlled Clinical
 * Trials 7 (1986)); the Student t in place of the normal carries the doubt about s itself.
 * The last look, with standard error s √f, decides when
 *   |estimate| ≥ max(T, q_sig s √f)   significant at alpha / (K × m) and past T, or
 *   |estimate| ≤ T − q_eq s √f        "unchanged": the report's CONFIDENCE_LEVEL interval
 *                                     inside ±T,
 * T = log(1 + threshold), q_sig on the test's degrees of freedom at N pairs (k/n of them
 * kept by the screen, less one), q_eq on the interval's (N − 2g − 1 for 'trimmed'). Earlier
 * looks decide less often than the last and are left out.
 *
 * NaN when the chance cannot be told: fewer than 2 pairs (or kept pairs), values that are
 * not ratios, or no pairs left to come; and for a near-deterministic metric (a noise floor)
 * before 3 pairs: two that disagree are a count off its level or a spread, which only a
 * third pair can tell apart (comparePaired sets such a pair aside).
 */
export function chanceToDecide(
  base: readonly number[],
  head: readonly number[],
  rule: LookRule,
  capPairs: number
): number {
  if (!allPositive(base) || !allPositive(head) || base.length < 2) return NaN
  if (rule.noiseFloor !== undefined && base.length < 3) return NaN
  const d = logRatios(base, head)
  const n = d.length
  if (capPairs <= n) return NaN
  const tested = rule.test === 'trimmed' ? screenDifferences(d) : d
  const k = tested.length
  if (k < 2) return NaN
  const { mean, se } = meanAndSe(tested)
  const estimate =
    rule.test === 'trimmed' ? trimmedMeanTest(d, { confidence: CONFIDENCE_LEVEL }).estimate : mean
  const f = n / capPairs
  const finalSe = se * Math.sqrt(f)
  const spread = se * Math.sqrt(1 - f)
  const level = lookAlpha(rule.alpha, rule.plannedLooks) / Math.max(1, rule.familySize)
  const testDf = Math.max(1, Math.round((capPairs * k) / n) - 1)
  const qSignificant = studentTQuantile(1 - level / 2, testDf)
  const qEquivalent = studentTQuantile(
    1 - (1 - CONFIDENCE_LEVEL) / 2,
    intervalDf(rule.test, capPairs)
  )
  const band = Math.log(1 + rule.threshold)
  // P(|X| < a) for the predicted estimate X; a point mass at e when s is 0.
  const within = (a: number) => {
    if (a <= 0) return 0
    if (!(spread > 0)) return Math.abs(estimate) < a ? 1 : 0
    return (
      studentTCdf((a - estimate) / spread, k - 1) - studentTCdf((-a - estimate) / spread, k - 1)
    )
  }
  const unchanged = within(band - qEquivalent * finalSe)
  const change = 1 - within(Math.max(band, qSignificant * finalSe))
  return Math.min(1, Math.max(0, unchanged + change))
}
