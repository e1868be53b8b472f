/**
 * Where the command line publishes a judged run: the terminal report (or the results as
 * JSON on standard output), the results file (--out) and the markdown report (--report),
 * all from the one report model. Files are written after the report is shown, so a late
 * write failure never hides what was measured; it makes the exit code 3.
 */
import { OutputError, type OutputTarget } from '../app/files.js'
import type { Publisher } from '../app/pr-run.js'
import { terminalName } from '../process/text.js'
import { renderMarkdownReport } from '../report/markdown.js'
import { renderTerminalReport, renderTerminalVerdict } from '../report/terminal.js'
import { serializeResults } from '../results/format.js'
import { VERSION } from '../version.js'
import { writeProblem } from './failures.js'
import type { ProgressStream } from '../app/progress.js'

/** The streams a command writes to. */
interface Screen {
  readonly stdout: ProgressStream
  readonly stderr: ProgressStream
}

/** The outputs a command was asked for, opened before anything is measured. */
export interface CliOutputs {
  readonly out?: OutputTarget
  readonly report?: OutputTarget
  readonly json: boolean
}

/** The command's publishers, and whether a file could not be written. */
export interface CliPresentation {
  readonly publishers: readonly Publisher[]
  readonly writeFailed: () => boolean
}

/** The terminal report, or the results as JSON on standard output with --json. */
function screenPublisher(outputs: CliOutputs, io: Screen): Publisher {
  const terminal = outputs.out?.isStdout || outputs.report?.isStdout ? io.stderr : io.stdout
  return {
    publish: ({ results, report }) => {
      if (outputs.json) {
        io.stdout.write(serializeResults(results))
        return
      }
      const table = results.benchmarks.length > 0 ? renderTerminalReport(results) + '\n' : ''
      terminal.write(`\n${table}${renderTerminalVerdict(report)}`)
    }
  }
}

/** Publishers for the screen, --out and --report. */
export function cliPublishers(outputs: CliOutputs, io: Screen): CliPresentation {
  let failed = false
  const file = (
    target: OutputTarget | undefined,
    what: string,
    text: (run: Parameters<Publisher['publish']>[0]) => string
  ): Publisher[] =>
    target
      ? [
          {
            publish: (run) => {
              try {
                target.write(text(run))
                if (!target.isStdout) {
                  io.stderr.write(`${what} written to ${terminalName(target.display)}\n`)
                }
              } catch (error) {
                if (!(error instanceof OutputError)) throw error
                writeProblem(io.stderr, error.message)
                failed = true
              }
            }
          }
        ]
      : []
  return {
    publishers: [
      screenPublisher(outputs, io),
      ...file(outputs.out, 'results', ({ results }) => serializeResults(results)),
      ...file(outputs.report, 'report', ({ report }) =>
        renderMarkdownReport(report, { version: VERSION })
      )
    ],
    writeFailed: () => failed
  }
}
