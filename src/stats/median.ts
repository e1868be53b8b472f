/**
 * Distribution-free confidence interval for a median from order statistics: the interval
 * [x_(l), x_(n+1-l)] covers the population median with probability
 * 1 - 2 P(Bin(n, 1/2) <= l - 1), whatever the distribution (Conover, "Practical
 * Nonparametric Statistics", 3rd ed., 1999, §3.2; Hahn & Meeker, "Statistical Intervals",
 * 1991, §5.2). Budgets are judged on a median of trials and shown with this interval.
 */

import { CONFIDENCE_LEVEL } from './confidence.js'
import { quantileSorted } from './quantile.js'

export interface MedianInterval {
  readonly median: number
  readonly low: number
  readonly high: number
  /** The interval's actual coverage (order statistics give discrete levels). */
  readonly coverage: number
}

/** P(Bin(n, 1/2) <= k), exact. */
function binomialHalfCdf(n: number, k: number): number {
  let term = Math.pow(0.5, n) // C(n, 0) / 2^n
  let sum = term
  for (let i = 1; i <= k; i++) {
    term *= (n - i + 1) / i
    sum += term
  }
  return Math.min(1, sum)
}

/**
 * Median of `values` with the narrowest order-statistic interval whose coverage is at
 * least `confidence`; with too few values for that level, the range [min, max] and its
 * (lower) actual coverage.
 */
export function medianInterval(
  values: readonly number[],
  confidence = CONFIDENCE_LEVEL
): MedianInterval {
  if (values.length === 0) throw new RangeError('medianInterval needs at least one value')
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  const median = quantileSorted(sorted, 0.5)
  // Largest l (1-based) with 2 P(Bin <= l - 1) <= 1 - confidence.
  let l = 1
  while (l + 1 <= (n + 1) / 2 && 2 * binomialHalfCdf(n, l) <= 1 - confidence) l++
  return {
    median,
    low: sorted[l - 1]!,
    high: sorted[n - l]!,
    coverage: 1 - 2 * binomialHalfCdf(n, l - 1)
  }
}
