/**
 * Known failures of a request, as outcomes: what the user got wrong (config, flags, a
 * results file, a git ref: exit 2) or what could not be done (a setup command failed, a
 * file could not be written: exit 3). Unknown errors are perfgate's own bugs: the caller
 * reports them as internal errors.
 */
import { ConfigError } from '../config/errors.js'
import { BaseCheckoutError } from '../git/base-checkout.js'
import { ResultsError } from '../results/format.js'
import { OutputError } from './files.js'
import { EXIT, outcomeOfError, type Outcome } from './outcome.js'
import { RequestError } from './requests.js'

/** The outcome of a known failure, or undefined for an unexpected error. */
export function outcomeOfFailure(error: unknown): Outcome | undefined {
  if (error instanceof ConfigError || error instanceof RequestError) {
    return outcomeOfError(EXIT.usage, error.message)
  }
  if (error instanceof ResultsError) return outcomeOfError(EXIT.usage, error.message)
  if (error instanceof BaseCheckoutError) {
    return outcomeOfError(error.kind === 'usage' ? EXIT.usage : EXIT.runtime, error.message)
  }
  if (error instanceof OutputError) return outcomeOfError(EXIT.runtime, error.message)
  return undefined
}
