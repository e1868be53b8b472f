/**
 * The acceptances a run takes: on a pull request, its `/perfgate accept` comments (read by
 * src/github/acceptance.ts, commenters' permissions checked); on a push to the default
 * branch, those of the pull request merged into the commit, stored with main's results.
 * Reading them is best effort: a failure is a warning, and the run is judged without.
 */
import * as core from '@actions/core'
import type { PullRequestAcceptances } from '../app/acceptances.js'
import type { JudgedResults } from '../results/types.js'
import {
  gatedBenchmarks,
  mergedPullRequestOf,
  readAcceptances,
  type AcceptanceApi
} from './acceptance.js'
import { oneLine } from './comment.js'
import type { ActionLog } from './log.js'

/** Which pull request's comments: a number, or the one merged into a commit. */
export type AcceptancesOf = { readonly pullRequest: number } | { readonly mergedInto: string }

/** Reads the acceptances for judged results; undefined when there are none to read. */
export function acceptancesReader(
  api: AcceptanceApi,
  of: AcceptancesOf,
  log: ActionLog
): (results: JudgedResults) => Promise<PullRequestAcceptances | undefined> {
  return async (results) => {
    try {
      const pullRequest =
        'pullRequest' in of ? of.pullRequest : await mergedPullRequestOf(api, of.mergedInto)
      if (pullRequest === undefined) return undefined
      const read = await readAcceptances(api, {
        pullRequest,
        benchmarks: gatedBenchmarks(results.benchmarks)
      })
      if (read.accepted.length + read.ignored.length > 0) {
        log.info(
          `perfgate: pull request #${pullRequest}: ${read.accepted.length} acceptance(s), ${read.ignored.length} ignored`
        )
      }
      return read
    } catch (error) {
      core.warning(
        `perfgate: could not read the acceptances: ${oneLine((error as Error).message)}; judged without them`
      )
      return undefined
    }
  }
}
