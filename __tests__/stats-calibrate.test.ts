// Calibration figures against reference values computed with scipy 1.17 (scipy.stats.t.ppf,
// numpy std(ddof=1), scipy.stats.median_abs_deviation(scale='normal')); the formulas are
// those of src/stats/calibrate.ts.
import {
  detectableChange,
  detectableLogEffect,
  pairNoise,
  pairsToDecide,
  testLevel,
  thresholdFor
} from '../src/stats/calibrate.js'

const rule = { alpha: 0.05, threshold: 0.04, looks: 3, familySize: 2 }

describe('pairNoise', () => {
  it('gives the SD and the robust spread of the log ratios', () => {
    // x = log([1.1, .9, 1.02, .97, 1.3, 1]); mean, std(ddof=1), 1.4826 × MAD
    const noise = pairNoise([1, 2, 1, 1, 1, 3], [1.1, 1.8, 1.02, 0.97, 1.3, 3])
    expect(noise.n).toBe(6)
    expect(noise.meanLog).toBeCloseTo(0.04027622473757681, 12)
    expect(noise.sdLog).toBeCloseTo(0.1269698685494638, 12)
    expect(noise.robustSdLog).toBeCloseTo(0.09323284679736053, 10)
  })

  it('skips pairs that are not ratios and gives NaN below two pairs', () => {
    expect(pairNoise([1, 0, NaN, 1], [1, 1, 1, 2]).n).toBe(2)
    expect(pairNoise([1], [1]).sdLog).toBeNaN()
  })
})

describe('power figures', () => {
  it('detectableLogEffect: (t_{1-a/2,n-1} + t_{0.8,n-1}) s / sqrt(n)', () => {
    expect(detectableLogEffect(0.05, 20, 0.01)).toBeCloseTo(0.04161194107452239, 10)
    expect(detectableLogEffect(0.05, 1, 0.01)).toBe(Infinity)
  })

  it('detectableChange: the threshold binds for quiet pairs, the test for noisy ones', () => {
    expect(testLevel(rule)).toBeCloseTo(0.05 / 6, 15)
    // σ 5 %, 30 pairs: the threshold (log 1.04 = 0.0392) is above t σ/√n (0.0258).
    expect(detectableChange(0.05, 30, rule)).toBeCloseTo(0.048141277378100034, 10)
    // σ 20 %: the test binds.
    expect(detectableChange(0.2, 30, rule)).toBeCloseTo(0.14406117546924957, 10)
  })

  it('pairsToDecide: the test sees the threshold and a null is shown unchanged at 80 %', () => {
    expect(pairsToDecide(0.03, rule)).toBe(11)
    expect(pairsToDecide(0.1, { ...rule, familySize: 5 })).toBe(91)
    expect(pairsToDecide(0.01, { ...rule, threshold: 0.05, familySize: 1 })).toBe(4)
    expect(pairsToDecide(5, rule)).toBeUndefined()
  })

  it('thresholdFor: the smallest whole percent decided within n pairs', () => {
    expect(thresholdFor(0.05, 30, rule)).toBe(0.04) // 3.58 % rounded up
    expect(thresholdFor(0.2, 30, { ...rule, familySize: 5 })).toBe(0.16) // 15.10 %
    expect(thresholdFor(0.05, 1, rule)).toBeUndefined()
    // Consistent with pairsToDecide: at the suggested threshold, n pairs decide.
    expect(pairsToDecide(0.05, { ...rule, threshold: 0.04 })!).toBeLessThanOrEqual(30)
  })
})
