/** Reading flag values the same way in every command: errors name the flag and the range. */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { RequestError } from '../app/requests.js'
import { quote } from '../config/errors.js'
import { parseWholeNumber } from '../config/units.js'

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

/**
 * A whole number flag from `min` to `max`, in decimal digits only (no "0x10", "1e1", "");
 * undefined when the flag is absent. `what` names the unit in the message ("A/A pairs").
 */
export function wholeNumber(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
  what = 'whole number'
): number | undefined {
  if (text === undefined) return undefined
  const parsed = parseWholeNumber(text)
  if (!parsed.ok || parsed.value < min || parsed.value > max) {
    throw new UsageError(
      `--${flag}: expected a ${what} from ${min} to ${max} (decimal digits only), got ${quote(text)}`
    )
  }
  return parsed.value
}
