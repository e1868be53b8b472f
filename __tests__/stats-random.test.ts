import { createRandom } from '../src/stats/random.js'
import { xoshiroReference } from '../__fixtures__/stats/reference.js'

describe('createRandom', () => {
  it.each(xoshiroReference.streams)(
    'reproduces the C reference xoshiro128** stream for seed $seed',
    ({ seed, uint32, double }) => {
      const words = createRandom(seed)
      expect(uint32.map(() => words.int(2 ** 32))).toEqual(uint32)
      const doubles = createRandom(seed)
      expect(double.map(() => doubles.next())).toEqual(double)
    }
  )

  it('is deterministic per seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed)
      return Array.from({ length: 5 }, () => random.next())
    }
    expect(draw(7)).toEqual(draw(7))
    expect(draw(7)).not.toEqual(draw(8))
    // seeds differing only above 32 bits give different streams
    expect(draw(2 ** 40 + 7)).not.toEqual(draw(7))
  })

  it('rejects non-finite seeds and bad int() bounds', () => {
    expect(() => createRandom(NaN)).toThrow(RangeError)
    const random = createRandom(1)
    expect(() => random.int(0)).toThrow(RangeError)
    expect(() => random.int(2.5)).toThrow(RangeError)
    expect(() => random.int(2 ** 32 + 1)).toThrow(RangeError)
  })

  it('next() is uniform on [0, 1): moments and a chi-square over 20 bins', () => {
    const random = createRandom(2024)
    const n = 200_000
    const bins = new Array<number>(20).fill(0)
    let sum = 0
    let sumSquares = 0
    let outside = 0
    for (let i = 0; i < n; i++) {
      const u = random.next()
      if (!(u >= 0 && u < 1)) outside++
      sum += u
      sumSquares += u * u
      bins[Math.floor(u * 20)]! += 1
    }
    expect(outside).toBe(0)
    expect(sum / n).toBeCloseTo(0.5, 2)
    expect(sumSquares / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 3)
    const expected = n / 20
    const chiSquare = bins.reduce((acc, count) => acc + (count - expected) ** 2 / expected, 0)
    expect(chiSquare).toBeLessThan(43.8) // 99.9 % point of chi-square with 19 df
  })

  it('int(n) covers 0..n-1 evenly', () => {
    const random = createRandom(99)
    const counts = new Array<number>(7).fill(0)
    for (let i = 0; i < 70_000; i++) counts[random.int(7)]! += 1
    const chiSquare = counts.reduce((acc, count) => acc + (count - 10_000) ** 2 / 10_000, 0)
    expect(chiSquare).toBeLessThan(22.5) // 99.9 % point with 6 df
  })

  it('shuffle() permutes in place, every order about equally often', () => {
    const random = createRandom(5)
    const array = [1, 2, 3, 4, 5, 6, 7, 8]
    const same = random.shuffle(array)
    expect(same).toBe(array)
    expect([...array].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8])

    const counts = new Map<string, number>()
    for (let i = 0; i < 60_000; i++) {
      const key = random.shuffle(['a', 'b', 'c']).join('')
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect(counts.size).toBe(6)
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500)
  })

  it('normal() has mean 0, variance 1 and normal tail shares', () => {
    const random = createRandom(31)
    const n = 200_000
    let sum = 0
    let sumSquares = 0
    let beyond196 = 0
    for (let i = 0; i < n; i++) {
      const z = random.normal()
      sum += z
      sumSquares += z * z
      if (Math.abs(z) > 1.959964) beyond196++
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01)
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.015)
    expect(Math.abs(beyond196 / n - 0.05)).toBeLessThan(0.003)
  })
})
