import {
  erf,
  erfc,
  logBeta,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTPdf,
  studentTQuantile
} from '../src/stats/distributions.js'
import { relativeError, scipyReference, type Point } from '../__fixtures__/stats/reference.js'

const reference = scipyReference.distributions

/**
 * Each point is checked against mpmath (50 digits) with `mpmathTolerance`, and against
 * scipy with 1e-9, except where scipy itself is off from mpmath by more than 1e-10 (its
 * t.cdf at df = 1 next to t = 0 is off by 3e-9, its norm.cdf(-38) underflows to 0): those
 * points are counted, so a new scipy deviation fails the test instead of passing silently.
 * (scipy's betaln(5e5, 0.5) is off by 3.5e-11, inside the 1e-9 but outside our 1e-14.)
 */
function checkTable<T extends Point>(
  rows: T[],
  compute: (row: T) => number,
  mpmathTolerance: (row: T) => number,
  scipyDeviations: number
): void {
  let deviations = 0
  for (const row of rows) {
    const value = compute(row)
    const context = JSON.stringify({ ...row, value })
    expect([context, relativeError(value, row.mpmath) <= mpmathTolerance(row)]).toEqual([
      context,
      true
    ])
    if (relativeError(row.scipy, row.mpmath) > 1e-10) {
      deviations++
      continue
    }
    expect([context, relativeError(value, row.scipy) <= 1e-9]).toEqual([context, true])
  }
  expect(deviations).toBe(scipyDeviations)
}

describe('special functions against scipy and mpmath', () => {
  // Logarithms that end up exponentiated: what counts is the absolute error (1e-14 near
  // their zeros, e.g. lnGamma(1.5) = -0.12), i.e. the relative error of exp(value).
  const absoluteNearZero = (row: Point) => 1e-14 * Math.max(1, 1 / Math.abs(row.mpmath))

  it('logGamma', () => {
    checkTable(reference.gammaln, (r) => logGamma(r.x), absoluteNearZero, 0)
  })

  it('logBeta, accurate even for (5e5, 0.5)', () => {
    checkTable(reference.betaln, (r) => logBeta(r.a, r.b), absoluteNearZero, 0)
  })

  it('regularizedIncompleteBeta', () => {
    checkTable(
      reference.betainc,
      (r) => regularizedIncompleteBeta(r.x, r.a, r.b),
      () => 1e-13,
      0
    )
  })

  it('erf and erfc, with relative precision in the tails', () => {
    checkTable(
      reference.erfc,
      (r) => erfc(r.x),
      () => 1e-14,
      0
    )
    checkTable(
      reference.erf,
      (r) => erf(r.x),
      () => 1e-14,
      0
    )
  })
})

describe('normal distribution', () => {
  it('normalCdf against scipy.stats.norm.cdf, down to the subnormal range', () => {
    // Phi(-38) = 2.9e-316 is subnormal: only ~8 significant digits exist there.
    checkTable(
      reference.norm_cdf,
      (r) => normalCdf(r.x),
      (r) => (r.x < -37 ? 1e-7 : 1e-13),
      1
    )
  })

  it('normalQuantile against scipy.stats.norm.ppf', () => {
    checkTable(
      reference.norm_ppf,
      (r) => normalQuantile(r.p),
      () => 1e-14,
      0
    )
  })

  it('normalQuantile inverts normalCdf and handles the ends', () => {
    for (const p of [1e-200, 1e-15, 0.01, 0.2, 0.5 - 1e-12, 0.6, 0.99]) {
      expect(relativeError(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-13)
    }
    expect(normalQuantile(0)).toBe(-Infinity)
    expect(normalQuantile(1)).toBe(Infinity)
    expect(normalQuantile(0.5)).toBe(0)
    expect(normalQuantile(1.5)).toBeNaN()
    expect(normalQuantile(NaN)).toBeNaN()
  })

  it('normalPdf', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15)
    expect(relativeError(normalPdf(30), 1.4736461348785476e-196)).toBeLessThan(1e-12)
  })
})

describe('Student t distribution', () => {
  it('studentTCdf against scipy.stats.t.cdf (df 1 to 1e6, t from -1e10 to 1e3)', () => {
    // The continued fraction loses digits as df grows (x = df/(df+t^2) is near 1):
    // still < 1e-12 up to df = 1e4 and < 1e-10 at df = 1e6.
    checkTable(
      reference.t_cdf,
      (r) => studentTCdf(r.t, r.df),
      (r) => (r.df > 1e4 ? 1e-10 : 1e-12),
      1
    )
  })

  it('studentTQuantile against scipy.stats.t.ppf', () => {
    checkTable(
      reference.t_ppf,
      (r) => studentTQuantile(r.p, r.df),
      (r) => (r.df > 1e4 ? 1e-10 : 1e-12),
      0
    )
  })

  it('studentTQuantile inverts studentTCdf, fractional df and far tails included', () => {
    for (const df of [0.7, 1, 2, 3, 5.5, 12, 250]) {
      for (const p of [1e-250, 1e-30, 1e-8, 0.003, 0.2, 0.5, 0.77, 0.9999]) {
        const t = studentTQuantile(p, df)
        if (!Number.isFinite(t)) continue // beyond the largest double for tiny df
        const back = studentTCdf(t, df)
        const tail = Math.min(p, 1 - p)
        expect([df, p, Math.abs(back - p) / tail < 1e-11]).toEqual([df, p, true])
      }
    }
    expect(studentTQuantile(1e-300, 0.3)).toBe(-Infinity)
  })

  it('matches textbook critical values and closed forms', () => {
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157162798205, 13)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 11)
    // df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2))
    expect(studentTCdf(1, 2)).toBeCloseTo(0.5 + 1 / (2 * Math.sqrt(3)), 14)
    // df = 1 (Cauchy): F(t) = 1/2 + atan(t) / pi
    expect(studentTCdf(-3, 1)).toBeCloseTo(0.5 + Math.atan(-3) / Math.PI, 14)
    expect(studentTCdf(1.5, Infinity)).toBe(normalCdf(1.5))
  })

  it('is symmetric and handles edge arguments', () => {
    for (const df of [1, 4, 30]) {
      for (const t of [0.3, 2, 9]) {
        expect(studentTCdf(t, df) + studentTCdf(-t, df)).toBeCloseTo(1, 15)
        expect(studentTPdf(t, df)).toBeCloseTo(studentTPdf(-t, df), 15)
      }
    }
    expect(studentTCdf(0, 5)).toBe(0.5)
    expect(studentTCdf(Infinity, 5)).toBe(1)
    expect(studentTCdf(-Infinity, 5)).toBe(0)
    expect(studentTCdf(1, 0)).toBeNaN()
    expect(studentTCdf(NaN, 3)).toBeNaN()
    expect(studentTQuantile(0, 3)).toBe(-Infinity)
    expect(studentTQuantile(1, 3)).toBe(Infinity)
    expect(studentTQuantile(0.5, 3)).toBe(0)
    expect(studentTQuantile(-0.1, 3)).toBeNaN()
  })

  it('studentTPdf integrates to the CDF (Simpson on [-2, 1.5], df = 3)', () => {
    const steps = 2000
    const a = -2
    const b = 1.5
    const h = (b - a) / steps
    let sum = studentTPdf(a, 3) + studentTPdf(b, 3)
    for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * studentTPdf(a + i * h, 3)
    expect((sum * h) / 3).toBeCloseTo(studentTCdf(b, 3) - studentTCdf(a, 3), 12)
  })
})
