/**
 * How perfgate runs git: explicit arguments (never a shell), and never a program the
 * repository names. In a pull request the repository is the proposed change's: its setup
 * (or an earlier step of the job) can write `.git/hooks/*`, `core.hooksPath`,
 * `core.fsmonitor` or a filter driver into `.git/config` and `.git/info/attributes`, and
 * git would run them inside perfgate's own calls — worktree add, fetch, update-ref, the
 * data branch's writes. Every call here overrides those on git's command line (which
 * outranks every config file) and starts git with the environment benchmarks get, without
 * the withheld credentials (src/process/env.ts).
 */
import { spawnSync } from 'node:child_process'
import { childEnv } from '../process/env.js'

export interface GitResult {
  readonly ok: boolean
  readonly out: string
  readonly err: string
}

/**
 * Config that turns off every program a repository can make perfgate's git run: hooks
 * (`/dev/null` is no directory, so no hook is found in it, and nothing can be put there),
 * the file-system monitor, the `ext::` transport (a remote URL that is a shell command),
 * commit signing (a configured `gpg.program`).
 */
const NO_REPOSITORY_PROGRAMS = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'protocol.ext.allow=never',
  'commit.gpgSign=false'
].flatMap((setting) => ['-c', setting])

/** A filter driver's settings that name programs (gitattributes(5), "filter"). */
const FILTER_PROGRAM = /^filter\..+\.(?:clean|smudge|process)$/i

/**
 * Overrides that empty every configured filter driver's programs: the attributes selecting
 * one can come from `.git/info/attributes`, which the pull request may write, and git runs
 * them on checkout (smudge) and when it compares the work tree (clean). A driver with no
 * program leaves the content as it is.
 */
function noFilterPrograms(cwd: string, env: Record<string, string>): string[] {
  const listed = spawnSync(
    'git',
    [...NO_REPOSITORY_PROGRAMS, 'config', '-z', '--name-only', '--get-regexp', '^filter\\.'],
    { cwd, env, encoding: 'utf8', timeout: 30_000 }
  )
  return (listed.stdout ?? '')
    .split('\0')
    .filter((name) => FILTER_PROGRAM.test(name))
    .flatMap((name) => ['-c', `${name}=`])
}

/**
 * Commands that neither read nor write work-tree files, so no filter applies to them: the
 * configured drivers need not be looked up (one git process less per call). `cat-file`
 * only without `--filters`/`--textconv`, which perfgate never passes.
 */
const NO_WORK_TREE = new Set([
  'cat-file',
  'check-ref-format',
  'commit-tree',
  'fetch',
  'for-each-ref',
  'ls-remote',
  'ls-tree',
  'merge-base',
  'push',
  'rev-list',
  'rev-parse',
  'show-ref',
  'update-ref',
  'write-tree'
])

export interface GitInvocation {
  readonly command: 'git'
  readonly args: string[]
  readonly env: Record<string, string>
}

/**
 * The one way perfgate starts git in `cwd`: `args` after the overrides that keep the
 * repository's programs from running, in the environment without credentials plus `extra`.
 */
export function gitInvocation(
  cwd: string,
  args: readonly string[],
  extra: Readonly<Record<string, string>> = {},
  /** false: the caller never lets git read or write work-tree files (no filter can run). */
  workTree = !NO_WORK_TREE.has(args[0] ?? '')
): GitInvocation {
  const env = childEnv(extra)
  return {
    command: 'git',
    args: [...NO_REPOSITORY_PROGRAMS, ...(workTree ? noFilterPrograms(cwd, env) : []), ...args],
    env
  }
}

/** A synchronous git call in `cwd`; `timeoutMs` bounds network operations. */
export function gitSync(cwd: string, args: readonly string[], timeoutMs = 120_000): GitResult {
  const git = gitInvocation(cwd, args)
  const run = spawnSync(git.command, git.args, {
    cwd,
    env: git.env,
    encoding: 'utf8',
    timeout: timeoutMs
  })
  return { ok: run.status === 0, out: (run.stdout ?? '').trim(), err: (run.stderr ?? '').trim() }
}
