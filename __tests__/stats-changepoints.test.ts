import {
  bestSplitExact,
  bestSplitToEnd,
  detectChangePoints,
  EXACT_SEARCH_MAX
} from '../src/stats/changepoints.js'
import { createRandom } from '../src/stats/random.js'

/** `n` lognormal values around `level` with relative noise `cv`, from a seeded stream. */
function noisy(n: number, cv: number, seed: number, level = 1): number[] {
  const random = createRandom(seed)
  return Array.from({ length: n }, () => level * Math.exp(cv * random.normal()))
}

describe('detectChangePoints: known cases', () => {
  it('finds one step, with levels, ratio, interval and p of Student t on log values', () => {
    const before = [100, 101, 99, 100, 102]
    const after = [110, 111, 109, 112, 110, 111]
    const [step, ...rest] = detectChangePoints([...before, ...after])
    expect(rest).toEqual([])
    expect(step!.index).toBe(5)
    // Reference: scipy.stats.ttest_ind(log(after), log(before)) (pooled variance) and its
    // confidence_interval(0.95), exponentiated.
    expect(step!.p).toBeCloseTo(9.55532373875465e-8, 15)
    expect(step!.ratio).toBeCloseTo(1.1006129708655428, 12)
    expect(step!.ciLow).toBeCloseTo(1.0851118301047227, 10)
    expect(step!.ciHigh).toBeCloseTo(1.1163355499686798, 10)
    expect(step!.before).toBeCloseTo(100.39482985336318, 9)
    expect(step!.after).toBeCloseTo(110.49585194445075, 9)
  })

  it('finds a temporary regression as two change points at their exact indices', () => {
    const base = [100, 101, 99, 100, 102, 98, 100, 101]
    const values = [...base, ...base.map((v) => v * 1.2), ...base]
    const steps = detectChangePoints(values)
    expect(steps.map((s) => s.index)).toEqual([8, 16])
    expect(steps[0]!.ratio).toBeCloseTo(1.2, 2)
    expect(steps[1]!.ratio).toBeCloseTo(1 / 1.2, 2)
  })

  it('finds nothing in a flat series, a series too short to split, or one stuck at one value', () => {
    expect(detectChangePoints([100, 101, 99, 100, 102, 98, 100, 101, 99, 100])).toEqual([])
    expect(detectChangePoints([100, 100, 100, 200, 200])).toEqual([])
    expect(detectChangePoints(new Array(12).fill(5))).toEqual([])
  })

  it('gives p = 0 to a step between two constant segments', () => {
    const [step] = detectChangePoints([5, 5, 5, 5, 6, 6, 6, 6])
    expect(step).toMatchObject({ index: 4, p: 0 })
    for (const value of [step!.ratio, step!.ciLow, step!.ciHigh]) expect(value).toBeCloseTo(1.2, 12)
  })

  it('keeps each side at least minSegment points long', () => {
    const values = [100, 101, 99, 100, 102, 98, 100, 130, 131]
    expect(detectChangePoints(values)).toEqual([])
    expect(detectChangePoints(values, { minSegment: 2 }).map((s) => s.index)).toEqual([7])
  })

  it('drops a significant step smaller than minStep, keeps one at least that large', () => {
    // +2 % between two quiet segments, then +10 %: both significant, only the second matters.
    const quiet = [100, 100.1, 99.9, 100, 100.1, 99.9, 100, 100.1]
    const values = [...quiet, ...quiet.map((v) => v * 1.02), ...quiet.map((v) => v * 1.122)]
    expect(detectChangePoints(values).map((s) => s.index)).toEqual([8, 16])
    const kept = detectChangePoints(values, { minStep: 0.05 })
    expect(kept.map((s) => s.index)).toEqual([16])
    // Its levels are re-tested against the merged segment before it.
    expect(kept[0]!.ratio).toBeGreaterThan(1.09)
    expect(detectChangePoints(values, { minStep: 0.2 })).toEqual([])
    expect(() => detectChangePoints(values, { minStep: -0.1 })).toThrow('minStep')
  })

  it('refuses values a log cannot take and bad options', () => {
    expect(() => detectChangePoints([1, 2, 0, 3, 4, 5])).toThrow(
      'values[2] must be a finite number > 0'
    )
    expect(() => detectChangePoints([1, 2, 3, 4, 5, 6], { maxP: 0 })).toThrow('maxP')
    expect(() => detectChangePoints([1, 2, 3, 4, 5, 6], { minSegment: 1 })).toThrow('minSegment')
  })
})

describe('detectChangePoints: seeded simulation', () => {
  it('reports few false change points on flat series at 1-4 % noise', () => {
    let found = 0
    for (let seed = 1; seed <= 30; seed++) {
      found += detectChangePoints(noisy(100, [0.01, 0.02, 0.04][seed % 3]!, seed)).length
    }
    // 3,000 points; the bench (npm run bench:changepoints) measures the rate on many more.
    expect(found).toBeLessThanOrEqual(6)
  })

  it.each([
    [0.1, 0.02, 20, 19],
    [0.05, 0.02, 20, 15],
    [0.03, 0.01, 20, 15]
  ])(
    'detects a +%p step at CV %p and locates it (20 series of 60 points, step at 40)',
    (step, cv, detected, exact) => {
      let hits = 0
      let located = 0
      for (let seed = 100; seed < 120; seed++) {
        const values = noisy(60, cv, seed).map((v, i) => (i >= 40 ? v * (1 + step) : v))
        const near = detectChangePoints(values).find((s) => Math.abs(s.index - 40) <= 5)
        if (!near) continue
        hits++
        if (Math.abs(near.index - 40) <= 1) located++
        expect(near.ciLow).toBeLessThanOrEqual(1 + step + 0.03)
        expect(near.ciHigh).toBeGreaterThanOrEqual(1 + step - 0.03)
      }
      expect(hits).toBeGreaterThanOrEqual(detected)
      expect(located).toBeGreaterThanOrEqual(exact)
    }
  )

  it('reports a slow drift of +1 % per commit over 20 commits as steps that add up to it', () => {
    for (let seed = 200; seed < 210; seed++) {
      const values = noisy(60, 0.02, seed).map(
        (v, i) => v * 1.01 ** Math.min(20, Math.max(0, i - 20))
      )
      const steps = detectChangePoints(values)
      expect(steps.length).toBeGreaterThan(0)
      // Mostly inside the drift (commits 20-40); seed 204 also splits its flat start at 13.
      expect(steps.filter((s) => s.index >= 20 && s.index <= 41).length).toBeGreaterThan(0)
      const cumulative = steps.reduce((product, s) => product * s.ratio, 1)
      expect(cumulative).toBeGreaterThan(1.12)
      expect(cumulative).toBeLessThan(1.32)
    }
  })
})

/** Q̂ of x[s..τ) against x[τ..κ) from the definition (M&J eq. 3 and 5), pair by pair. */
function naiveQ(x: readonly number[], s: number, tau: number, kappa: number): number {
  const left = x.slice(s, tau)
  const right = x.slice(tau, kappa)
  const m = left.length
  const k = right.length
  let between = 0
  for (const a of left) for (const b of right) between += Math.abs(a - b)
  const within = (side: number[]) => {
    let sum = 0
    for (let i = 0; i < side.length; i++)
      for (let j = i + 1; j < side.length; j++) sum += Math.abs(side[i]! - side[j]!)
    return sum / ((side.length * (side.length - 1)) / 2)
  }
  return ((m * k) / (m + k)) * ((2 * between) / (m * k) - within(left) - within(right))
}

/** The first (τ, κ) with the largest Q̂ among those allowed, from the definition. */
function naiveBest(x: readonly number[], s: number, e: number, minSegment: number, toEnd: boolean) {
  let best: { tau: number; kappa: number } | undefined
  let bestQ = -Infinity
  for (let tau = s + minSegment; tau <= e - minSegment; tau++) {
    for (let kappa = toEnd ? e : tau + minSegment; kappa <= e; kappa++) {
      const q = naiveQ(x, s, tau, kappa)
      if (best === undefined || q > bestQ + 1e-9 * Math.abs(bestQ)) {
        bestQ = q
        best = { tau, kappa }
      }
    }
  }
  return { best, bestQ }
}

describe('change-point search at any length', () => {
  it('finds the split of largest divergence, exactly and with kappa at the end, as the definition', () => {
    const random = createRandom(5)
    for (let run = 0; run < 40; run++) {
      const n = 14 + (run % 20)
      // Rounded values give ties, which the ranked sums must count as distance 0.
      const x = Array.from({ length: n }, (_, i) =>
        Math.round((i >= n / 2 ? 1 : 0) + 4 * random.next() * (run % 2 ? 1 : 0.3))
      )
      const s = run % 3
      const e = n - (run % 2)
      const values = Float64Array.from(x)
      for (const [search, toEnd] of [
        [bestSplitExact, false],
        [bestSplitToEnd, true]
      ] as const) {
        const found = search(values, s, e, 3)!
        const { bestQ } = naiveBest(x, s, e, 3, toEnd)
        // Ties between splits may be broken either way: the divergence must be the largest.
        expect(naiveQ(x, s, found.tau, found.kappa)).toBeCloseTo(bestQ, 9)
        if (toEnd) expect(found.kappa).toBe(e)
      }
    }
  })

  it(`finds steps in a series longer than ${EXACT_SEARCH_MAX} points at their exact indices`, () => {
    const n = 3 * EXACT_SEARCH_MAX
    // A step up at 1,200, a temporary regression from 2,400 to 2,460.
    const values = noisy(n, 0.01, 9).map(
      (v, i) => v * (i >= 1200 ? 1.1 : 1) * (i >= 2400 && i < 2460 ? 1.2 : 1)
    )
    const steps = detectChangePoints(values)
    const at = (index: number) => steps.find((s) => s.index === index)
    expect(at(1200)?.ratio).toBeCloseTo(1.1, 2)
    expect(at(2400)?.ratio).toBeCloseTo(1.2, 2)
    expect(at(2460)?.ratio).toBeCloseTo(1 / 1.2, 2)
    // At most the rate of false change points of the bench (about 1.5 per 1,000 points).
    expect(steps.length).toBeLessThanOrEqual(3 + 6)
  })
})
