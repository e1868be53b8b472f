/**
 * Known failures of a request, mapped to outcomes in this one place: what the user got
 * wrong (config, flags, a results file, a git ref, an untrusted artifact: exit 2) or what
 * could not be done (a setup command failed, a file could not be written: exit 3). Every
 * front end reads its exit code and message here and only formats them. Unknown errors are
 * perfgate's own bugs: the caller reports them as internal errors.
 */
import { ConfigError } from '../config/errors.js'
import { BaseCheckoutError } from '../git/base-checkout.js'
import { ResultsError } from '../results/format.js'
import { BisectError } from './bisect.js'
import { OutputError } from './files.js'
import { EXIT, outcomeOfError, type Outcome } from './outcome.js'
import { RequestError } from './requests.js'

/**
 * A run's input refused for trust: an artifact from a job that ran pull request code which
 * does not match what it claims (another commit than the pull request's head, say). Exit 2.
 */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RefusedError'
  }
}

/**
 * What kind of failure it was, for the front end's formatting: `config` (each issue names
 * its file, line and field), `request` (a flag or input: the CLI shows its usage after it),
 * `input` (a file or ref given, or an artifact refused), `runtime` (could not be done).
 */
export type FailureKind = 'config' | 'request' | 'input' | 'runtime'

/** A known failure: its kind, its message (untrusted text: made inert where shown), its outcome. */
export interface KnownFailure {
  readonly kind: FailureKind
  readonly message: string
  readonly outcome: Outcome
}

function known(kind: FailureKind, exitCode: 2 | 3, message: string): KnownFailure {
  return { kind, message, outcome: outcomeOfError(exitCode, message) }
}

/** The known failure an error is, or undefined for an unexpected error. */
export function failureOf(error: unknown): KnownFailure | undefined {
  if (error instanceof ConfigError) return known('config', EXIT.usage, error.message)
  if (error instanceof RequestError) return known('request', EXIT.usage, error.message)
  if (
    error instanceof ResultsError ||
    error instanceof BisectError ||
    error instanceof RefusedError
  ) {
    return known('input', EXIT.usage, error.message)
  }
  if (error instanceof BaseCheckoutError) {
    return error.kind === 'usage'
      ? known('input', EXIT.usage, error.message)
      : known('runtime', EXIT.runtime, error.message)
  }
  if (error instanceof OutputError) return known('runtime', EXIT.runtime, error.message)
  return undefined
}
