// Real git repositories for store tests: a bare `origin`, clones of it, commits made with
// an explicit identity (no git config needed), and a snapshot of a clone's visible state.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const IDENTITY = ['-c', 'user.name=perfgate-test', '-c', 'user.email=test@localhost']

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

/** Replaces `branch` on the remote with one hand-made commit holding `files` (path → text). */
export function pushBranch(remote: Remote, branch: string, files: Record<string, string>): string {
  const dir = cloneOf(remote)
  git(dir, 'checkout', '--quiet', '--orphan', branch)
  git(dir, 'rm', '-r', '-f', '--quiet', '--ignore-unmatch', '.')
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'hand-made')
  git(dir, 'push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`)
  return git(dir, 'rev-parse', 'HEAD')
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

/** Like commit, with the committer (and author) time set to `seconds` since the epoch. */
export function commitAt(dir: string, message: string, seconds: number): string {
  const date = `@${seconds} +0000`
  writeFileSync(path.join(dir, 'work.txt'), `${message}\n`)
  git(dir, 'add', 'work.txt')
  execFileSync('git', [...IDENTITY, 'commit', '--quiet', '-m', message], {
    cwd: dir,
    env: { ...process.env, LC_ALL: 'C', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return git(dir, 'rev-parse', 'HEAD')
}
