// Real git repositories for store tests: a bare `origin`, clones of it, commits made with
// an explicit identity (no git config needed; many at once with one `git fast-import`), and a
// snapshot of a clone's visible state.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const IDENTITY = ['-c', 'user.name=perfgate-test', '-c', 'user.email=test@localhost']
const AUTHOR = 'perfgate-test <test@localhost>'

/** Runs git with explicit arguments; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

export interface Remote {
  /** Scratch directory holding everything of this remote. */
  readonly top: string
  /** The bare repository (the clones' origin). */
  readonly origin: string
}

const scratch: string[] = []

/** A bare repository with an empty `main`. */
export function makeRemote(): Remote {
  const top = mkdtempSync(path.join(tmpdir(), 'perfgate-store-'))
  scratch.push(top)
  const origin = path.join(top, 'origin.git')
  git(top, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  return { top, origin }
}

/** Deletes every remote (and its clones) made so far. */
export function removeRemotes(): void {
  for (const top of scratch.splice(0)) rmSync(top, { recursive: true, force: true })
}

let clones = 0

/** A fresh clone of the remote (full history). */
export function cloneOf(remote: Remote): string {
  const dir = path.join(remote.top, `clone-${++clones}`)
  git(remote.top, 'clone', '--quiet', remote.origin, dir)
  return dir
}

/** Commits one changed file on the current branch; returns the new commit's sha. */
export function commit(dir: string, message: string): string {
  writeFileSync(path.join(dir, 'work.txt'), `${message}\n`)
  git(dir, 'add', 'work.txt')
  git(dir, 'commit', '--quiet', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}

/** What a user sees of a clone: HEAD, branches, index, status and files. */
export function visibleState(dir: string): Record<string, string> {
  return {
    head: git(dir, 'rev-parse', 'HEAD'),
    symbolicHead: git(dir, 'symbolic-ref', '-q', 'HEAD'),
    branches: git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'),
    index: git(dir, 'ls-files', '--stage'),
    status: git(dir, 'status', '--porcelain', '--ignored', '--untracked-files=all'),
    files: readdirSync(dir).sort().join('\n')
  }
}

/** The file list of a branch in the bare origin (empty when the branch does not exist). */
export function branchFiles(remote: Remote, branch: string): string[] {
  try {
    return git(remote.origin, 'ls-tree', '-r', '--name-only', branch).split('\n')
  } catch {
    return []
  }
}

/**
 * Replaces `branch` on the remote with one hand-made root commit holding `files`
 * (path → text), written straight into the bare origin (one git process).
 */
export function pushBranch(remote: Remote, branch: string, files: Record<string, string>): string {
  const [sha] = importCommits(remote.origin, [
    { ref: `refs/heads/${branch}`, message: 'hand-made', files }
  ])
  return sha!
}

/** A commit for importCommits. */
export interface ImportedCommit {
  /** The ref it is committed on, e.g. `refs/heads/main`. */
  readonly ref: string
  readonly message: string
  /** Files written (path → text) over the parent's tree. Default: work.txt holding the message, as commit() writes. */
  readonly files?: Readonly<Record<string, string>>
  /** Committer and author time, seconds since the epoch. Default: now. */
  readonly seconds?: number
  /** Index of an earlier commit of the same call to fork from (default: the ref's previous commit, none for the ref's first). */
  readonly from?: number
}

/**
 * Writes `commits`, in order, into the repository at `dir` with one `git fast-import`:
 * the same commits commit() and commitAt() make (author and committer perfgate-test), for
 * one git process in all instead of three per commit. Updates the refs (forced); returns
 * the commits' shas in order. The working tree and index are left as they are.
 */
export function importCommits(dir: string, commits: readonly ImportedCommit[]): string[] {
  const now = Math.floor(Date.now() / 1000)
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`
  const stream = commits.map((c, i) => {
    const files = c.files ?? { 'work.txt': `${c.message}\n` }
    return [
      `commit ${c.ref}\nmark :${i + 1}\n`,
      `committer ${AUTHOR} ${c.seconds ?? now} +0000\n`,
      data(`${c.message}\n`),
      c.from !== undefined ? `from :${c.from + 1}\n` : '',
      ...Object.entries(files).map(([name, text]) => `M 100644 inline ${name}\n${data(text)}`)
    ].join('')
  })
  const marks = mkdtempSync(path.join(tmpdir(), 'perfgate-marks-'))
  try {
    const file = path.join(marks, 'marks')
    execFileSync('git', ['fast-import', '--quiet', '--force', `--export-marks=${file}`], {
      cwd: dir,
      input: stream.join(''),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    const shas = new Map(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string])
    )
    return commits.map((_, i) => shas.get(`:${i + 1}`)!)
  } finally {
    rmSync(marks, { recursive: true, force: true })
  }
}

/**
 * What a CI job checks out by default: a shallow clone (depth 1) of one commit of the
 * remote, detached. Its history is cut off: only that commit is in it.
 */
export function shallowCloneOf(remote: Remote, sha: string): string {
  const dir = path.join(remote.top, `clone-${++clones}`)
  git(remote.top, 'init', '--quiet', dir)
  // A file:// URL: a plain path would ignore --depth.
  git(dir, 'remote', 'add', 'origin', `file://${remote.origin}`)
  git(dir, 'fetch', '--quiet', '--no-tags', '--depth', '1', 'origin', sha)
  git(dir, 'checkout', '--quiet', '--detach', sha)
  return dir
}
