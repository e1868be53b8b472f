/**
 * Facts about a checkout that a run needs from git: the commit checked out and its parents,
 * whether a commit is present (fetched when it is not: actions/checkout clones at depth 1),
 * and the merge-base of two commits. The front ends bind these to a directory and hand them
 * to the application layer, which never starts git for them itself.
 */
import { gitSync } from './run.js'

/** HEAD and its parents, as the commit object lists them. */
export interface CheckoutHead {
  /** The commit checked out (HEAD); '' outside a git repository. */
  readonly headSha: string
  /** Parents of HEAD (a shallow clone still lists them). */
  readonly headParents: readonly string[]
}

/** HEAD and its parents in `cwd`, read from the commit object. */
export function readCheckout(cwd: string): CheckoutHead {
  const head = gitSync(cwd, ['cat-file', 'commit', 'HEAD'])
  const sha = gitSync(cwd, ['rev-parse', 'HEAD'])
  if (!head.ok || !sha.ok) return { headSha: '', headParents: [] }
  const parents = head.out
    .split('\n\n')[0]!
    .split('\n')
    .filter((line) => line.startsWith('parent '))
    .map((line) => line.slice('parent '.length).trim())
  return { headSha: sha.out, headParents: parents }
}

/**
 * Makes sure a commit is present in `cwd`, fetching it from origin when it is not.
 * `history`: whether the walk to a merge-base needs its ancestors too (a shallow clone is
 * then unshallowed; otherwise the commit alone is fetched at depth 1).
 */
export function ensureCommit(
  cwd: string,
  sha: string,
  history: boolean,
  log: (line: string) => void
): void {
  if (gitSync(cwd, ['cat-file', '-e', `${sha}^{commit}`]).ok) return
  const shallow = gitSync(cwd, ['rev-parse', '--is-shallow-repository']).out === 'true'
  log(`perfgate: fetching ${sha.slice(0, 7)}`)
  const depth = shallow && !history ? ['--depth', '1'] : shallow ? ['--unshallow'] : []
  gitSync(cwd, ['fetch', '--no-tags', '--quiet', ...depth, 'origin', sha], 300_000)
}

/** The merge-base of two commits in `cwd`, or undefined when git cannot find one. */
export function mergeBase(cwd: string, a: string, b: string): string | undefined {
  const found = gitSync(cwd, ['merge-base', a, b])
  return found.ok ? found.out : undefined
}

/** The repository's top level for `cwd` (paths in annotations are relative to it). */
export function topLevel(cwd: string): string | undefined {
  const found = gitSync(cwd, ['rev-parse', '--show-toplevel'])
  return found.ok ? found.out : undefined
}

/**
 * The git facts of one checkout, bound to its directory: what the application layer is
 * handed (src/app/pr-run.ts `CheckoutGit`).
 */
export function checkoutGit(cwd: string, log: (line: string) => void) {
  return {
    head: () => readCheckout(cwd),
    ensureCommit: (sha: string, history: boolean) => ensureCommit(cwd, sha, history, log),
    mergeBase: (a: string, b: string) => mergeBase(cwd, a, b)
  }
}
