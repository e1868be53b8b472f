/**
 * The history of main as the action uses it (its front end, src/github/history.ts, only
 * publishes): main's stored results read from the data branch (the newest HISTORY_WINDOW),
 * judged with the stored confirmations; after a push, the new candidates re-measured on
 * this runner (confirm.ts) and the history judged again with them; which change points
 * are new. Errors are thrown: the front end turns them into warnings.
 */
import { readBranchConfirmations, readDataBranch } from '../history/read-branch.js'
import {
  buildSeries,
  type HistoryChangePoint,
  type HistoryEntry,
  type HistoryReport,
  type Series
} from '../history/series.js'
import { confirmNewSteps, NEW_WINDOW, type NewStepsDependencies } from './confirm.js'
import { historyOf } from './history.js'

/**
 * The action reads only the newest this many stored commits of main (on every push, and
 * for a PR's trends): change points are judged on the newest few commits, for which a
 * few hundred before them are ample context, and the cost of a push then stays the same
 * however long main's history grows (each series is searched exactly; see
 * EXACT_SEARCH_MAX in src/stats/changepoints.ts). The dashboard shows this window;
 * `perfgate history` reads all stored commits, or `--last N`.
 */
export const HISTORY_WINDOW = 500

/** Where main's history is stored, and who hears what reading it passed over. */
export interface MainHistorySource {
  readonly cwd: string
  /** The data branch (on the remote `origin`). */
  readonly branch: string
  /** The store fetched the branch just before: read it without fetching again. */
  readonly fetched?: boolean
  readonly onWarning: (message: string) => void
}

/** Main's stored results, oldest first (the newest HISTORY_WINDOW commits). */
export function readMainHistory(source: MainHistorySource): HistoryEntry[] {
  return readDataBranch({
    cwd: source.cwd,
    branch: source.branch,
    remote: 'origin',
    fetched: source.fetched ?? false,
    last: HISTORY_WINDOW,
    onWarning: source.onWarning
  })
}

/** Series of main (a PR report's trends). */
export function mainSeriesOf(source: MainHistorySource): Series[] {
  return buildSeries(readMainHistory(source))
}

/** Main's history after a push: the report with this push's confirmations, and what is new. */
export interface PushedHistory {
  readonly entries: readonly HistoryEntry[]
  readonly report: HistoryReport
  /** Change points whose first commit is among the newest NEW_WINDOW stored. */
  readonly fresh: readonly HistoryChangePoint[]
  /** Those newest stored commits, oldest first. */
  readonly recentCommits: readonly string[]
}

/**
 * After a push's results were stored: reads main's history and its stored confirmations,
 * confirms the new candidates (each record saved as it is made), and judges the history
 * with them.
 */
export async function historyAfterPush(
  source: MainHistorySource,
  confirm: NewStepsDependencies
): Promise<PushedHistory> {
  const entries = readMainHistory({ ...source, fetched: true })
  const stored = readBranchConfirmations({
    cwd: source.cwd,
    branch: source.branch,
    onWarning: source.onWarning
  })
  let report = historyOf(entries, { confirmations: stored })
  const added = await confirmNewSteps(entries, report, confirm)
  if (added.length > 0) report = historyOf(entries, { confirmations: [...stored, ...added] })
  const recentCommits = entries.slice(-NEW_WINDOW).map((e) => e.commit)
  const recent = new Set(recentCommits)
  return {
    entries,
    report,
    fresh: report.changePoints.filter((p) => recent.has(p.commit)),
    recentCommits
  }
}
