import { createRandom, type Random } from '../src/stats/random.js'
import {
  compareUnpaired,
  hodgesLehmannShift,
  mannWhitneyNullCdf,
  mannWhitneyU
} from '../src/stats/unpaired.js'
import { relativeError, rReference, scipyReference } from '../__fixtures__/stats/reference.js'

describe('mannWhitneyU against scipy.stats.mannwhitneyu (two-sided)', () => {
  it.each(scipyReference.unpaired)('$name', (set) => {
    const asymptotic = mannWhitneyU(set.x, set.y, { method: 'asymptotic' })
    expect(asymptotic.u).toBe(set.u)
    expect(asymptotic.method).toBe('asymptotic')
    expect(relativeError(asymptotic.pValue, set.pAsymptotic)).toBeLessThan(1e-9)

    if (set.pExact !== undefined) {
      const exact = mannWhitneyU(set.x, set.y, { method: 'exact' })
      expect(exact.method).toBe('exact')
      expect(relativeError(exact.pValue, set.pExact)).toBeLessThan(1e-9)
    } else {
      // ties: the exact null distribution does not apply, 'exact' falls back
      expect(mannWhitneyU(set.x, set.y, { method: 'exact' }).method).toBe('asymptotic')
    }

    const auto = mannWhitneyU(set.x, set.y)
    const small = set.x.length <= 50 && set.y.length <= 50
    expect(auto.method).toBe(small && !set.ties ? 'exact' : 'asymptotic')
  })

  it('gives the same p whichever sample comes first, and U1 + U2 = mn', () => {
    const set = scipyReference.unpaired[3]!
    const forward = mannWhitneyU(set.x, set.y)
    const backward = mannWhitneyU(set.y, set.x)
    expect(backward.pValue).toBe(forward.pValue)
    expect(forward.u + backward.u).toBe(set.x.length * set.y.length)
  })

  it('returns p = 1 for empty or all-tied samples', () => {
    expect(mannWhitneyU([], [1, 2]).pValue).toBe(1)
    expect(mannWhitneyU([3, 3, 3], [3, 3]).pValue).toBe(1)
  })
})

describe('mannWhitneyNullCdf', () => {
  /** P(U <= u) by enumerating every choice of ranks for the first sample. */
  function bruteForceCdf(m: number, n: number): number[] {
    const counts = new Array<number>(m * n + 1).fill(0)
    let total = 0
    const choose = (start: number, left: number, rankSum: number) => {
      if (left === 0) {
        counts[rankSum - (m * (m + 1)) / 2]! += 1
        total++
        return
      }
      for (let r = start; r <= m + n - left + 1; r++) choose(r + 1, left - 1, rankSum + r)
    }
    choose(1, m, 0)
    let sum = 0
    return counts.map((count) => (sum += count) / total)
  }

  it.each([
    [1, 1],
    [2, 5],
    [4, 4],
    [5, 7],
    [6, 3]
  ])('equals brute-force enumeration for m = %i, n = %i', (m, n) => {
    const expected = bruteForceCdf(m, n)
    const actual = mannWhitneyNullCdf(m * n, m, n)
    expected.forEach((p, u) => expect(relativeError(actual[u]!, p)).toBeLessThan(1e-14))
  })

  it('keeps relative precision far in the tail (P(U = 0) = 1 / C(100, 50))', () => {
    const cdf = mannWhitneyNullCdf(3, 50, 50)
    expect(relativeError(cdf[0]!, 1 / 1.008913445455642e29)).toBeLessThan(1e-12)
  })
})

describe('hodgesLehmannShift against R wilcox.test(conf.int = TRUE, exact = TRUE)', () => {
  const attainable = rReference.unpaired.filter((r) => r.name !== 'seed15-3x4')

  it.each(attainable)('$name', (r) => {
    const set = scipyReference.unpaired.find((s) => s.name === r.name)!
    const shift = hodgesLehmannShift(set.x.map(Math.log), set.y.map(Math.log))
    // R computes the same order statistics of log(y) - log(x); its log() may differ from
    // Math.log in the last bit, hence an absolute 1e-13 rather than equality.
    expect(Math.abs(shift.shift - r.estimate)).toBeLessThan(1e-13)
    const exactP = mannWhitneyU(set.y, set.x, { method: 'exact' }).pValue
    expect(relativeError(exactP, r.pValue)).toBeLessThan(1e-9)
    if (set.x.length <= 50 && set.y.length <= 50) {
      expect(shift.method).toBe('exact')
      expect(Math.abs(shift.ciLow - r.ciLow)).toBeLessThan(1e-13)
      expect(Math.abs(shift.ciHigh - r.ciHigh)).toBeLessThan(1e-13)
      expect(shift.achievedConfidence).toBeGreaterThanOrEqual(0.95)
    } else {
      // 60 against 70: our normal approximation gives k = 1680 where the exact (forced in
      // R) is 1681, so our interval is one order statistic wider on each side.
      expect(shift.method).toBe('asymptotic')
      expect(shift.ciLow).toBeLessThan(r.ciLow)
      expect(shift.ciHigh).toBeGreaterThan(r.ciHigh)
      const differences = set.y.flatMap((y) => set.x.map((x) => Math.log(y) - Math.log(x)))
      const between = (a: number, b: number) =>
        differences.filter((d) => d > a + 1e-13 && d < b - 1e-13).length
      expect(between(shift.ciLow, r.ciLow)).toBe(0)
      expect(between(r.ciHigh, shift.ciHigh)).toBe(0)
      expect(shift.achievedConfidence).toBeGreaterThan(0.949)
    }
  })

  it('gives an unbounded interval when 95 % is not attainable (3 against 4: R warns)', () => {
    const set = scipyReference.unpaired.find((s) => s.name === 'seed15-3x4')!
    const r = rReference.unpaired.find((s) => s.name === 'seed15-3x4')!
    const shift = hodgesLehmannShift(set.x.map(Math.log), set.y.map(Math.log))
    expect(Math.abs(shift.shift - r.estimate)).toBeLessThan(1e-13)
    expect(shift).toMatchObject({ ciLow: -Infinity, ciHigh: Infinity, achievedConfidence: 0 })
  })

  it('matches the definition on brute-force Walsh differences', () => {
    const random = createRandom(8)
    for (let trial = 0; trial < 20; trial++) {
      const m = 4 + random.int(9)
      const n = 4 + random.int(9)
      const x = Array.from({ length: m }, () => random.normal())
      const y = Array.from({ length: n }, () => random.normal() + 0.3)
      const differences = y.flatMap((yj) => x.map((xi) => yj - xi)).sort((a, b) => a - b)
      const shift = hodgesLehmannShift(x, y, 0.9)
      const half = differences.length / 2
      const median =
        differences.length % 2
          ? differences[Math.floor(half)]!
          : (differences[half - 1]! + differences[half]!) / 2
      expect(shift.shift).toBe(median)
      // Interval [D_(k), D_(mn+1-k)]: exactly k - 1 differences beyond each end, and k the
      // smallest u with P(U <= u) >= 0.05.
      const cdf = mannWhitneyNullCdf(m * n, Math.min(m, n), Math.max(m, n))
      const k = differences.filter((d) => d < shift.ciLow).length + 1
      expect(differences.filter((d) => d > shift.ciHigh).length).toBe(k - 1)
      expect(cdf[k - 1]!).toBeLessThan(0.05)
      expect(cdf[k]!).toBeGreaterThanOrEqual(0.05)
      expect(shift.achievedConfidence).toBeCloseTo(1 - 2 * cdf[k - 1]!, 14)
    }
  })
})

describe('compareUnpaired', () => {
  const base = [101, 97, 104, 99, 102, 98, 100, 103, 96, 105]
  const head = [108.3, 104.6, 111.2, 103.7, 109.1, 105.4, 110.8, 106.2, 107.5, 112.9]

  it('expresses the shift of logs as a ratio, with the Mann-Whitney p', () => {
    const result = compareUnpaired(base, head)
    expect(result.nBase).toBe(10)
    expect(result.nHead).toBe(10)
    expect(result.ratio).toBeGreaterThan(1.04)
    expect(result.ratio).toBeLessThan(1.09)
    expect(result.ciLow).toBeLessThan(result.ratio)
    expect(result.ciHigh).toBeGreaterThan(result.ratio)
    expect(result.pValue).toBe(mannWhitneyU(head, base).pValue)
    expect(result.method).toBe('exact')
    expect(result.shiftLog).toBeCloseTo(Math.log(result.ratio), 15)
  })

  it('swapping base and head inverts ratio and interval and keeps p', () => {
    const forward = compareUnpaired(base, head)
    const backward = compareUnpaired(head, base)
    expect(relativeError(backward.ratio, 1 / forward.ratio)).toBeLessThan(1e-14)
    expect(relativeError(backward.ciLow, 1 / forward.ciHigh)).toBeLessThan(1e-14)
    expect(relativeError(backward.ciHigh, 1 / forward.ciLow)).toBeLessThan(1e-14)
    expect(backward.pValue).toBe(forward.pValue)
  })

  it('is invariant to the unit', () => {
    const a = compareUnpaired(base, head)
    const b = compareUnpaired(
      base.map((v) => v / 1000),
      head.map((v) => v / 1000)
    )
    expect(relativeError(b.ratio, a.ratio)).toBeLessThan(1e-12)
    expect(b.pValue).toBe(a.pValue)
  })

  it('handles empty sides and rejects non-positive values', () => {
    expect(compareUnpaired([], [1, 2])).toMatchObject({
      ratio: NaN,
      ciLow: 0,
      ciHigh: Infinity,
      pValue: 1
    })
    expect(() => compareUnpaired([1, -2], [1])).toThrow(/base\[1\]/)
    expect(() => compareUnpaired([1], [1], { confidence: 1 })).toThrow(/confidence/)
  })
})

/** Independent runs (stored baseline vs fresh head): lognormal noise, a planted ratio. */
function simulateRuns(random: Random, n: number, ratio: number, noise = 0.05) {
  const draw = (scale: number) =>
    Array.from({ length: n }, () => 10 * scale * Math.exp(noise * random.normal()))
  return { base: draw(1), head: draw(ratio) }
}

describe('compareUnpaired by simulation (seeded; 2000 experiments of 10 against 10)', () => {
  const experiments = 2000

  it('A/A false-positive rate of Mann-Whitney at alpha 0.05 stays within 0.03..0.07', () => {
    const random = createRandom(201)
    let rejections = 0
    for (let k = 0; k < experiments; k++) {
      const { base, head } = simulateRuns(random, 10, 1)
      if (compareUnpaired(base, head).pValue < 0.05) rejections++
    }
    const rate = rejections / experiments
    expect(rate).toBeGreaterThanOrEqual(0.03)
    expect(rate).toBeLessThanOrEqual(0.07)
  })

  it('95 % Hodges-Lehmann intervals cover the planted ratio in 93-97 % of experiments', () => {
    const random = createRandom(202)
    let covered = 0
    for (let k = 0; k < experiments; k++) {
      const { base, head } = simulateRuns(random, 10, 1.08)
      const { ciLow, ciHigh } = compareUnpaired(base, head)
      if (ciLow <= 1.08 && 1.08 <= ciHigh) covered++
    }
    const coverage = covered / experiments
    expect(coverage).toBeGreaterThanOrEqual(0.93)
    expect(coverage).toBeLessThanOrEqual(0.97)
  })

  it('detects a planted 10 % slowdown with noise SD 5 % (power > 0.9)', () => {
    const random = createRandom(203)
    let detected = 0
    for (let k = 0; k < experiments; k++) {
      const { base, head } = simulateRuns(random, 10, 1.1)
      if (compareUnpaired(base, head).pValue < 0.05) detected++
    }
    expect(detected / experiments).toBeGreaterThan(0.9)
  })
})
