/**
 * `perfgate history`: main's trend and change points, from the data branch (default) or a
 * directory of results files, with the confirmations stored on the data branch. With
 * `--confirm`, each candidate step of a gated metric not confirmed yet is re-measured here
 * as one paired A/B across its window of stored commits (progress on stderr; nothing is
 * written to the data branch). Prints the terminal view (or `--json`); exits 0 when it
 * could read the history (a change point is information, not a failed gate), 2 on a usage
 * error or when there is no stored history to read (an empty directory, a branch without
 * results), 1 when --confirm cannot load the config.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { confirmSteps, stepsToConfirm } from '../app/confirm.js'
import {
  displayPath,
  loadConfigFile,
  openOutput,
  OutputError,
  type OutputTarget
} from '../app/files.js'
import { historyOf, type HistoryReport } from '../app/history.js'
import { ConfigError } from '../config/errors.js'
import type { StepConfirmation } from '../history/confirmation.js'
import { EXIT } from '../app/outcome.js'
import { gitSync } from '../git/run.js'
import { loadChartLibrary } from '../history/chart-library.js'
import { readBranchConfirmations, readDataBranch } from '../history/read-branch.js'
import { HistoryError, readResultsDir } from '../history/read-dir.js'
import { renderHistoryHtml } from '../report/history-html.js'
import type { HistoryEntry } from '../history/series.js'
import { renderHistoryTerminal } from '../report/history-terminal.js'
import { createProcessTrialRunner } from '../runners/index.js'
import type { CliIo } from './main.js'

export const HISTORY_USAGE = `  perfgate history  [--data-branch perfgate-data] [--remote origin] | [--dir <results dir>]
                    [--last <commits>] [--filter <regex>] [--json] [--html <dir>]
                    [--commit-url <url with {commit}>] [--confirm [--config perfgate.yml]]`

const HISTORY_OPTIONS = {
  'data-branch': { type: 'string' },
  remote: { type: 'string' },
  dir: { type: 'string' },
  filter: { type: 'string' },
  last: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  'commit-url': { type: 'string' },
  confirm: { type: 'boolean' },
  config: { type: 'string' }
} as const

/** Most candidates `--confirm` re-measures in one call (see stepsToConfirm for the order). */
export const MAX_LOCAL_CONFIRMATIONS = 10

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
  if (values.config !== undefined && !values.confirm) {
    return usage(
      io,
      '--config is read only with --confirm (the config that decides what is measured)'
    )
  }
  const inRepo = gitSync(io.cwd, ['rev-parse', '--is-inside-work-tree']).out === 'true'
  if (values.confirm && !inRepo) {
    return usage(
      io,
      `--confirm: ${io.cwd} is not in a git repository: the commits are checked out from it`
    )
  }
  const onWarning = (message: string) => io.stderr.write(`perfgate: warning: ${message}\n`)
  let entries
  let stored: StepConfirmation[] = []
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
      stored = readBranchConfirmations({ cwd: io.cwd, branch: values['data-branch'], onWarning })
    }
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error
    io.stderr.write(`perfgate history: ${error.message}\n`)
    return EXIT.usage
  }
  let report = historyOf(entries, { filter, confirmations: stored })
  if (values.confirm) {
    const added = await confirmLocally(entries, report, values.config, io)
    if (added === undefined) return EXIT.runtime
    report = historyOf(entries, { filter, confirmations: [...stored, ...added] })
  }
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

/**
 * `--confirm`: re-measures the candidates (found on both series first, then the larger
 * step, then the newest; at most MAX_LOCAL_CONFIRMATIONS)
 * with the working tree's config; undefined when the config cannot be loaded (said on
 * stderr).
 */
async function confirmLocally(
  entries: readonly HistoryEntry[],
  report: HistoryReport,
  configFile: string | undefined,
  io: CliIo
): Promise<StepConfirmation[] | undefined> {
  const steps = stepsToConfirm(report.changePoints, {
    order: entries.map((e) => e.commit),
    limit: MAX_LOCAL_CONFIRMATIONS,
    series: report.series
  })
  io.stderr.write(
    `perfgate history: ${steps.length} candidate step${steps.length === 1 ? '' : 's'} to confirm\n`
  )
  if (steps.length === 0) return []
  let config
  try {
    config = loadConfigFile(io.cwd, configFile)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.stderr.write(`perfgate history: --confirm: ${error.message}\n`)
    return undefined
  }
  return confirmSteps(
    config,
    steps,
    {
      runner: io.runner ?? createProcessTrialRunner(),
      log: (line) => io.stderr.write(`${line}\n`)
    },
    { budgetMs: Number.POSITIVE_INFINITY }
  )
}
