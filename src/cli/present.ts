/**
 * How the command line presents a run: its outputs opened before anything is measured,
 * the request run through the PR-run use case, and its publishers: the terminal report (or
 * the results as JSON on standard output), the results file (--out) and the markdown report
 * (--report), all from the one report model. Files are written after the report is shown, so a late
 * write failure never hides what was measured; it makes the exit code 3.
 */
import { openOutput, OutputError, type OutputTarget } from '../app/files.js'
import { EXIT } from '../app/outcome.js'
import {
  prRun,
  type PrRunDependencies,
  type PrRunLog,
  type PrRunRequest,
  type Publisher
} from '../app/pr-run.js'
import type { Results } from '../results/types.js'
import { createProcessTrialRunner } from '../runners/index.js'
import type { TrialRunner } from '../runners/types.js'
import { UsageError } from './flags.js'
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

/** What presenting needs of the command's io (src/cli/main.ts CliIo). */
interface PresentIo extends Screen {
  readonly cwd: string
  /** Injected for tests; the real one starts processes. */
  readonly runner?: TrialRunner
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

/**
 * Opens the requested outputs before anything is measured. At most one of them may use
 * standard output; when one does, the terminal report goes to stderr.
 */
export function openOutputs(
  values: { out?: string; report?: string; json?: boolean },
  io: PresentIo
): CliOutputs {
  const onStdout = [
    values.json && '--json',
    values.out === '-' && '--out -',
    values.report === '-' && '--report -'
  ].filter(Boolean)
  if (onStdout.length > 1) {
    throw new UsageError(`${onStdout.join(' and ')}: only one output can go to standard output`)
  }
  const open = (file: string | undefined) => {
    if (file === undefined) return undefined
    try {
      return openOutput(io.cwd, file, io.stdout)
    } catch (error) {
      if (error instanceof OutputError) throw new UsageError(error.message)
      throw error
    }
  }
  return { out: open(values.out), report: open(values.report), json: values.json === true }
}

/**
 * Runs a request through the PR-run use case, published to the screen and the files asked
 * for; returns the outcome's exit code (3 when a file could not be written).
 */
export async function judgeAndPresent(
  request: PrRunRequest,
  outputs: CliOutputs,
  io: PresentIo,
  deps: Partial<PrRunDependencies> = {}
): Promise<number> {
  const shown = cliPublishers(outputs, io)
  const run = await prRun(request, {
    runner: io.runner ?? createProcessTrialRunner(),
    log: cliLog(io.stderr),
    ...deps,
    publishers: shown.publishers
  })
  return shown.writeFailed() ? EXIT.runtime : run.outcome.exitCode
}

/** The CLI's log for the use case: notes and warnings alike go to stderr. */
function cliLog(stderr: ProgressStream): PrRunLog {
  return {
    ...(stderr.isTTY !== undefined ? { isTTY: stderr.isTTY } : {}),
    write: (text) => stderr.write(text),
    info: (line) => void stderr.write(`${line}\n`),
    warning: (line) => void stderr.write(`${line}\n`)
  }
}

/** Writes results after each benchmark; a failure is said once and the run goes on. */
export function partialWriter(out: OutputTarget | undefined, io: PresentIo) {
  if (!out || out.isStdout) return undefined
  let warned = false
  return (partial: Results) => {
    try {
      out.write(serializeResults(partial))
    } catch (error) {
      if (!(error instanceof OutputError) || warned) return
      warned = true
      writeProblem(io.stderr, `${error.message}; will try again at the end`)
    }
  }
}
