/**
 * How the commands report a failure they know (a bad flag, config, results file, git ref,
 * setup): one message on stderr and an exit code. Messages quote what the user or a file
 * gave (paths, refs, values), so they go to the terminal made inert, in this one place.
 */
import { BisectError } from '../app/bisect.js'
import { EXIT } from '../app/outcome.js'
import { RequestError } from '../app/requests.js'
import { ConfigError } from '../config/errors.js'
import { BaseCheckoutError } from '../git/base-checkout.js'
import { sanitizeChildText } from '../process/text.js'
import { ResultsError } from '../results/format.js'
import type { ProgressStream } from '../app/progress.js'

/** Writes `perfgate: <text>` with the text's control and bidirectional characters escaped. */
export function writeProblem(stream: ProgressStream, text: string): void {
  stream.write(`perfgate: ${sanitizeChildText(text)}\n`)
}

/**
 * Reports a known failure on `stream` and returns its exit code; undefined for an error it
 * does not know (an internal error, rethrown by the caller). A request error is followed
 * by the command's `usage`.
 */
export function reportFailure(
  stream: ProgressStream,
  error: unknown,
  usage: string
): number | undefined {
  if (error instanceof ConfigError) {
    // Each issue already names its file, line and field (and is printable).
    stream.write(`${sanitizeChildText(error.message)}\n`)
    return EXIT.usage
  }
  if (error instanceof RequestError) {
    writeProblem(stream, error.message)
    stream.write(`\n${usage}`)
    return EXIT.usage
  }
  if (error instanceof ResultsError || error instanceof BisectError) {
    writeProblem(stream, error.message)
    return EXIT.usage
  }
  if (error instanceof BaseCheckoutError) {
    writeProblem(stream, error.message)
    return error.kind === 'usage' ? EXIT.usage : EXIT.runtime
  }
  return undefined
}
