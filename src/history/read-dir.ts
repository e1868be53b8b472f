/**
 * Reading main's history from a local directory of results files (`perfgate history
 * --dir`): every `*.json` file in it, checked like any results file, ordered oldest to
 * newest along the first-parent history of a git repository when one is given (the order
 * main got its commits, whatever order they were measured in), else by `createdAt`. A file
 * that cannot be used is skipped with a warning naming it and why, never silently: only
 * regular files are opened (a FIFO or a device would block or never end), a symbolic link
 * only when it stays inside the directory, and none larger than MAX_RESULTS_FILE_BYTES.
 */
import { spawnSync } from 'node:child_process'
import { lstatSync, readdirSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { gitInvocation, gitSync } from '../git/run.js'
import { MAX_RESULTS_FILE_BYTES, parseResults, ResultsError } from '../results/format.js'
import { readRegularFile } from '../regular-file.js'
import type { HistoryEntry } from './series.js'

export class HistoryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HistoryError'
  }
}

export interface ReadHistoryOptions {
  /**
   * A directory inside a git repository: entries are ordered along `git rev-list
   * --first-parent <ref>` there. Without it, by `createdAt`.
   */
  readonly repo?: string
  /** The ref whose first-parent history orders the entries. Default `HEAD`. */
  readonly ref?: string
  /** Called once per file skipped or per ordering fallback, with a sentence saying why. */
  readonly onWarning: (message: string) => void
  /** How files are named in warnings (default: the path as joined from `dir`). */
  readonly display?: (file: string) => string
  /** Only the newest this many commits (after ordering). Default: all. */
  readonly last?: number
}

/** The newest `last` entries (all when undefined). */
export function newest(entries: HistoryEntry[], last: number | undefined): HistoryEntry[] {
  return last === undefined ? entries : entries.slice(Math.max(0, entries.length - last))
}

/** One results file as read (before ordering). */
export interface ReadEntry extends HistoryEntry {
  /** The file it came from, as shown in warnings. */
  readonly file: string
}

/**
 * The commits of `ref`'s first-parent history, oldest first; undefined (with the reason)
 * when `repo` is not a git repository or the ref is unknown.
 */
export function firstParentHistory(
  repo: string,
  ref = 'HEAD'
): { commits: string[] } | { error: string } {
  if (ref.startsWith('-')) return { error: `"${ref}" is not a valid ref` }
  const git = gitInvocation(repo, ['rev-list', '--first-parent', '--reverse', ref, '--'], {
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0'
  })
  const run = spawnSync(git.command, git.args, {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60_000,
    env: git.env
  })
  if (run.error) return { error: run.error.message }
  if (run.status !== 0) return { error: (run.stderr ?? '').trim() || `git exited ${run.status}` }
  if (gitSync(repo, ['rev-parse', '--is-shallow-repository']).out === 'true') {
    return { error: 'the clone is shallow (fetch its whole history to order along it)' }
  }
  return { commits: run.stdout.split('\n').filter((line) => line !== '') }
}

/** Files off the history named one by one; the rest are counted in one warning. */
const MAX_NAMED_OFF_HISTORY = 5

/**
 * Orders read entries oldest to newest: along `history` (full shas, oldest first) when
 * given, else by `createdAt`. With a history, entries without a commit or with one that
 * is not on it are skipped with a warning; if none of them is on it, the order falls back
 * to `createdAt` (with a warning), so a directory measured elsewhere is still shown. Two
 * entries of the same commit: the newer measurement is kept.
 */
export function orderEntries(
  entries: readonly ReadEntry[],
  history: readonly string[] | undefined,
  onWarning: (message: string) => void
): HistoryEntry[] {
  const byCreated = (a: ReadEntry, b: ReadEntry) =>
    Date.parse(a.results.createdAt) - Date.parse(b.results.createdAt) ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
  let ordered: ReadEntry[]
  const position = new Map(history?.map((commit, index) => [commit, index]))
  if (history && entries.some((entry) => position.has(entry.commit))) {
    ordered = []
    let offHistory = 0
    for (const entry of entries) {
      if (position.has(entry.commit)) ordered.push(entry)
      else if (entry.commit === '') {
        onWarning(`${entry.file}: skipped: it records no git commit (environment.git.commit)`)
      } else if (++offHistory <= MAX_NAMED_OFF_HISTORY) {
        onWarning(
          `${entry.file}: skipped: commit ${entry.commit} is not on the first-parent history`
        )
      }
    }
    if (offHistory > MAX_NAMED_OFF_HISTORY) {
      onWarning(
        `skipped ${offHistory - MAX_NAMED_OFF_HISTORY} more results files of commits ` +
          'not on the first-parent history'
      )
    }
    ordered.sort((a, b) => position.get(a.commit)! - position.get(b.commit)! || byCreated(a, b))
  } else {
    if (history && entries.length > 0) {
      onWarning(
        'none of the results files measured a commit of the first-parent history: ' +
          'ordered by when they were measured (createdAt) instead'
      )
    }
    ordered = [...entries].sort(byCreated)
  }
  // One point per commit: a later entry of the same commit (re-measured) replaces the earlier.
  const kept: ReadEntry[] = []
  for (const entry of ordered) {
    const last = kept[kept.length - 1]
    if (last && entry.commit !== '' && last.commit === entry.commit) {
      onWarning(`${last.file}: skipped: ${entry.file} measured the same commit later`)
      kept[kept.length - 1] = entry
    } else kept.push(entry)
  }
  return kept.map(({ commit, results }) => ({ commit, results }))
}

/** Why a directory entry is not read, or its text. */
type FileText = { readonly text: string } | { readonly skip: string }

/**
 * The text of `name` in `dir` when it is a regular file of at most MAX_RESULTS_FILE_BYTES
 * (a link: when its target is one, inside `realDir`). Opened without blocking and without
 * following a link swapped in after the check; its type and size are checked again on the
 * open file.
 */
function readResultsText(dir: string, realDir: string, name: string): FileText {
  let file = path.join(dir, name)
  const entry = lstatSync(file)
  if (entry.isSymbolicLink()) {
    let target: string
    try {
      target = realpathSync(file)
    } catch (error) {
      return { skip: `a symbolic link that cannot be followed (${(error as Error).message})` }
    }
    const inside = path.relative(realDir, target)
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      return { skip: 'a symbolic link to outside the directory' }
    }
    file = target
  }
  try {
    return {
      text: readRegularFile(file, MAX_RESULTS_FILE_BYTES, { noFollow: true }).toString('utf8')
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== undefined) throw error
    return { skip: (error as Error).message }
  }
}

/**
 * Reads every `*.json` file directly in `dir` (not recursively) and orders the results.
 * Throws HistoryError when `dir` cannot be listed or holds no usable results file.
 */
export function readResultsDir(dir: string, options: ReadHistoryOptions): HistoryEntry[] {
  let names: string[]
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.name.endsWith('.json') && !entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  } catch (error) {
    throw new HistoryError(
      `${(options.display ?? ((f: string) => f))(dir)}: cannot list the results directory: ${(error as Error).message}`
    )
  }
  const display = options.display ?? ((file: string) => file)
  const realDir = realpathSync(dir)
  const read: ReadEntry[] = []
  for (const name of names) {
    const file = path.join(dir, name)
    const shown = display(file)
    try {
      const content = readResultsText(dir, realDir, name)
      if ('skip' in content) {
        options.onWarning(`${shown}: skipped: ${content.skip}`)
        continue
      }
      const results = parseResults(content.text, shown)
      if (Number.isNaN(Date.parse(results.createdAt))) {
        options.onWarning(`${shown}: skipped: createdAt is not a date (${results.createdAt})`)
        continue
      }
      read.push({ file: shown, commit: results.environment.git?.commit ?? '', results })
    } catch (error) {
      if (error instanceof ResultsError) options.onWarning(`skipped ${error.message}`)
      else options.onWarning(`${shown}: skipped: cannot read: ${(error as Error).message}`)
    }
  }
  let history: string[] | undefined
  if (options.repo !== undefined) {
    const found = firstParentHistory(options.repo, options.ref)
    if ('error' in found) {
      options.onWarning(
        `cannot read the first-parent history of ${options.ref ?? 'HEAD'}: ${found.error}; ` +
          'ordered by when the results were measured (createdAt) instead'
      )
    } else history = found.commits
  }
  if (read.length === 0) {
    throw new HistoryError(
      `${display(dir)}: no usable results files (perfgate results, *.json) in the directory`
    )
  }
  return newest(orderEntries(read, history, options.onWarning), options.last)
}
