/**
 * `perfgate history`: main's trend and change points, from the data branch (default) or a
 * directory of results files. Prints the terminal view (or `--json`); exits 0 when it could
 * read the history (a change point is information, not a failed gate), 2 on a usage error
 * or when there is no stored history to read (an empty directory, a branch without results).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { displayPath, openOutput, OutputError, type OutputTarget } from '../app/files.js'
import { historyOf } from '../app/history.js'
import { EXIT } from '../app/outcome.js'
import { gitSync } from '../git/run.js'
import { loadChartLibrary } from '../history/chart-library.js'
import { readDataBranch } from '../history/read-branch.js'
import { HistoryError, readResultsDir } from '../history/read-dir.js'
import { renderHistoryHtml } from '../report/history-html.js'
import { renderHistoryTerminal } from '../report/history-terminal.js'
import type { CliIo } from './main.js'

export const HISTORY_USAGE = `  perfgate history  [--data-branch perfgate-data] [--remote origin] | [--dir <results dir>]
                    [--last <commits>] [--filter <regex>] [--json] [--html <dir>]
                    [--commit-url <url with {commit}>]`

const HISTORY_OPTIONS = {
  'data-branch': { type: 'string' },
  remote: { type: 'string' },
  dir: { type: 'string' },
  filter: { type: 'string' },
  last: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  'commit-url': { type: 'string' }
} as const

function usage(io: CliIo, message: string): number {
  io.stderr.write(`perfgate history: ${message}\n\nUsage:\n${HISTORY_USAGE}\n`)
  return EXIT.usage
}

/**
 * Runs `perfgate history` with `args` (after the command word). Without `--dir` it reads
 * the data branch of the repository the working directory is in. Results are ordered along
 * the first-parent history of HEAD when the working directory is in a git repository with
 * its whole history, else by when they were measured.
 */
export async function commandHistory(args: string[], io: CliIo): Promise<number> {
  let values
  try {
    values = parseArgs({
      args,
      options: HISTORY_OPTIONS,
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    return usage(io, (error as Error).message)
  }
  const fromBranch = values['data-branch'] !== undefined || values.remote !== undefined
  if (fromBranch && values.dir !== undefined) {
    return usage(
      io,
      '--dir excludes --data-branch and --remote: read a directory or the data branch'
    )
  }
  let filter: RegExp | undefined
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter)
    } catch (error) {
      return usage(io, `--filter: not a valid regular expression: ${(error as Error).message}`)
    }
  }
  let last: number | undefined
  if (values.last !== undefined) {
    if (!/^[1-9][0-9]{0,8}$/.test(values.last)) {
      return usage(
        io,
        `--last: expected a whole number of commits (1 or more), got ${JSON.stringify(values.last)}`
      )
    }
    last = Number(values.last)
  }
  const commitUrl = values['commit-url']
  if (commitUrl !== undefined && !/^https?:\/\/\S*\{commit\}/.test(commitUrl)) {
    return usage(
      io,
      `--commit-url: expected an http(s) URL containing {commit}, got ${JSON.stringify(commitUrl)}`
    )
  }
  // The dashboard's file is checked before anything is read.
  let html: OutputTarget | undefined
  if (values.html !== undefined) {
    try {
      html = openOutput(io.cwd, path.join(values.html, 'index.html'), io.stdout)
    } catch (error) {
      if (!(error instanceof OutputError)) throw error
      return usage(io, `--html: ${error.message}`)
    }
  }
  const inRepo = gitSync(io.cwd, ['rev-parse', '--is-inside-work-tree']).out === 'true'
  const onWarning = (message: string) => io.stderr.write(`perfgate: warning: ${message}\n`)
  let entries
  try {
    if (values.dir !== undefined) {
      entries = readResultsDir(path.resolve(io.cwd, values.dir), {
        repo: inRepo ? io.cwd : undefined,
        onWarning,
        last,
        display: (file) => displayPath(io.cwd, file)
      })
    } else {
      if (!inRepo) {
        return usage(
          io,
          `${io.cwd} is not in a git repository: run it in one to read its data branch, or pass --dir`
        )
      }
      entries = readDataBranch({
        cwd: io.cwd,
        branch: values['data-branch'],
        remote: values.remote,
        last,
        onWarning
      })
    }
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error
    io.stderr.write(`perfgate history: ${error.message}\n`)
    return EXIT.usage
  }
  const report = historyOf(entries, { filter })
  if (values.json) io.stdout.write(JSON.stringify(report) + '\n')
  else io.stdout.write(renderHistoryTerminal(report))
  if (html) {
    try {
      const page = renderHistoryHtml(report, {
        library: loadChartLibrary(),
        commitUrl,
        generatedAt: new Date().toISOString()
      })
      html.write(page)
    } catch (error) {
      if (!(error instanceof OutputError || error instanceof HistoryError)) throw error
      io.stderr.write(`perfgate history: ${error.message}\n`)
      return EXIT.runtime
    }
    io.stderr.write(`dashboard written to ${html.display}\n`)
  }
  return EXIT.passed
}
