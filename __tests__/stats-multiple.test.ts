import { holm, lookAlphas } from '../src/stats/multiple.js'
import { comparePaired } from '../src/stats/paired.js'
import { createRandom } from '../src/stats/random.js'
import { relativeError, rReference } from '../__fixtures__/stats/reference.js'

describe('holm', () => {
  it("equals R's p.adjust(p, 'holm'), NA kept as NaN", () => {
    const input = rReference.holm.p.map((p) => p ?? NaN)
    const expected = rReference.holm.adjusted.map((p) => p ?? NaN)
    const adjusted = holm(input)
    adjusted.forEach((value, i) => {
      if (Number.isNaN(expected[i]!)) expect(value).toBeNaN()
      else expect(relativeError(value, expected[i]!)).toBeLessThan(1e-15)
    })
  })

  it('is >= the raw p, <= 1, and monotone in the raw p (random inputs)', () => {
    const random = createRandom(12)
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + random.int(15)
      const p = Array.from({ length: m }, () =>
        random.int(4) === 0 ? random.next() / 100 : random.next()
      )
      const adjusted = holm(p)
      const violations: string[] = []
      for (let i = 0; i < m; i++) {
        if (!(adjusted[i]! >= p[i]! && adjusted[i]! <= 1)) violations.push(`bounds at ${i}`)
        for (let j = 0; j < m; j++) {
          if (p[i]! <= p[j]! && adjusted[i]! > adjusted[j]!) violations.push(`order ${i},${j}`)
        }
      }
      expect([p, violations]).toEqual([p, []])
    }
  })

  it('leaves a single p alone and handles the empty list', () => {
    expect(holm([0.03])).toEqual([0.03])
    expect(holm([])).toEqual([])
  })

  it('rejects values outside [0, 1]', () => {
    expect(() => holm([0.2, 1.5])).toThrow(/pValues\[1\]/)
    expect(() => holm([-0.1])).toThrow(RangeError)
  })

  it('controls the family-wise error rate over 8 true nulls (simulation)', () => {
    const random = createRandom(13)
    const families = 20000
    let anyRejected = 0
    for (let k = 0; k < families; k++) {
      const adjusted = holm(Array.from({ length: 8 }, () => random.next()))
      if (adjusted.some((p) => p < 0.05)) anyRejected++
    }
    // independent uniforms: 1 - (1 - 0.05/8)^8 = 0.0489 (Holm first rejects at p < alpha/m)
    expect(anyRejected / families).toBeLessThan(0.055)
    expect(anyRejected / families).toBeGreaterThan(0.04)
  })
})

describe('lookAlphas', () => {
  it("'equal' (the default) splits alpha evenly", () => {
    expect(lookAlphas(0.05, 3)).toEqual([0.05 / 3, 0.05 / 3, 0.05 / 3])
    expect(lookAlphas(0.05, [10, 20, 30], 'equal')).toEqual(lookAlphas(0.05, 3))
    expect(lookAlphas(0.01, 1)).toEqual([0.01])
  })

  it("'obrien-fleming' spends 2 - 2 Phi(z/sqrt t) (values from scipy)", () => {
    // scipy: 2 * norm.sf(norm.isf(0.025) / sqrt(t)) at t = 1/3, 2/3
    const cumulative = [0.0006868948682240366, 0.016374666450048172, 0.05]
    const alphas = lookAlphas(0.05, 3, 'obrien-fleming')
    alphas.forEach((value, k) => {
      const increment = cumulative[k]! - (k === 0 ? 0 : cumulative[k - 1]!)
      expect(relativeError(value, increment)).toBeLessThan(1e-12)
    })
    // unequal looks: information fractions 0.25, 0.5, 1
    const uneven = lookAlphas(0.05, [5, 10, 20], 'obrien-fleming')
    expect(relativeError(uneven[0]!, 8.857543832140365e-5)).toBeLessThan(1e-10)
    expect(relativeError(uneven[1]!, 0.005574596680784402 - 8.857543832140365e-5)).toBeLessThan(
      1e-10
    )
  })

  it("'pocock' spends alpha ln(1 + (e - 1) t)", () => {
    const alphas = lookAlphas(0.05, 3, 'pocock')
    expect(relativeError(alphas[0]!, 0.022641621263197066)).toBeLessThan(1e-12)
    expect(relativeError(alphas[1]!, 0.03816912576950707 - 0.022641621263197066)).toBeLessThan(
      1e-12
    )
  })

  it.each(['equal', 'pocock', 'obrien-fleming'] as const)(
    'never spends more than alpha in total (%s)',
    (spending) => {
      for (const looks of [1, 2, 3, 5, 10, [10, 20, 30], [3, 4, 50]]) {
        const alphas = lookAlphas(0.05, looks, spending)
        expect(alphas.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(0.05)
        alphas.forEach((a) => expect(a).toBeGreaterThanOrEqual(0))
      }
    }
  )

  it('rejects bad arguments', () => {
    expect(() => lookAlphas(0, 3)).toThrow(/alpha/)
    expect(() => lookAlphas(0.05, 0)).toThrow(/looks/)
    expect(() => lookAlphas(0.05, 2.5)).toThrow(/looks/)
    expect(() => lookAlphas(0.05, [])).toThrow(/looks/)
    expect(() => lookAlphas(0.05, [10, 10, 20])).toThrow(/increasing/)
  })

  it('keeps the A/A error over looks at 10/20/30 pairs below alpha (simulation)', () => {
    // Without splitting, three looks at 0.05 reject an A/A comparison about twice as often.
    const random = createRandom(14)
    const experiments = 2000
    const alphas = lookAlphas(0.05, [10, 20, 30])
    let falsePositives = 0
    let naive = 0
    for (let k = 0; k < experiments; k++) {
      const base: number[] = []
      const head: number[] = []
      let rejected = false
      let naiveRejected = false
      for (const [look, size] of [10, 20, 30].entries()) {
        while (base.length < size) {
          const level = Math.exp(0.2 * random.normal())
          base.push(level * Math.exp(0.05 * random.normal()))
          head.push(level * Math.exp(0.05 * random.normal()))
        }
        const p = comparePaired(base, head).pValue
        if (p < alphas[look]!) rejected = true
        if (p < 0.05) naiveRejected = true
      }
      if (rejected) falsePositives++
      if (naiveRejected) naive++
    }
    expect(falsePositives / experiments).toBeLessThanOrEqual(0.055)
    expect(naive / experiments).toBeGreaterThan(0.08)
  })
})
