/**
 * The verdict of one comparison, statistical and practical at once (docs/DESIGN.md,
 * "Verdicts").
 */

/** What a comparison says about head against base. */
export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive'

/** What {@link classify} needs to know about one comparison. */
export interface VerdictInput {
  /** Estimated ratio head / base (geometric-mean or Hodges-Lehmann ratio). */
  ratio: number
  /** Confidence interval of the ratio. */
  ciLow: number
  ciHigh: number
  /** p-value after the multiplicity adjustment (Holm). */
  pAdjusted: number
  /** Significance level, in (0, 1). */
  alpha: number
  /** Practical threshold as a fraction, e.g. 0.05 for 5 %. */
  threshold: number
  /** True for throughput-like metrics (rps, ops/s), false for times and sizes. */
  higherIsBetter: boolean
}

/**
 * Classifies a comparison, in this order:
 * - regression: pAdjusted < alpha AND the estimate is at least `threshold` worse;
 * - improvement: pAdjusted < alpha AND the estimate is at least `threshold` better;
 * - unchanged: the whole interval lies strictly inside the equivalence band;
 * - inconclusive: anything else (too noisy or too few trials to say), also for NaN input.
 *
 * "At least `threshold` worse" is symmetric on the log scale, the scale of the estimate:
 * the band is [1 / (1 + threshold), 1 + threshold]. A time metric regresses at
 * ratio >= 1 + threshold and improves at ratio <= 1 / (1 + threshold); a throughput
 * metric the other way round. So a 5 % slowdown, ratio 1.05 in time, is exactly ratio
 * 1 / 1.05 in throughput and both trip a 5 % threshold (1 - threshold would not be the
 * mirror image). Significance and practical size are both required (the "statistical and
 * practical" rule; cf. Lakens, "Equivalence tests", Soc. Psychol. Personal. Sci. 8 (2017)
 * 355-362, for the two one-sided ideas behind "unchanged").
 */
export function classify(input: VerdictInput): Verdict {
  const { ratio, ciLow, ciHigh, pAdjusted, alpha, threshold, higherIsBetter } = input
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`)
  if (!(threshold >= 0 && Number.isFinite(threshold))) {
    throw new RangeError(`threshold must be a finite fraction >= 0, got ${threshold}`)
  }
  const upper = 1 + threshold
  const lower = 1 / upper
  const significant = pAdjusted < alpha
  const up = ratio >= upper // head at least `threshold` above base
  const down = ratio <= lower // head at least `threshold` below base
  if (significant && (higherIsBetter ? down : up)) return 'regression'
  if (significant && (higherIsBetter ? up : down)) return 'improvement'
  if (ciLow > lower && ciHigh < upper) return 'unchanged'
  return 'inconclusive'
}
