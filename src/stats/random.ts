/**
 * Seeded pseudo-random numbers for the statistics code: Monte Carlo sign-flip tests,
 * simulation tests, and the random (RMIT) order of base and head trials. Same seed, same
 * sequence, on every platform: only 32-bit integer arithmetic (`Math.imul`, shifts).
 */

/** A deterministic stream of random numbers; see {@link createRandom}. */
export interface Random {
  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number
  /** A uniform integer in [0, n) for an integer 1 <= n <= 2^32. */
  int(n: number): number
  /** Fisher-Yates shuffle of `array` in place; returns the same array. */
  shuffle<T>(array: T[]): T[]
  /** A standard normal deviate (mean 0, SD 1). */
  normal(): number
}

// A module-level alias keeps the generator free of global lookups (slow in jest's vm).
const { imul } = Math

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992

/**
 * splitmix32: expands a seed into well-mixed 32-bit words, used only to fill the xoshiro
 * state (the xoshiro authors recommend seeding from a splitmix generator so that similar
 * seeds give unrelated streams). Constants from the 32-bit port in
 * https://github.com/bryc/code/blob/master/jshash/PRNGs.md#splitmix32 (after Steele, Lea
 * & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
 */
function splitmix32(seed: number): () => number {
  let a = seed | 0
  return () => {
    a = (a + 0x9e3779b9) | 0
    let t = a ^ (a >>> 16)
    t = imul(t, 0x21f0aaad)
    t ^= t >>> 15
    t = imul(t, 0x735a2d97)
    return (t ^ (t >>> 15)) >>> 0
  }
}

/**
 * Creates a seeded generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4), 2021; reference code at
 * https://prng.di.unimi.it/xoshiro128starstar.c), state filled by splitmix32 from `seed`.
 *
 * `seed` is any finite number; its integer part is used (both 32-bit halves of it, so
 * seeds up to 2^53 are distinct). The stream depends on nothing but the seed.
 */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`)
  const whole = Math.trunc(seed)
  const low = whole >>> 0
  const high = Math.floor(whole / TWO_POW_32) >>> 0
  const mix = splitmix32(low ^ imul(high, 0x85ebca6b))
  let s0 = mix()
  let s1 = mix()
  let s2 = mix()
  let s3 = mix()
  // An all-zero state would be a fixed point; splitmix32 makes it practically impossible.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1

  const nextUint32 = (): number => {
    const product = imul(s1, 5)
    const result = imul((product << 7) | (product >>> 25), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 11) | (s3 >>> 21)
    return result
  }

  // Two outputs give the 53-bit mantissa (the usual (a >> 5, b >> 6) construction).
  const next = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / TWO_POW_53

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`int(n) needs an integer 1 <= n <= 2^32, got ${n}`)
    }
    // Rejection sampling on 32-bit words: exactly uniform, no modulo bias.
    const limit = TWO_POW_32 - (TWO_POW_32 % n)
    for (;;) {
      const word = nextUint32()
      if (word < limit) return word % n
    }
  }

  const shuffle = <T>(array: T[]): T[] => {
    // Durstenfeld's in-place Fisher-Yates (Knuth, TAOCP vol. 2, 3.4.2, Algorithm P).
    for (let i = array.length - 1; i > 0; i--) {
      const j = int(i + 1)
      const tmp = array[i] as T
      array[i] = array[j] as T
      array[j] = tmp
    }
    return array
  }

  let spare: number | undefined
  const normal = (): number => {
    // Box & Muller, "A note on the generation of random normal deviates", Ann. Math.
    // Statist. 29 (1958) 610-611. 1 - next() lies in (0, 1], so the log is finite.
    if (spare !== undefined) {
      const value = spare
      spare = undefined
      return value
    }
    const radius = Math.sqrt(-2 * Math.log(1 - next()))
    const angle = 2 * Math.PI * next()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }

  return { next, int, shuffle, normal }
}
