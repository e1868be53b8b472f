/** Durations of the config: a unit is required, and every one is bounded (each feeds a timer). */
import { MAX_DURATION_MS } from '../defaults.js'
import { describeValue } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import { parseDuration } from '../units.js'

/** MAX_DURATION_MS as a user writes it. */
const MAX_DURATION_TEXT = `${MAX_DURATION_MS / 60_000}m (${MAX_DURATION_MS / 3_600_000} hours)`

export interface DurationRule {
  /** Zero is refused (a timeout or a measuring time of zero cannot be meant). */
  readonly positive: boolean
}

/**
 * Milliseconds of the duration at `field`; `fallback` when it is absent. A bad value
 * records an issue (and returns `fallback`, so checking goes on).
 */
export function duration(
  issues: Issues,
  value: string | number | undefined,
  field: FieldPath,
  fallback: number,
  rule: DurationRule
): number {
  if (value === undefined) return fallback
  const ms = issues.unit(parseDuration(value), field, value, fallback)
  if (rule.positive && ms <= 0) {
    issues.add(field, `expected a duration above zero, got ${describeValue(value)}`)
  } else if (ms > MAX_DURATION_MS) {
    issues.add(
      field,
      `expected a duration of at most ${MAX_DURATION_TEXT}, got ${describeValue(value)}`
    )
  }
  return ms
}

/** A timeout or measuring time: above zero. */
export const positiveDuration = (
  issues: Issues,
  value: string | number | undefined,
  field: FieldPath,
  fallback: number
): number => duration(issues, value, field, fallback, { positive: true })

/** A warm-up: zero allowed. */
export const optionalDuration = (
  issues: Issues,
  value: string | number | undefined,
  field: FieldPath,
  fallback: number
): number => duration(issues, value, field, fallback, { positive: false })
