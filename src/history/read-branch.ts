/**
 * Reading main's history from the data branch (`perfgate history`, its default source): the
 * branch is fetched from the remote into perfgate's private ref `refs/perfgate/<branch>`
 * (as the store does: no branch, index or working tree of the user is touched), its
 * `results/<commit>.json` files are listed with one `git ls-tree` and read with one
 * `git cat-file --batch`, checked like any results file, and ordered along the first-parent
 * history of HEAD. A file that cannot be used is skipped with a warning naming it.
 */
import { spawnSync } from 'node:child_process'
import { gitInvocation } from '../git/run.js'
import { MAX_RESULTS_FILE_BYTES, parseResults, ResultsError } from '../results/format.js'
import {
  firstParentHistory,
  HistoryError,
  newest,
  orderEntries,
  type ReadEntry
} from './read-dir.js'
import {
  CONFIRMATION_FILE,
  CONFIRMATIONS_DIR,
  MAX_CONFIRMATION_BYTES,
  parseConfirmation,
  type StepConfirmation
} from './confirmation.js'
import type { HistoryEntry } from './series.js'

export interface ReadBranchOptions {
  /** A directory inside the repository. */
  readonly cwd: string
  /** Default `perfgate-data`. */
  readonly branch?: string
  /** Default `origin`. */
  readonly remote?: string
  /** The ref whose first-parent history orders the entries. Default `HEAD`. */
  readonly ref?: string
  /**
   * The branch was just fetched into perfgate's private ref (the action, right after
   * storing): read that copy without asking the remote again. Fetched when it is missing.
   */
  readonly fetched?: boolean
  /**
   * Only the newest this many stored commits of the first-parent history: the others are
   * not even read. Default: all.
   */
  readonly last?: number
  readonly onWarning: (message: string) => void
}

const RESULTS_FILE = /^results\/([0-9a-f]{40}|[0-9a-f]{64})\.json$/
const MAX_BUFFER = 2 * 1024 * 1024 * 1024 - 1

function git(cwd: string, args: readonly string[], input?: string, timeout = 60_000) {
  const git = gitInvocation(cwd, args, { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' })
  return spawnSync(git.command, git.args, {
    cwd,
    input,
    maxBuffer: MAX_BUFFER,
    timeout,
    env: git.env
  })
}

/** The files under `dir` of `ref`, NUL-separated, with sizes (-l: an oversized blob is refused before it is read). */
function listTree(cwd: string, ref: string, dir: string) {
  return git(cwd, ['ls-tree', '-r', '-l', '-z', '--full-tree', ref, '--', dir])
}

function firstLine(output: Buffer | string | null): string {
  return (output ?? '').toString().trim().split('\n')[0] ?? ''
}

/** Fetches the data branch; returns the ref to read (the last fetched tip when offline). */
function fetchBranch(options: ReadBranchOptions, branch: string, remote: string): string {
  const ref = `refs/perfgate/${branch}`
  const known = () =>
    git(options.cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).status === 0
  if (options.fetched && known()) return ref
  const fetched = git(
    options.cwd,
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-recurse-submodules',
      '--no-write-fetch-head',
      remote,
      `+refs/heads/${branch}:${ref}`
    ],
    undefined,
    120_000
  )
  if (fetched.status === 0) return ref
  const reason = firstLine(fetched.stderr) || fetched.error?.message || 'git failed'
  if (known()) {
    options.onWarning(
      `could not fetch ${branch} from ${remote} (${reason}): showing the copy fetched before`
    )
    return ref
  }
  throw new HistoryError(`could not fetch the data branch ${branch} from ${remote}: ${reason}`)
}

/** Splits `git cat-file --batch` output into the objects' contents, in request order. */
function splitBatch(output: Buffer, count: number): (Buffer | undefined)[] {
  const contents: (Buffer | undefined)[] = []
  let at = 0
  for (let i = 0; i < count; i++) {
    const end = output.indexOf(0x0a, at)
    if (end < 0) break
    const header = output.subarray(at, end).toString('utf8')
    const size = /^\S+ blob (\d+)$/.exec(header)
    if (!size) {
      contents.push(undefined) // "<name> missing"
      at = end + 1
      continue
    }
    const length = Number(size[1])
    contents.push(output.subarray(end + 1, end + 1 + length))
    at = end + 1 + length + 1
  }
  return contents
}

/**
 * The stored results of main, oldest first. Throws HistoryError when nothing can be read,
 * or the branch holds no usable results file.
 */
export function readDataBranch(options: ReadBranchOptions): HistoryEntry[] {
  const branch = options.branch ?? 'perfgate-data'
  const remote = options.remote ?? 'origin'
  for (const [what, name] of Object.entries({ branch, remote })) {
    if (name === '' || name.startsWith('-')) {
      throw new HistoryError(
        `--${what === 'branch' ? 'data-branch' : what}: "${name}" is not a valid name`
      )
    }
  }
  const ref = fetchBranch(options, branch, remote)
  const listed = listTree(options.cwd, ref, 'results')
  if (listed.status !== 0) {
    throw new HistoryError(`cannot list ${branch}: ${firstLine(listed.stderr)}`)
  }
  let files: { path: string; blob: string; commit: string }[] = []
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    if (record === '') continue
    const tab = record.indexOf('\t')
    const [mode, type, blob, size] = record.slice(0, tab).split(/ +/)
    const file = record.slice(tab + 1)
    const match = RESULTS_FILE.exec(file)
    // A link (mode 120000) or a submodule is not a file perfgate wrote.
    if (type !== 'blob' || !mode?.startsWith('1006') || !match) {
      options.onWarning(`${branch}:${file}: skipped: not a results file (results/<commit>.json)`)
      continue
    }
    if (Number(size) > MAX_RESULTS_FILE_BYTES) {
      options.onWarning(
        `${branch}:${file}: skipped: ${size} bytes, larger than a results file can be (${MAX_RESULTS_FILE_BYTES} bytes)`
      )
      continue
    }
    files.push({ path: file, blob: blob!, commit: match[1]! })
  }
  if (files.length === 0) {
    throw new HistoryError(
      `${branch} (fetched from ${remote}) holds no perfgate results (no results/<commit>.json files): ` +
        'is it the branch the action stores into (input data-branch)?'
    )
  }
  const history = firstParentHistory(options.cwd, options.ref)
  if ('error' in history) {
    options.onWarning(
      `cannot read the first-parent history of ${options.ref ?? 'HEAD'}: ${history.error}; ` +
        'ordered by when the results were measured (createdAt) instead'
    )
  } else if (options.last !== undefined) {
    files = newestOnHistory(files, history.commits, options.last)
  }
  const batch = git(
    options.cwd,
    ['cat-file', '--batch'],
    files.map((f) => f.blob).join('\n') + '\n'
  )
  if (batch.status !== 0)
    throw new HistoryError(`cannot read ${branch}: ${firstLine(batch.stderr)}`)
  const contents = splitBatch(batch.stdout, files.length)
  const read: ReadEntry[] = []
  files.forEach((file, i) => {
    const shown = `${branch}:${file.path}`
    const content = contents[i]
    if (!content) {
      options.onWarning(`${shown}: skipped: its object is missing`)
      return
    }
    try {
      const results = parseResults(content.toString('utf8'), shown)
      read.push({ file: shown, commit: file.commit, results })
    } catch (error) {
      if (!(error instanceof ResultsError)) throw error
      options.onWarning(`skipped ${error.message}`)
    }
  })
  if (read.length === 0) {
    throw new HistoryError(`${branch}: none of its ${files.length} results files could be used`)
  }
  return newest(
    orderEntries(read, 'error' in history ? undefined : history.commits, options.onWarning),
    options.last
  )
}

/** The files of the newest `last` stored commits along `history` (oldest first). */
function newestOnHistory<T extends { readonly commit: string }>(
  files: readonly T[],
  history: readonly string[],
  last: number
): T[] {
  const stored = new Set(files.map((file) => file.commit))
  const wanted = new Set<string>()
  for (let i = history.length - 1; i >= 0 && wanted.size < last; i--) {
    if (stored.has(history[i]!)) wanted.add(history[i]!)
  }
  return files.filter((file) => wanted.has(file.commit))
}

/**
 * The confirmations stored on the data branch (`confirmations/<commit>/<hash>.json`), read
 * from the copy {@link readDataBranch} fetched (call it first). Each is checked like a
 * results file; one that cannot be used is skipped with a warning naming it. None when the
 * branch has no confirmations yet.
 */
export function readBranchConfirmations(options: {
  readonly cwd: string
  readonly branch?: string
  readonly onWarning: (message: string) => void
}): StepConfirmation[] {
  const branch = options.branch ?? 'perfgate-data'
  const ref = `refs/perfgate/${branch}`
  const listed = listTree(options.cwd, ref, CONFIRMATIONS_DIR)
  if (listed.status !== 0) {
    options.onWarning(`cannot list the confirmations on ${branch}: ${firstLine(listed.stderr)}`)
    return []
  }
  const files: { path: string; blob: string }[] = []
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    if (record === '') continue
    const tab = record.indexOf('\t')
    const [mode, type, blob, size] = record.slice(0, tab).split(/ +/)
    const file = record.slice(tab + 1)
    if (type !== 'blob' || !mode?.startsWith('1006') || !CONFIRMATION_FILE.test(file)) {
      options.onWarning(`${branch}:${file}: skipped: not a confirmation file`)
    } else if (Number(size) > MAX_CONFIRMATION_BYTES) {
      options.onWarning(`${branch}:${file}: skipped: ${size} bytes, larger than a confirmation`)
    } else {
      files.push({ path: file, blob: blob! })
    }
  }
  if (files.length === 0) return []
  const batch = git(
    options.cwd,
    ['cat-file', '--batch'],
    files.map((f) => f.blob).join('\n') + '\n'
  )
  if (batch.status !== 0) {
    options.onWarning(`cannot read the confirmations on ${branch}: ${firstLine(batch.stderr)}`)
    return []
  }
  const contents = splitBatch(batch.stdout, files.length)
  const read: StepConfirmation[] = []
  files.forEach((file, i) => {
    try {
      const content = contents[i]
      if (!content) throw new Error(`${branch}:${file.path}: its object is missing`)
      read.push(parseConfirmation(content.toString('utf8'), `${branch}:${file.path}`))
    } catch (error) {
      options.onWarning(`skipped ${(error as Error).message}`)
    }
  })
  return read
}
