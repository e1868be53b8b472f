/**
 * Judged results with the acceptances given on their pull request: the one place the PR
 * run (or a push that stores a merged pull request's acceptances) puts them in. The
 * acceptances come from the caller, read from GitHub with the commenters' permissions
 * checked (src/github/acceptance.ts); any `accepted` a results file carried is replaced,
 * never trusted, so a file from an untrusted job cannot accept its own regressions.
 */
import { applyAcceptances } from '../compare/accept.js'
import type { IgnoredAcceptance } from '../compare/types.js'
import type { Acceptance, JudgedResults, Results } from '../results/types.js'

/** Acceptances read from a pull request, and the commands ignored there. */
export interface PullRequestAcceptances {
  readonly accepted: readonly Acceptance[]
  readonly ignored: readonly IgnoredAcceptance[]
}

/**
 * The results with `accepted` set to the acceptances read (absent when none) and, when they
 * are judged, their comparison's gate decided again with them (applyAcceptances).
 */
export function withAcceptances(results: JudgedResults, read: PullRequestAcceptances): JudgedResults
export function withAcceptances(results: Results, read: PullRequestAcceptances): Results
export function withAcceptances(results: Results, read: PullRequestAcceptances): Results {
  const { accepted: _fromFile, ...rest } = results
  const comparison = results.comparison
    ? applyAcceptances(results.comparison, read.accepted, read.ignored)
    : undefined
  return {
    ...rest,
    ...(read.accepted.length > 0 ? { accepted: [...read.accepted] } : {}),
    ...(comparison ? { comparison } : {})
  }
}
