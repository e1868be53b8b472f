/**
 * `perfgate history`: main's trend and change points from a directory of results files.
 * Prints the terminal view (or `--json`); always exits 0 when it could read the history
 * (a change point is information, not a failed gate), 2 on a usage error.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { displayPath } from '../app/files.js'
import { historyOf } from '../app/history.js'
import { EXIT } from '../app/outcome.js'
import { gitSync } from '../git/run.js'
import { HistoryError, readResultsDir } from '../history/read-dir.js'
import { renderHistoryTerminal } from '../report/history-terminal.js'
import type { CliIo } from './main.js'

export const HISTORY_USAGE = `  perfgate history  --dir <results dir> [--filter <regex>] [--json]`

const HISTORY_OPTIONS = {
  dir: { type: 'string' },
  filter: { type: 'string' },
  json: { type: 'boolean' }
} as const

function usage(io: CliIo, message: string): number {
  io.stderr.write(`perfgate history: ${message}\n\nUsage:\n${HISTORY_USAGE}\n`)
  return EXIT.usage
}

/**
 * Runs `perfgate history` with `args` (after the command word). The results files are
 * ordered along the first-parent history of HEAD when the working directory is in a git
 * repository, else by when they were measured.
 */
export async function commandHistory(args: string[], io: CliIo): Promise<number> {
  let values
  try {
    values = parseArgs({ args, options: HISTORY_OPTIONS, strict: true, allowPositionals: false })
      .values
  } catch (error) {
    return usage(io, (error as Error).message)
  }
  if (values.dir === undefined) return usage(io, '--dir <results dir> is required')
  let filter: RegExp | undefined
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter)
    } catch (error) {
      return usage(io, `--filter: not a valid regular expression: ${(error as Error).message}`)
    }
  }
  const inRepo = gitSync(io.cwd, ['rev-parse', '--is-inside-work-tree']).out === 'true'
  const dir = path.resolve(io.cwd, values.dir)
  let entries
  try {
    entries = readResultsDir(dir, {
      repo: inRepo ? io.cwd : undefined,
      onWarning: (message) => io.stderr.write(`perfgate: warning: ${message}\n`),
      display: (file) => displayPath(io.cwd, file)
    })
  } catch (error) {
    if (error instanceof HistoryError) return usage(io, error.message)
    throw error
  }
  const report = historyOf(entries, { filter })
  if (values.json) io.stdout.write(JSON.stringify(report) + '\n')
  else io.stdout.write(renderHistoryTerminal(report))
  return EXIT.passed
}
