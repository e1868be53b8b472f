/**
 * Special functions and distributions: log-gamma, log-beta, the regularized incomplete beta
 * function, erf/erfc, and the standard normal and Student t CDFs and quantiles.
 *
 * Written here rather than taken from simple-statistics because its normal CDF is a
 * 4-decimal table (no p-value below ~0.001) and it has no t distribution. Accuracy, checked
 * against scipy and mpmath in __tests__/stats-distributions.test.ts: relative error about
 * 1e-13 or better for the normal and t CDFs (t for df up to ~5000), far tails included
 * (p-values of 1e-300 keep their digits); the t CDF slowly loses digits for huge df (3.7e-11
 * at df = 1e6, where x = df / (df + t^2) is so close to 1 that the continued fraction
 * cancels). The quantiles invert the CDFs to that accuracy.
 */

// Module-level aliases: the numeric loops make no global lookups, which are slow inside
// vm contexts (jest runs every test file in one).
const { abs, ceil, exp, log, log1p, max, min, sqrt, tan, trunc } = Math
const numberIsNaN = Number.isNaN

const LN_SQRT_2PI = 0.9189385332046728 // ln(sqrt(2 pi))
const SQRT_PI = 1.772453850905516 // sqrt(pi)
const SQRT_2PI = 2.5066282746310007 // sqrt(2 pi)
const EPSILON = Number.EPSILON

/**
 * Stirling-series remainder delta(x) = lnGamma(x) - [(x - 1/2) ln x - x + ln sqrt(2 pi)],
 * for x >= 10, from the asymptotic series with Bernoulli numbers B_2k / (2k (2k-1) x^(2k-1))
 * (Abramowitz & Stegun, Handbook of Mathematical Functions, 6.1.40). Eight terms give
 * full double precision at x = 10 (the ninth is below 2e-18).
 */
function stirlingRemainder(x: number): number {
  const inv = 1 / x
  const inv2 = inv * inv
  return (
    inv *
    (1 / 12 +
      inv2 *
        (-1 / 360 +
          inv2 *
            (1 / 1260 +
              inv2 *
                (-1 / 1680 +
                  inv2 *
                    (1 / 1188 +
                      inv2 * (-691 / 360360 + inv2 * (1 / 156 + inv2 * (-3617 / 122400))))))))
  )
}

/**
 * ln Gamma(x) for x > 0. For x >= 10 Stirling's series with its remainder
 * (A&S 6.1.40); below, the recurrence Gamma(x) = Gamma(x + k) / (x (x+1) ... (x+k-1))
 * (A&S 6.1.15) lifts the argument to >= 10. Absolute error about 1e-14.
 */
export function logGamma(x: number): number {
  if (numberIsNaN(x) || x <= 0) return NaN
  if (x === Infinity) return Infinity
  if (x >= 10) return (x - 0.5) * log(x) - x + LN_SQRT_2PI + stirlingRemainder(x)
  let product = 1
  let shifted = x
  while (shifted < 10) {
    product *= shifted
    shifted += 1
  }
  return logGamma(shifted) - log(product)
}

/**
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b), for a, b > 0. When an argument
 * is large the Stirling terms are combined algebraically before rounding (the approach of
 * R's `lbeta`, src/nmath/lbeta.c), so ln B(a, 1/2) keeps its accuracy for a = 1e6 where
 * the three-term difference would cancel.
 */
export function logBeta(a: number, b: number): number {
  if (numberIsNaN(a) || numberIsNaN(b) || a <= 0 || b <= 0) return NaN
  const p = min(a, b)
  const q = max(a, b)
  if (q === Infinity) return -Infinity
  const share = p / (p + q)
  if (p >= 10) {
    const correction = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q)
    return -0.5 * log(q) + LN_SQRT_2PI + correction + (p - 0.5) * log(share) + q * log1p(-share)
  }
  if (q >= 10) {
    const correction = stirlingRemainder(q) - stirlingRemainder(p + q)
    return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-share)
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q)
}

/** Smallest magnitude used by the modified Lentz algorithm to avoid division by zero. */
const TINY = 1e-300

/**
 * Continued fraction for the incomplete beta function, I_x(a, b) = front * cf, evaluated
 * with the modified Lentz method (Numerical Recipes, 3rd ed., 6.4 `betacf` and 5.2;
 * Lentz, Appl. Opt. 15 (1976) 668). Converges quickly for x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  // Iterations grow like sqrt(max(a, b)); the cap only guards against a non-terminating loop.
  const maxIterations = 1000 + ceil(20 * sqrt(max(a, b)))
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (abs(delta - 1) <= EPSILON) return h
  }
  return NaN
}

/** I_x(a, b) and its complement 1 - I_x(a, b), each computed without cancellation. */
interface BetaTails {
  lower: number
  upper: number
}

/**
 * Regularized incomplete beta from x, y = 1 - x and their logarithms (passed separately
 * so callers can supply them without rounding loss, e.g. x = df / (df + t^2)).
 * Numerical Recipes 3rd ed. 6.4: I_x(a,b) = x^a y^b / (a B(a,b)) * cf(x; a, b), using the
 * symmetry I_x(a,b) = 1 - I_y(b,a) on the side where the continued fraction converges.
 */
function incompleteBetaTails(
  x: number,
  y: number,
  logX: number,
  logY: number,
  a: number,
  b: number
): BetaTails {
  // x itself may underflow while logX is still finite (t = -1e200): test the logarithms.
  if (logX === -Infinity) return { lower: 0, upper: 1 }
  if (logY === -Infinity) return { lower: 1, upper: 0 }
  const logFront = a * logX + b * logY - logBeta(a, b)
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (exp(logFront) * betaContinuedFraction(x, a, b)) / a
    return { lower, upper: 1 - lower }
  }
  const upper = (exp(logFront) * betaContinuedFraction(y, b, a)) / b
  return { lower: 1 - upper, upper }
}

/**
 * The regularized incomplete beta function I_x(a, b) for 0 <= x <= 1 and a, b > 0
 * (A&S 26.5.1; evaluated as in Numerical Recipes 3rd ed. 6.4 with a modified Lentz
 * continued fraction).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if ([x, a, b].some(numberIsNaN) || x < 0 || x > 1 || a <= 0 || b <= 0) return NaN
  return incompleteBetaTails(x, 1 - x, log(x), log1p(-x), a, b).lower
}

/**
 * exp(-x^2) with the argument split as x = h + r (h a multiple of 1/16, so h^2 is exact),
 * which keeps full relative precision for large x where x^2 itself would be rounded (the
 * device of Cody's CALERF, W. J. Cody, Math. Comp. 23 (1969) 631-637).
 */
function expMinusSquare(x: number): number {
  const h = trunc(x * 16) / 16
  return exp(-h * h) * exp(-(x - h) * (x + h))
}

/**
 * erf(x) for |x| < ERF_SERIES_LIMIT by the series of A&S 7.1.6,
 * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), whose terms are all
 * positive (no cancellation, full relative precision near 0).
 */
function erfSeries(x: number): number {
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1)
    sum += term
    if (term <= sum * EPSILON * 0.5) break
  }
  return (2 / SQRT_PI) * expMinusSquare(x) * sum
}

/**
 * erfc(x) for x >= ERF_SERIES_LIMIT by the continued fraction of A&S 7.1.14,
 * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
 * evaluated with the modified Lentz method (Numerical Recipes 3rd ed. 5.2).
 */
function erfcContinuedFraction(x: number): number {
  let f = x
  let c = x
  let d = 0
  for (let k = 1; k < 5000; k++) {
    const ak = k / 2
    d = x + ak * d
    if (abs(d) < TINY) d = TINY
    c = x + ak / c
    if (abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = c * d
    f *= delta
    if (abs(delta - 1) <= EPSILON) break
  }
  return expMinusSquare(x) / (SQRT_PI * f)
}

/** Below this |x| erf comes from its series; above, erfc from its continued fraction. */
const ERF_SERIES_LIMIT = 1.5

/** The error function erf(x) (A&S 7.1.1), with full relative precision near 0. */
export function erf(x: number): number {
  if (numberIsNaN(x)) return NaN
  const ax = abs(x)
  const value = ax < ERF_SERIES_LIMIT ? erfSeries(ax) : 1 - erfcContinuedFraction(ax)
  return x < 0 ? -value : value
}

/**
 * The complementary error function erfc(x) = 1 - erf(x) (A&S 7.1.2), with full relative
 * precision in the right tail (erfc(26) = 5.7e-296 keeps its digits).
 */
export function erfc(x: number): number {
  if (numberIsNaN(x)) return NaN
  if (x === Infinity) return 0
  if (x === -Infinity) return 2
  const ax = abs(x)
  const tail = ax < ERF_SERIES_LIMIT ? 1 - erfSeries(ax) : erfcContinuedFraction(ax)
  return x < 0 ? 2 - tail : tail
}

/** Standard normal density phi(x) = exp(-x^2/2) / sqrt(2 pi) (A&S 26.2.1). */
export function normalPdf(x: number): number {
  return expMinusSquare(x / Math.SQRT2) / SQRT_2PI
}

/**
 * Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2 (A&S 26.2.29, 7.1.2); the lower tail
 * keeps its relative precision (Phi(-37) = 5.7e-300), as does 1 - Phi via
 * `normalCdf(-x)`.
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2)
}

/**
 * Standard normal quantile Phi^-1(p): P. J. Acklam's rational approximation (relative
 * error below 1.15e-9; "An algorithm for computing the inverse normal cumulative
 * distribution function", http://home.online.no/~pjacklam/notes/invnorm/, now on the
 * Internet Archive)
 * followed by one Halley step against {@link erf}/{@link erfc}, as Acklam recommends,
 * which brings it to the accuracy of the CDF. p = 0 gives -Infinity and p = 1 +Infinity.
 */
export function normalQuantile(p: number): number {
  if (numberIsNaN(p) || p < 0 || p > 1) return NaN
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  if (p > 0.5) return -normalQuantile(1 - p) // 1 - p is exact for p in (0.5, 1)
  if (p === 0.5) return 0
  const x = acklam(p)
  // Halley's step on Phi(x) - p. The residual is formed from erf near the centre, where
  // Phi(x) - p would cancel, and from erfc in the tail, where its relative accuracy counts.
  const residual = p > 0.3 ? 0.5 * erf(x / Math.SQRT2) - (p - 0.5) : normalCdf(x) - p
  const u = residual / normalPdf(x)
  return x - u / (1 + (x * u) / 2)
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239
] as const
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1
] as const
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783
] as const
const ACKLAM_D = [
  7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416
] as const

/** Acklam's approximation for 0 < p <= 0.5 (lower tail and central region). */
function acklam(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A
  const [b0, b1, b2, b3, b4] = ACKLAM_B
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C
  const [d0, d1, d2, d3] = ACKLAM_D
  if (p < 0.02425) {
    const q = sqrt(-2 * log(p))
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    )
  }
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  )
}

/**
 * x = df / (df + t^2) and y = t^2 / (df + t^2) with their logarithms, formed without
 * overflow for huge |t| and without rounding loss when x is close to 1.
 */
function tBetaArguments(t: number, df: number): [x: number, y: number, logX: number, logY: number] {
  const at = abs(t)
  if (at * at <= df) {
    const v = (at / df) * at // t^2 / df <= 1
    const log1pV = log1p(v)
    return [1 / (1 + v), v / (1 + v), -log1pV, log(v) - log1pV]
  }
  const u = df / at / at // df / t^2 < 1, computed without squaring t
  const logU = log(df) - 2 * log(at)
  const log1pU = log1p(u)
  return [u / (1 + u), 1 / (1 + u), logU - log1pU, -log1pU]
}

/**
 * Student t CDF P(T <= t) with df > 0 degrees of freedom (df may be fractional;
 * df = Infinity is the normal). Uses P(|T| > |t|) = I_x(df/2, 1/2) with
 * x = df / (df + t^2) (A&S 26.7.1 with the incomplete beta of 26.5), evaluated by
 * {@link regularizedIncompleteBeta}'s continued fraction; the lower tail keeps its
 * relative precision, so two-sided p-values are `2 * studentTCdf(-|t|, df)`.
 */
export function studentTCdf(t: number, df: number): number {
  if (numberIsNaN(t) || numberIsNaN(df) || df <= 0) return NaN
  if (df === Infinity) return normalCdf(t)
  if (t === Infinity) return 1
  if (t === -Infinity) return 0
  if (t === 0) return 0.5
  const [x, y, logX, logY] = tBetaArguments(t, df)
  const { lower, upper } = incompleteBetaTails(x, y, logX, logY, df / 2, 0.5)
  // lower = P(|T| > |t|), upper = P(|T| <= |t|)
  return t < 0 ? 0.5 * lower : 0.5 + 0.5 * upper
}

/** Student t density (A&S 26.7.1), from its logarithm so that large |t| does not overflow. */
export function studentTPdf(t: number, df: number): number {
  if (numberIsNaN(t) || numberIsNaN(df) || df <= 0) return NaN
  if (df === Infinity) return normalPdf(t)
  const [, , logX] = tBetaArguments(t, df)
  // (1 + t^2/df)^(-(df+1)/2) = x^((df+1)/2)
  return exp(((df + 1) / 2) * logX - logBeta(df / 2, 0.5) - 0.5 * log(df))
}

/**
 * Student t quantile: the t with P(T <= t) = p, for df > 0 (fractional allowed).
 *
 * df = 1 (Cauchy) and df = 2 have closed forms (Johnson, Kotz & Balakrishnan, Continuous
 * Univariate Distributions vol. 2, ch. 28). Otherwise the lower-tail probability
 * q = min(p, 1 - p) is inverted by Newton's method on ln P(T <= t) - ln q, started from the
 * better of the Cornish-Fisher expansion about the normal quantile (A&S 26.7.5) and the
 * tail asymptote P(T <= t) ~ df^(df/2 - 1) |t|^-df / B(df/2, 1/2), and safeguarded by a
 * shrinking bracket (a Newton step that leaves it is replaced by bisection).
 */
export function studentTQuantile(p: number, df: number): number {
  if (numberIsNaN(p) || numberIsNaN(df) || df <= 0 || p < 0 || p > 1) return NaN
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  if (df === Infinity) return normalQuantile(p)
  if (p > 0.5) return -studentTQuantile(1 - p, df) // 1 - p is exact for p in (0.5, 1)
  if (p === 0.5) return 0
  const q = p
  if (df === 1) return -1 / tan(Math.PI * q)
  if (df === 2) return (2 * q - 1) / sqrt(2 * q * (1 - q))
  return solveLowerTail(q, df)
}

function solveLowerTail(q: number, df: number): number {
  const logQ = log(q)
  // For df < 1 the quantile of a tiny q can lie beyond the largest double.
  if (studentTCdf(-Number.MAX_VALUE, df) > q) return -Infinity

  const z = normalQuantile(q)
  const z2 = z * z
  const cornishFisher =
    z +
    (z * (z2 + 1)) / (4 * df) +
    (z * ((5 * z2 + 16) * z2 + 3)) / (96 * df * df) +
    (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / (384 * df ** 3) +
    (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / (92160 * df ** 4)
  const tailAsymptote = -sqrt(df) * exp(-(log(q * df) + logBeta(df / 2, 0.5)) / df)

  // Start from whichever guess has the smaller residual ln F(t) - ln q.
  let t = -1
  let cdf = studentTCdf(t, df)
  for (const candidate of [cornishFisher, tailAsymptote]) {
    if (!(candidate < 0 && candidate > -Infinity)) continue
    const candidateCdf = studentTCdf(candidate, df)
    if (abs(log(candidateCdf) - logQ) < abs(log(cdf) - logQ)) {
      t = candidate
      cdf = candidateCdf
    }
  }

  let lo = -Infinity // F(lo) < q
  let hi = 0 // F(hi) >= q
  for (let iteration = 0; iteration < 300; iteration++) {
    const g = log(cdf) - logQ
    if (g === 0) return t
    if (g > 0) hi = t
    else lo = t
    // Newton on g(t) = ln F(t) - ln q, g'(t) = f(t) / F(t)
    let next = t - (g * cdf) / studentTPdf(t, df)
    if (!(next > lo && next < hi)) {
      if (lo === -Infinity) next = max(2 * min(t, -1), -Number.MAX_VALUE)
      else if (hi < 0 && lo / hi > 4)
        next = -sqrt(-lo) * sqrt(-hi) // geometric midpoint
      else next = 0.5 * (lo + hi)
    }
    if (abs(next - t) <= 2 * EPSILON * abs(next)) return next
    t = next
    cdf = studentTCdf(t, df)
  }
  return t
}
