/** Reading flag values the same way in every command: errors name the flag and the range. */

/** A bad flag or argument: the command prints it with its usage (exit 2). */
export class UsageError extends Error {}

/** A whole number flag from `min` to `max`; undefined when the flag is absent. */
export function wholeNumber(
  flag: string,
  text: string | undefined,
  min: number,
  max: number
): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`
    )
  }
  return n
}
