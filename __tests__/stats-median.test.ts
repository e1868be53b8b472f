import { medianInterval } from '../src/stats/median.js'
import { createRandom } from '../src/stats/random.js'

describe('medianInterval', () => {
  it('uses the order statistics of the binomial tables', () => {
    // n = 10 at 95 %: [x(2), x(9)], coverage 1 - 2 * 11/1024 = 0.978515625
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]
    expect(medianInterval(values)).toEqual({
      median: 5.5,
      low: 2,
      high: 9,
      coverage: 1 - 22 / 1024
    })
    // n = 5 cannot reach 95 %: the range, with coverage 1 - 2/32
    expect(medianInterval([3, 1, 2, 5, 4])).toEqual({
      median: 3,
      low: 1,
      high: 5,
      coverage: 0.9375
    })
    // n = 30 at 95 %: [x(10), x(21)] (coverage 0.9572)
    const thirty = Array.from({ length: 30 }, (_, i) => i + 1)
    const interval = medianInterval(thirty)
    expect([interval.low, interval.high]).toEqual([10, 21])
    expect(interval.coverage).toBeCloseTo(0.957226, 5)
  })

  it('covers the true median at least 95 % of the time (simulation)', () => {
    const random = createRandom(2024)
    let covered = 0
    const runs = 4000
    for (let r = 0; r < runs; r++) {
      // Lognormal trial values: true median exp(0) = 1.
      const values = Array.from({ length: 12 }, () => Math.exp(0.1 * random.normal()))
      const { low, high } = medianInterval(values)
      if (low <= 1 && 1 <= high) covered++
    }
    // n = 12 gives [x(3), x(10)] with exact coverage 1 - 2 * 79/4096 = 0.9614; 4000 runs
    // have a binomial SD of ~0.003, so ±0.012 is four SDs.
    expect(Math.abs(covered / runs - 0.9614)).toBeLessThan(0.012)
  })
})
