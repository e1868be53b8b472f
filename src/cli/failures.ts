/**
 * How the commands show a failure they know (a bad flag, config, results file, git ref,
 * setup): one message on stderr; the exit code comes from the one mapping in
 * src/app/errors.ts. Messages quote what the user or a file gave (paths, refs, values), so
 * they go to the terminal made inert, in this one place.
 */
import { failureOf } from '../app/errors.js'
import { sanitizeChildText } from '../process/text.js'
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
  const failure = failureOf(error)
  if (!failure) return undefined
  // A config error's issues already name their file, line and field (and are printable).
  if (failure.kind === 'config') stream.write(`${sanitizeChildText(failure.message)}\n`)
  else writeProblem(stream, failure.message)
  if (failure.kind === 'request') stream.write(`\n${usage}`)
  return failure.outcome.exitCode
}
