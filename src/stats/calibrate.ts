/**
 * What an A/A run says about a machine (pure): the noise of paired log ratios, the
 * smallest change the A/B rule flags with 80 % power, and the pairs and threshold that
 * would let it decide. `perfgate calibrate` prints these.
 *
 * Power of the paired test on log ratios with standard deviation σ over n pairs, at a
 * two-sided level α' (the per-look, per-test level of the sequential rule: α / (K × m),
 * K planned looks, m gated tests in Holm's family): a true log-effect δ is significant with
 * probability ≈ P(T_{n−1} + δ√n/σ > t_{1−α'/2, n−1}), so power 1 − β needs
 *   δ ≥ (t_{1−α'/2, n−1} + t_{1−β, n−1}) σ / √n
 * (the t form of the normal-approximation sample size; Chow, Shao & Wang, "Sample Size
 * Calculations in Clinical Research", 2nd ed. 2008, §3.2.1, paired one-sample design).
 * perfgate also asks the estimate to be past the threshold T (log(1 + threshold)): with
 * significance reached at an estimate of t_{1−α'/2} σ/√n, the two together hold with
 * probability ≈ Φ((δ − max(T, t_{1−α'/2} σ/√n)) √n / σ), so the smallest change flagged at
 * power 1 − β is max(T, t_{1−α'/2} σ/√n) + t_{1−β} σ/√n.
 * "Unchanged" early needs the 1 − α/K interval inside ±T; for a true null that holds with
 * probability 1 − β once (t_{1−α/(2K)} + t_{1−β/2}) σ/√n ≤ T (two one-sided tests at zero
 * effect, the same book §3.2.3).
 */
import { median } from './quantile.js'
import { studentTQuantile } from './distributions.js'

/** The power calibrate reports figures at. */
export const CALIBRATION_POWER = 0.8
/** 1.4826 × MAD estimates σ of a normal distribution (Rousseeuw & Croux, JASA 88 (1993)). */
const MAD_SCALE = 1.4826

export interface PairNoise {
  /** Pairs with both values finite and above zero. */
  readonly n: number
  /** Mean of the log ratios log(head / base). */
  readonly meanLog: number
  /** Sample standard deviation (n − 1) of the log ratios: the t-test's σ. */
  readonly sdLog: number
  /** 1.4826 × median absolute deviation of the log ratios: σ with disturbed pairs set aside. */
  readonly robustSdLog: number
}

/** The noise of paired values (base[i] with head[i]); pairs that are not ratios are skipped. */
export function pairNoise(base: readonly number[], head: readonly number[]): PairNoise {
  const logs: number[] = []
  for (let i = 0; i < Math.min(base.length, head.length); i++) {
    const b = base[i]!
    const h = head[i]!
    if (Number.isFinite(b) && Number.isFinite(h) && b > 0 && h > 0) logs.push(Math.log(h / b))
  }
  const n = logs.length
  if (n < 2) return { n, meanLog: n ? logs[0]! : NaN, sdLog: NaN, robustSdLog: NaN }
  const mean = logs.reduce((s, x) => s + x, 0) / n
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1))
  const center = median(logs)
  const mad = median(logs.map((x) => Math.abs(x - center)))
  return { n, meanLog: mean, sdLog: sd, robustSdLog: MAD_SCALE * mad }
}

/** The rule a calibration plans for: the A/B defaults of a benchmark. */
export interface CalibrationRule {
  /** Overall significance level. */
  readonly alpha: number
  /** Practical threshold as a fraction (0.04 for ±4 %). */
  readonly threshold: number
  /** Planned looks K. */
  readonly looks: number
  /** Gated tests in the run (Holm's family m). */
  readonly familySize: number
}

function checkSd(sd: number): void {
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`σ must be finite and ≥ 0: ${sd}`)
}

/** t_{1−α'/2} + t_{power} with df n − 1: the multiple of σ/√n a detectable effect needs. */
function sigmaMultiple(alphaTwoSided: number, power: number, n: number): number {
  return studentTQuantile(1 - alphaTwoSided / 2, n - 1) + studentTQuantile(power, n - 1)
}

/** The per-look, per-test level of the sequential rule: α / (K × m). */
export function testLevel(rule: Omit<CalibrationRule, 'threshold'>): number {
  return rule.alpha / (Math.max(1, rule.looks) * Math.max(1, rule.familySize))
}

/**
 * The smallest log-effect the paired test finds significant with probability `power` over
 * n pairs at a two-sided level `alpha` (significance only, threshold aside).
 */
export function detectableLogEffect(
  sdLog: number,
  n: number,
  alpha: number,
  power = CALIBRATION_POWER
): number {
  checkSd(sdLog)
  if (n < 2) return Infinity
  return (sigmaMultiple(alpha, power, n) * sdLog) / Math.sqrt(n)
}

/**
 * The smallest change (as a fraction, 0.07 = +7 %) the A/B rule flags as a regression with
 * probability `power` at n pairs: significant at α / (K × m) and past the threshold.
 */
export function detectableChange(
  sdLog: number,
  n: number,
  rule: CalibrationRule,
  power = CALIBRATION_POWER
): number {
  checkSd(sdLog)
  if (n < 2) return Infinity
  const se = sdLog / Math.sqrt(n)
  const significantAt = studentTQuantile(1 - testLevel(rule) / 2, n - 1) * se
  const edge = Math.max(Math.log(1 + rule.threshold), significantAt)
  return Math.exp(edge + studentTQuantile(power, n - 1) * se) - 1
}

/** The largest pair count the searches below look at. */
const MAX_CALIBRATION_PAIRS = 10_000

/** Smallest n ≥ 2 with f(n) true (f monotone), or undefined past MAX_CALIBRATION_PAIRS. */
function smallestPairs(ok: (n: number) => boolean): number | undefined {
  if (ok(2)) return 2
  if (!ok(MAX_CALIBRATION_PAIRS)) return undefined
  let low = 2
  let high = MAX_CALIBRATION_PAIRS
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (ok(mid)) high = mid
    else low = mid
  }
  return high
}

/**
 * Pairs for the A/B rule to decide at the threshold: the test sees down to the threshold
 * (t_{1−α'/2} σ/√n ≤ T, so a change past it at that size is significant) and a true null is
 * shown "unchanged" at a look with probability `power` ((t_{1−α/(2K)} + t_{1−β/2}) σ/√n ≤ T).
 * undefined when over MAX_CALIBRATION_PAIRS would be needed.
 */
export function pairsToDecide(
  sdLog: number,
  rule: CalibrationRule,
  power = CALIBRATION_POWER
): number | undefined {
  checkSd(sdLog)
  const band = Math.log(1 + rule.threshold)
  const level = testLevel(rule)
  const lookLevel = rule.alpha / Math.max(1, rule.looks)
  return smallestPairs((n) => {
    const se = sdLog / Math.sqrt(n)
    const sees = studentTQuantile(1 - level / 2, n - 1) * se <= band
    const equivalent =
      (studentTQuantile(1 - lookLevel / 2, n - 1) + studentTQuantile(1 - (1 - power) / 2, n - 1)) *
        se <=
      band
    return sees && equivalent
  })
}

/**
 * The smallest threshold, in whole percent, the rule can decide at within n pairs (the
 * threshold at which pairsToDecide is n or fewer); undefined when n < 2.
 */
export function thresholdFor(
  sdLog: number,
  n: number,
  rule: Omit<CalibrationRule, 'threshold'>,
  power = CALIBRATION_POWER
): number | undefined {
  checkSd(sdLog)
  if (n < 2) return undefined
  const se = sdLog / Math.sqrt(n)
  const level = testLevel(rule)
  const lookLevel = rule.alpha / Math.max(1, rule.looks)
  const band = Math.max(
    studentTQuantile(1 - level / 2, n - 1) * se,
    (studentTQuantile(1 - lookLevel / 2, n - 1) + studentTQuantile(1 - (1 - power) / 2, n - 1)) * se
  )
  // Whole percent, rounded up; a tiny epsilon keeps exact values (e.g. 4 %) from rounding up.
  return Math.max(1, Math.ceil((Math.exp(band) - 1) * 100 - 1e-9)) / 100
}
