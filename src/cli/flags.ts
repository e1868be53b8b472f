/** Reading flag values the same way in every command: errors name the flag and the range. */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { RequestError } from '../app/requests.js'

/** A bad flag or argument: the command prints it with its usage (exit 2). */
export class UsageError extends RequestError {}

/** The flags of `args` (no positionals), strictly: an unknown flag is a usage error. */
export function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** A regular-expression flag; undefined when the flag is absent. */
export function regex(flag: string, text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined
  try {
    return new RegExp(text)
  } catch (error) {
    throw new UsageError(`--${flag}: not a valid regular expression: ${(error as Error).message}`)
  }
}

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
