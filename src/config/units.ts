/**
 * Parsing of the human units that appear in perfgate.yml, flags and action inputs: durations
 * ("5s", "250ms"), percentages ("5%"), sizes ("300MB"), budget limits ("<= 50ms", ">= 4000")
 * and whole numbers ("10"). Pure: each parser returns a value or a message saying what was
 * expected.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string }

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000
}

const SIZE_UNITS_BYTES: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3
}

export const DURATION_EXPECTED = 'a duration like "500ms", "5s" or "1m"'
export const PERCENT_EXPECTED = 'a percentage like "5%"'
export const SIZE_EXPECTED = 'a size like "300MB" or "64MiB"'
export const WHOLE_NUMBER_EXPECTED = 'a whole number in decimal digits, like "10"'

const NUMBER = '(\\d+(?:\\.\\d+)?|\\.\\d+)'

/** Parses a duration into milliseconds. Bare numbers are not accepted: units are explicit. */
export function parseDuration(input: unknown): Parsed<number> {
  if (typeof input !== 'string') return { ok: false, expected: DURATION_EXPECTED }
  const match = new RegExp(`^${NUMBER}\\s*(ns|us|µs|ms|s|m|min)$`).exec(input.trim())
  if (!match) return { ok: false, expected: DURATION_EXPECTED }
  return { ok: true, value: Number(match[1]) * DURATION_UNITS_MS[match[2]!]! }
}

/** Parses "5%" into the fraction 0.05. */
export function parsePercent(input: unknown): Parsed<number> {
  if (typeof input !== 'string') return { ok: false, expected: PERCENT_EXPECTED }
  const match = new RegExp(`^${NUMBER}\\s*%$`).exec(input.trim())
  if (!match) return { ok: false, expected: PERCENT_EXPECTED }
  return { ok: true, value: Number(match[1]) / 100 }
}

/** Parses a size into bytes ("300MB", "64MiB"). */
export function parseSize(input: unknown): Parsed<number> {
  if (typeof input !== 'string') return { ok: false, expected: SIZE_EXPECTED }
  const match = new RegExp(`^${NUMBER}\\s*(B|KB|MB|GB|KiB|MiB|GiB)$`).exec(input.trim())
  if (!match) return { ok: false, expected: SIZE_EXPECTED }
  return { ok: true, value: Number(match[1]) * SIZE_UNITS_BYTES[match[2]!]! }
}

/**
 * Parses a whole number written in decimal digits ("10", "007"). JavaScript's Number() also
 * reads "0x10", "1e1", "0b11", " 10 ", "10.0" and "" (as 16, 10, 3, 10, 10 and 0): a typo or
 * a pasted value would silently become another count or seed, so only digits are taken.
 */
export function parseWholeNumber(input: unknown): Parsed<number> {
  if (typeof input !== 'string' || !/^[0-9]+$/.test(input)) {
    return { ok: false, expected: WHOLE_NUMBER_EXPECTED }
  }
  const value = Number(input)
  return Number.isSafeInteger(value)
    ? { ok: true, value }
    : { ok: false, expected: WHOLE_NUMBER_EXPECTED }
}
