import { median, quantileSorted } from '../src/stats/quantile.js'

describe('quantileSorted (type 7)', () => {
  it('matches R quantile(c(1,2,3,4,10), c(.5,.95,.99), type = 7)', () => {
    const x = [1, 2, 3, 4, 10]
    expect(quantileSorted(x, 0.5)).toBe(3)
    expect(quantileSorted(x, 0.95)).toBeCloseTo(8.8, 12)
    expect(quantileSorted(x, 0.99)).toBeCloseTo(9.76, 12)
    expect(quantileSorted([7], 0.99)).toBe(7)
    expect([median([3, 1, 2]), median([4, 1, 3, 2])]).toEqual([2, 2.5])
  })
})
