import { comparePaired, logRatios, signFlipTest } from '../src/stats/paired.js'
import { createRandom, type Random } from '../src/stats/random.js'
import { relativeError, rReference, scipyReference } from '../__fixtures__/stats/reference.js'

describe('comparePaired against scipy.stats.ttest_rel and R t.test (on the logs)', () => {
  it.each(scipyReference.paired)('$name', (set) => {
    const result = comparePaired(set.base, set.head)
    expect(result.n).toBe(set.base.length)
    expect(relativeError(result.t, set.t)).toBeLessThan(1e-12)
    expect(relativeError(result.pValue, set.pT)).toBeLessThan(1e-9)
    expect(relativeError(result.meanLog, set.meanLog)).toBeLessThan(1e-12)
    expect(relativeError(result.sdLog, set.sdLog)).toBeLessThan(1e-12)
    expect(relativeError(result.ratio, Math.exp(set.meanLog))).toBeLessThan(1e-14)
    expect(relativeError(result.ciLow, set.ciLow)).toBeLessThan(1e-12)
    expect(relativeError(result.ciHigh, set.ciHigh)).toBeLessThan(1e-12)

    const r = rReference.paired.find((entry) => entry.name === set.name)!
    expect(relativeError(result.pValue, r.pValue)).toBeLessThan(1e-9)
    expect(relativeError(result.ciLow, r.ciLow)).toBeLessThan(1e-12)
    expect(relativeError(result.ciHigh, r.ciHigh)).toBeLessThan(1e-12)
  })

  it.each(scipyReference.paired.filter((set) => set.pSignFlip !== undefined))(
    'exact sign-flip p of $name equals scipy.stats.permutation_test',
    (set) => {
      const result = comparePaired(set.base, set.head, { method: 'sign-flip' })
      expect(result.exact).toBe(true)
      expect(result.method).toBe('sign-flip')
      expect(relativeError(result.pValue, set.pSignFlip!)).toBeLessThan(1e-12)
    }
  )
})

describe('signFlipTest', () => {
  /** Brute force over all 2^n sign patterns. */
  function bruteForce(d: number[]): number {
    const observed = Math.abs(d.reduce((a, b) => a + b, 0))
    const tolerance = 1e-12 * d.reduce((a, b) => a + Math.abs(b), 0)
    let count = 0
    for (let mask = 0; mask < 2 ** d.length; mask++) {
      const sum = d.reduce((acc, x, i) => acc + (mask & (1 << i) ? -x : x), 0)
      if (Math.abs(sum) >= observed - tolerance) count++
    }
    return count / 2 ** d.length
  }

  it('meet-in-the-middle enumeration equals brute force, ties included', () => {
    const random = createRandom(11)
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + random.int(13)
      // quantized values make exact ties between flip sums common
      const d = Array.from({ length: n }, () => (random.int(9) - 3) / 8)
      expect([d, signFlipTest(d).pValue]).toEqual([d, bruteForce(d)])
    }
  })

  it('Monte Carlo agrees with exact enumeration within its standard error', () => {
    const random = createRandom(3)
    const d = Array.from({ length: 26 }, () => 0.02 + 0.05 * random.normal())
    const exact = signFlipTest(d, { exactLimit: 26 })
    const monteCarlo = signFlipTest(d, { random: createRandom(4), resamples: 20000 })
    expect(exact.exact).toBe(true)
    expect(monteCarlo.exact).toBe(false)
    const standardError = Math.sqrt((exact.pValue * (1 - exact.pValue)) / 20000)
    expect(Math.abs(monteCarlo.pValue - exact.pValue)).toBeLessThan(4 * standardError + 1e-4)
    // deterministic without an explicit random source
    expect(signFlipTest(d).pValue).toBe(signFlipTest(d).pValue)
  })

  it('never reports p = 0 by Monte Carlo (the +1 correction)', () => {
    const d = Array.from({ length: 40 }, () => 1)
    const result = signFlipTest(d, { resamples: 999 })
    expect(result.pValue).toBe(1 / 1000)
  })

  it('its smallest exact p-value is 2 / 2^n', () => {
    expect(signFlipTest([0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3]).pValue).toBe(2 / 512)
  })
})

describe('comparePaired properties', () => {
  const base = [12.1, 11.8, 12.6, 12.0, 13.1, 11.9, 12.4, 12.2, 12.8, 12.3]
  const head = [12.9, 12.0, 13.5, 12.1, 13.9, 12.6, 12.5, 13.0, 13.3, 12.7]

  it.each(['t', 'sign-flip'] as const)(
    'swapping base and head inverts ratio and interval and keeps p (%s)',
    (method) => {
      const forward = comparePaired(base, head, { method })
      const backward = comparePaired(head, base, { method })
      expect(relativeError(backward.ratio, 1 / forward.ratio)).toBeLessThan(1e-14)
      expect(relativeError(backward.ciLow, 1 / forward.ciHigh)).toBeLessThan(1e-14)
      expect(relativeError(backward.ciHigh, 1 / forward.ciLow)).toBeLessThan(1e-14)
      expect(backward.pValue).toBe(forward.pValue)
    }
  )

  it('is invariant to the unit (scaling both sides)', () => {
    const a = comparePaired(base, head)
    const b = comparePaired(
      base.map((x) => x * 1000),
      head.map((x) => x * 1000)
    )
    expect(relativeError(b.ratio, a.ratio)).toBeLessThan(1e-13)
    expect(relativeError(b.pValue, a.pValue)).toBeLessThan(1e-9)
  })

  it('uses the requested confidence level and a wider interval for a higher one', () => {
    const c90 = comparePaired(base, head, { confidence: 0.9 })
    const c99 = comparePaired(base, head, { confidence: 0.99 })
    expect(c90.confidence).toBe(0.9)
    expect(c99.ciLow).toBeLessThan(c90.ciLow)
    expect(c99.ciHigh).toBeGreaterThan(c90.ciHigh)
  })

  it('handles n < 2 and zero spread as documented', () => {
    expect(comparePaired([], [])).toMatchObject({
      n: 0,
      ratio: NaN,
      ciLow: 0,
      ciHigh: Infinity,
      pValue: 1
    })
    const single = comparePaired([2], [3])
    expect(single.ratio).toBeCloseTo(1.5, 14)
    expect(single).toMatchObject({
      n: 1,
      ciLow: 0,
      ciHigh: Infinity,
      pValue: 1,
      sdLog: NaN
    })
    expect(comparePaired([1, 2, 4], [1, 2, 4])).toMatchObject({
      ratio: 1,
      ciLow: 1,
      ciHigh: 1,
      pValue: 1,
      sdLog: 0
    })
    expect(comparePaired([1, 2, 4], [1, 2, 4], { method: 'sign-flip' }).pValue).toBe(1)
    const doubled = comparePaired([1, 2, 4], [2, 4, 8])
    expect(doubled).toMatchObject({ ratio: 2, ciLow: 2, ciHigh: 2, pValue: 0, sdLog: 0 })
    expect(comparePaired([1, 2, 4], [2, 4, 8], { method: 'sign-flip' }).pValue).toBe(2 / 8)
  })

  it('rejects unequal lengths, non-positive values and bad levels', () => {
    expect(() => comparePaired([1, 2], [1])).toThrow(/equal lengths/)
    expect(() => comparePaired([1, 0], [1, 2])).toThrow(/base\[1\]/)
    expect(() => comparePaired([1, 2], [1, NaN])).toThrow(/head\[1\]/)
    expect(() => comparePaired([1, 2], [1, 2], { confidence: 95 })).toThrow(/confidence/)
    expect(() => signFlipTest(new Array(30).fill(0.1), { resamples: 0 })).toThrow(/resamples/)
  })

  it('logRatios negate exactly when the sides swap', () => {
    expect(logRatios(head, base)).toEqual(logRatios(base, head).map((d) => -d))
  })
})

/**
 * Simulated A/B pairs as perfgate measures them: a per-pair level shared by both sides
 * (drift, runner state), lognormal noise per trial, and a planted true ratio.
 */
function simulatePairs(random: Random, n: number, ratio: number, noise = 0.05) {
  const base: number[] = []
  const head: number[] = []
  for (let i = 0; i < n; i++) {
    const level = 10 * Math.exp(0.2 * random.normal())
    base.push(level * Math.exp(noise * random.normal()))
    head.push(level * ratio * Math.exp(noise * random.normal()))
  }
  return { base, head }
}

describe('comparePaired by simulation (seeded; 2000 experiments of 10 pairs)', () => {
  const experiments = 2000

  it.each(['t', 'sign-flip'] as const)(
    'A/A false-positive rate at alpha 0.05 stays within 0.03..0.07 (%s)',
    (method) => {
      const random = createRandom(method === 't' ? 101 : 102)
      let rejections = 0
      for (let k = 0; k < experiments; k++) {
        const { base, head } = simulatePairs(random, 10, 1)
        if (comparePaired(base, head, { method }).pValue < 0.05) rejections++
      }
      const rate = rejections / experiments
      expect(rate).toBeGreaterThanOrEqual(0.03)
      expect(rate).toBeLessThanOrEqual(0.07)
    }
  )

  it('95 % intervals cover the planted ratio 1.10 in 93-97 % of experiments', () => {
    const random = createRandom(103)
    let covered = 0
    for (let k = 0; k < experiments; k++) {
      const { base, head } = simulatePairs(random, 10, 1.1)
      const { ciLow, ciHigh } = comparePaired(base, head)
      if (ciLow <= 1.1 && 1.1 <= ciHigh) covered++
    }
    const coverage = covered / experiments
    expect(coverage).toBeGreaterThanOrEqual(0.93)
    expect(coverage).toBeLessThanOrEqual(0.97)
  })

  it.each(['t', 'sign-flip'] as const)(
    'detects a planted 10 %% slowdown with noise SD 5 %% per trial (power > 0.9, %s)',
    (method) => {
      const random = createRandom(104)
      let detected = 0
      for (let k = 0; k < experiments; k++) {
        const { base, head } = simulatePairs(random, 10, 1.1)
        if (comparePaired(base, head, { method }).pValue < 0.05) detected++
      }
      expect(detected / experiments).toBeGreaterThan(0.9)
    }
  )
})
