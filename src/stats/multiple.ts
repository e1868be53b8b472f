/**
 * Error control across many tests in one run (Holm; docs/DESIGN.md, "Holm over the run")
 * and across the planned looks of adaptive sampling (docs/DESIGN.md, "Planned looks").
 */

import { assertLevel } from './checks.js'
import { normalCdf, normalQuantile } from './distributions.js'

/**
 * Holm step-down adjusted p-values (Holm, "A simple sequentially rejective multiple test
 * procedure", Scand. J. Statist. 6 (1979) 65-70), in the input order: with the m p-values
 * sorted ascending, adjusted p_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)). Rejecting
 * where adjusted p < alpha controls the family-wise error rate at alpha under any
 * dependence. Same values as R's `p.adjust(p, "holm")`; NaN entries stay NaN and do not
 * count towards m (as R does with NA).
 */
export function holm(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => {
    if (!Number.isNaN(p) && !(p >= 0 && p <= 1)) {
      throw new RangeError(`pValues[${i}] must be in [0, 1] or NaN, got ${p}`)
    }
  })
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !Number.isNaN(p))
    .sort((a, b) => a.p - b.p)
  const m = order.length
  const adjusted = pValues.map(() => NaN)
  let running = 0
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p))
    adjusted[i] = running
  })
  return adjusted
}

/**
 * How the overall alpha is spent over the looks:
 * - 'equal': alpha / K at each of K looks (Pocock-like: every look equally able to stop).
 * - 'pocock': Lan-DeMets Pocock-type spending alpha(t) = alpha ln(1 + (e - 1) t).
 * - 'obrien-fleming': Lan-DeMets O'Brien-Fleming-type spending
 *   alpha(t) = 2 - 2 Phi(z_{1 - alpha/2} / sqrt t): almost nothing early, most at the end.
 */
export type AlphaSpending = 'equal' | 'pocock' | 'obrien-fleming'

/**
 * Nominal significance levels for planned looks of a sequential test. Look k gets the
 * increment alpha(t_k) - alpha(t_{k-1}) of a spending function alpha(t) (Lan & DeMets,
 * "Discrete sequential boundaries for clinical trials", Biometrika 70 (1983) 659-663),
 * with t_k the information fraction of the look.
 *
 * The increments are used directly as per-look levels, without the recursive numerical
 * integration that would exploit the correlation between looks. They sum to alpha, so by
 * the Bonferroni inequality the probability of any false rejection over all looks is at
 * most alpha whatever the dependence: conservative by construction (a little power lost,
 * no error-rate risk). A confidence interval used to stop at look k should likewise have
 * level 1 - alpha_k.
 *
 * Default 'equal': perfgate's looks are few (e.g. at 10/20/30 pairs), and an equal split
 * keeps the first look usable, e.g. by the exact sign-flip test whose smallest p at 10
 * pairs is 2/1024 = 0.002 (O'Brien-Fleming spending gives that look about 0.0007 of 0.05).
 *
 * @param alpha overall level, in (0, 1)
 * @param looks the number of equally spaced looks K, or the planned sample sizes at the
 *   looks in increasing order (e.g. [10, 20, 30]), whose ratios to the last one are the
 *   information fractions (spending 'equal' only uses their count)
 */
export function lookAlphas(
  alpha: number,
  looks: number | readonly number[],
  spending: AlphaSpending = 'equal'
): number[] {
  assertLevel('alpha', alpha)
  const fractions = informationFractions(looks)
  if (spending === 'equal') return fractions.map(() => alpha / fractions.length)
  const spend =
    spending === 'pocock'
      ? (t: number) => alpha * Math.log(1 + (Math.E - 1) * t)
      : (t: number) => 2 * normalCdf(-normalQuantile(1 - alpha / 2) / Math.sqrt(t))
  const cumulative = fractions.map((t, k) => (k === fractions.length - 1 ? alpha : spend(t)))
  return cumulative.map((value, k) => {
    const increment = value - (k === 0 ? 0 : (cumulative[k - 1] as number))
    // Rounding must not push the total above alpha.
    return Math.max(0, increment * (1 - 4 * Number.EPSILON))
  })
}

function informationFractions(looks: number | readonly number[]): number[] {
  if (typeof looks === 'number') {
    if (!Number.isInteger(looks) || looks < 1) {
      throw new RangeError(`looks must be a positive integer, got ${looks}`)
    }
    return Array.from({ length: looks }, (_, k) => (k + 1) / looks)
  }
  if (looks.length === 0) throw new RangeError('looks must not be empty')
  looks.forEach((size, k) => {
    const previous = k === 0 ? 0 : (looks[k - 1] as number)
    if (!(Number.isFinite(size) && size > previous)) {
      throw new RangeError(`looks must be increasing positive sizes, got ${looks.join(', ')}`)
    }
  })
  const last = looks[looks.length - 1] as number
  return looks.map((size) => size / last)
}
