import { comparePaired, logRatios } from '../src/stats/paired.js'
import {
  DEFAULT_TRIM,
  SCREEN_FACTOR,
  screenedTTest,
  trimmedMeanTest
} from '../src/stats/trimmed.js'
import { relativeError, trimmedReference } from '../__fixtures__/stats/reference.js'

function logs(set: { base: number[]; head: number[] }): number[] {
  return logRatios(set.base, set.head)
}

describe('trimmedMeanTest against scipy (trim_mean, mstats.trimmed_stde, trimmed_mean_ci)', () => {
  it.each(trimmedReference.trimmed)('$name', (set) => {
    const d = logs(set)
    for (const { confidence, low, high } of set.intervals) {
      const result = trimmedMeanTest(d, { confidence })
      expect(result.n).toBe(d.length)
      expect(result.g).toBe(Math.floor(DEFAULT_TRIM * d.length))
      expect(result.df).toBe(set.df)
      expect(relativeError(result.estimate, set.estimate)).toBeLessThan(1e-12)
      expect(relativeError(result.standardError, set.standardError)).toBeLessThan(1e-12)
      expect(relativeError(result.pValue, set.pValue)).toBeLessThan(1e-9)
      expect(relativeError(result.low, low)).toBeLessThan(1e-11)
      expect(relativeError(result.high, high)).toBeLessThan(1e-11)
    }
  })

  it.each(trimmedReference.trimmed)(
    '$name: the test rejects exactly when the interval excludes 0',
    (set) => {
      const d = logs(set)
      for (const confidence of [0.8, 0.9, 0.95, 0.99, 0.999]) {
        const result = trimmedMeanTest(d, { confidence })
        const excludes = result.low > 0 || result.high < 0
        expect(result.pValue < 1 - confidence).toBe(excludes)
        expect(result.low).toBeLessThanOrEqual(result.estimate)
        expect(result.high).toBeGreaterThanOrEqual(result.estimate)
      }
    }
  )
})

describe('screenedTTest against scipy.stats.ttest_1samp on the kept pairs', () => {
  it.each(trimmedReference.trimmed)('$name', (set) => {
    const result = screenedTTest(logs(set))
    expect(result.kept).toBe(set.kept)
    expect(relativeError(result.t, set.tScreened)).toBeLessThan(1e-12)
    expect(relativeError(result.pValue, set.pScreened)).toBeLessThan(1e-9)
  })

  it('leaves out exactly the pairs beyond 3 × median |d|, whatever their sign', () => {
    expect(SCREEN_FACTOR).toBe(3)
    const d = [0.1, 0.09, 0.11, 0.1, 0.12, 0.08, 2.2, -1.5, 0.3, -0.4]
    // median |d| = (0.11 + 0.12) / 2 = 0.115: 2.2, -1.5 and -0.4 go (> 0.345), 0.3 stays
    const result = screenedTTest(d)
    expect(result.kept).toBe(7)
    expect(result).toEqual(screenedTTest([0.1, 0.09, 0.11, 0.1, 0.12, 0.08, 0.3]))
  })

  it('degenerate cases: nothing or one kept, no spread', () => {
    expect(screenedTTest([])).toEqual({ pValue: 1, t: NaN, kept: 0 })
    expect(screenedTTest([0.1])).toEqual({ pValue: 1, t: NaN, kept: 1 })
    expect(screenedTTest([0, 0, 0])).toEqual({ pValue: 1, t: NaN, kept: 3 })
    // 0.2 + 0.2 + 0.2 is not 0.6: a spread within the rounding level counts as none
    expect(screenedTTest([0.2, 0.2, 0.2], { zeroSpread: 1e-15 })).toEqual({
      pValue: 0,
      t: NaN,
      kept: 3
    })
    expect(() => screenedTTest([0.1, Infinity])).toThrow(/differences/)
  })
})

describe("comparePaired(method: 'trimmed')", () => {
  it.each(trimmedReference.trimmed)(
    '$name: ratio and interval from the trimmed t, p from the screened t',
    (set) => {
      const result = comparePaired(set.base, set.head, { method: 'trimmed' })
      const at95 = set.intervals.find((i) => i.confidence === 0.95)!
      expect(result.method).toBe('trimmed')
      expect(result.exact).toBe(true)
      expect(relativeError(result.ratio, Math.exp(set.estimate))).toBeLessThan(1e-12)
      expect(relativeError(result.ciLow, Math.exp(at95.low))).toBeLessThan(1e-12)
      expect(relativeError(result.ciHigh, Math.exp(at95.high))).toBeLessThan(1e-12)
      expect(relativeError(result.pValue, set.pScreened)).toBeLessThan(1e-9)
      // meanLog and sdLog stay those of all d_i (the report's "pairs to decide" uses them)
      const t = comparePaired(set.base, set.head, { method: 't' })
      expect(result.meanLog).toBe(t.meanLog)
      expect(result.sdLog).toBe(t.sdLog)
    }
  )

  it('swapping base and head inverts the ratio and the interval, same p', () => {
    const set = trimmedReference.trimmed.find((s) => s.name.startsWith('disturbed'))!
    const forward = comparePaired(set.base, set.head, { method: 'trimmed' })
    const backward = comparePaired(set.head, set.base, { method: 'trimmed' })
    expect(relativeError(backward.ratio, 1 / forward.ratio)).toBeLessThan(1e-14)
    expect(relativeError(backward.ciLow, 1 / forward.ciHigh)).toBeLessThan(1e-14)
    expect(relativeError(backward.ciHigh, 1 / forward.ciLow)).toBeLessThan(1e-14)
    expect(backward.pValue).toBe(forward.pValue)
  })

  it('two whole-trial slowdowns in 20 pairs move the t estimate, not the trimmed one', () => {
    // Head 10 % slower with ±1 % alternating noise; then trial 3 of head and trial 11 of base
    // run 9× and 6× slow as a whole.
    const base = Array.from({ length: 20 }, (_, i) => 5 * (1 + (i % 2 ? 0.01 : -0.01)))
    const head = base.map((b, i) => b * 1.1 * (1 + (i % 3 ? 0.005 : -0.005)))
    const clean = comparePaired(base, head, { method: 'trimmed' })
    const slowHead = head.map((h, i) => (i === 3 ? h * 9 : h))
    const slowBase = base.map((b, i) => (i === 11 ? b * 6 : b))
    const disturbed = comparePaired(slowBase, slowHead, { method: 'trimmed' })
    const t = comparePaired(slowBase, slowHead, { method: 't' })
    expect(Math.abs(Math.log(disturbed.ratio / clean.ratio))).toBeLessThan(0.002)
    expect(disturbed.ciLow).toBeGreaterThan(1.09)
    expect(disturbed.ciHigh).toBeLessThan(1.11)
    // the two disturbed pairs are screened out: the t-test of the 18 clean pairs
    expect(screenedTTest(logRatios(slowBase, slowHead)).kept).toBe(18)
    expect(disturbed.pValue).toBeLessThan(1e-12)
    // the geometric mean is pulled by ln(9/6)/20 and its interval is far wider
    expect(t.ratio).toBeGreaterThan(1.12)
    expect(t.ciHigh / t.ciLow).toBeGreaterThan(1.4)
  })

  it('every pair with the same ratio: a point interval, p 0 (1 for ratio 1)', () => {
    const same = comparePaired([1, 2, 4, 8, 16], [2, 4, 8, 16, 32], { method: 'trimmed' })
    expect(same.ratio).toBeCloseTo(2, 14)
    expect(same.ciLow).toBe(same.ratio)
    expect(same.ciHigh).toBe(same.ratio)
    expect(same.pValue).toBe(0)
    const none = comparePaired([3, 4, 5], [3, 4, 5], { method: 'trimmed' })
    expect(none.ratio).toBe(1)
    expect(none.pValue).toBe(1)
    expect([none.ciLow, none.ciHigh]).toEqual([1, 1])
  })

  it('fewer than 2 pairs: the documented degenerate result, as for the t-test', () => {
    const one = comparePaired([2], [3], { method: 'trimmed' })
    expect(one).toMatchObject({ n: 1, ciLow: 0, ciHigh: Infinity, pValue: 1 })
    expect(one.ratio).toBeCloseTo(1.5, 14)
  })
})

describe('trimmedMeanTest input checks', () => {
  it('names the bad input', () => {
    expect(() => trimmedMeanTest([1, 2, NaN], { confidence: 0.95 })).toThrow(/values/)
    expect(() => trimmedMeanTest([1, 2, 3], { confidence: 1 })).toThrow(/confidence/)
    expect(() => trimmedMeanTest([1, 2, 3], { confidence: 0.95, trim: 0.5 })).toThrow(
      /trim must be in \[0, 0.5\), got 0.5/
    )
    expect(() => trimmedMeanTest([1], { confidence: 0.95 })).toThrow(/2 values left/)
    expect(() => trimmedMeanTest([1, 2, 3], { confidence: 0.95, trim: 0.4 })).toThrow(
      /2 values left after trimming 1 from each end, got 3 values/
    )
  })

  it('trim 0 is the one-sample t-test', () => {
    const set = trimmedReference.trimmed[0]!
    const d = logs(set)
    const plain = trimmedMeanTest(d, { confidence: 0.95, trim: 0 })
    const t = comparePaired(set.base, set.head, { method: 't' })
    expect(relativeError(plain.estimate, t.meanLog)).toBeLessThan(1e-12)
    expect(relativeError(plain.pValue, t.pValue)).toBeLessThan(1e-12)
    expect(relativeError(Math.exp(plain.low), t.ciLow)).toBeLessThan(1e-12)
  })
})
