/**
 * The action's use of main's history (the data branch): on a push to main, after storing,
 * the change points whose first commit is among the newest stored commits are new
 * candidates; each candidate of a gated metric is re-measured as one paired A/B across its
 * window of stored commits on this runner (src/app/confirm.ts, a few per push within a budget)
 * and the outcome stored on the data branch. Only confirmed steps are reported as steps —
 * a job-summary section, the `new-change-points` output and, with the input
 * `change-point-issues`, one issue per benchmark — the others are listed as not confirmed
 * (or accepted). The history dashboard is written onto the data branch (`index.html`, for
 * GitHub Pages; input `dashboard`); on a pull request, the series behind the comment's
 * trend charts. Reading is best effort: a failure is a warning (push) or a line in the log
 * (pull request), never a failed step.
 */
import * as core from '@actions/core'
import { NEW_WINDOW } from '../app/confirm.js'
import type { HistoryChangePoint, HistoryReport } from '../app/history.js'
import {
  historyAfterPush,
  mainSeriesOf,
  type MainHistorySource,
  type PushedHistory
} from '../app/main-history.js'
import type { Config } from '../config/types.js'
import { loadChartLibrary } from '../history/chart-library.js'
import { whereText } from '../history/confirmation.js'
import type { Series } from '../history/series.js'
import { metricLabel } from '../metrics.js'
import { formatMetric } from '../report/format.js'
import { escapeMarkdown } from '../report/markdown.js'
import { renderHistoryHtml } from '../report/history-html.js'
import { formatChange, formatP } from '../report/model.js'
import { createProcessTrialRunner } from '../runners/index.js'
import type { TrialRunner } from '../runners/types.js'
import type { BranchStore } from '../store/branch-store.js'
import { oneLine } from './comment.js'
import { actionConfig } from './action-config.js'
import type { ActionInputs } from './inputs.js'
import {
  changePointBody,
  changePointMarker,
  changePointTitle,
  stepAlerts,
  upsertIssue
} from './issues.js'
import type { ActionLog } from './log.js'
import { createIssuesApi } from './octokit.js'
import type { ActionOutputs } from './outputs.js'

/** Series of main for the PR comment's trends; undefined when there is no history. */
export function mainSeries(
  cwd: string,
  inputs: ActionInputs,
  log: ActionLog
): Series[] | undefined {
  try {
    return mainSeriesOf(historySource(cwd, inputs, log))
  } catch (error) {
    log.info(`perfgate: no trend of main in the report: ${oneLine((error as Error).message)}`)
    return undefined
  }
}

/** Where the action reads main's history: the input `data-branch`, warnings to the log. */
function historySource(cwd: string, inputs: ActionInputs, log: ActionLog): MainHistorySource {
  return {
    cwd,
    branch: inputs.dataBranch,
    onWarning: (message) => log.info(`perfgate: history: ${oneLine(message)}`)
  }
}

/** One step as a summary line (markdown; names escaped). */
function stepLine(p: HistoryChangePoint): string {
  const metric = metricLabel(p.metric)
  const confirmed =
    p.confirmed && p.confirmed.verdict !== 'unmeasured'
      ? `; paired re-measure ${whereText(p.confirmed)} ${formatChange(p.confirmed.ratio)} ` +
        `(${formatChange(p.confirmed.low)} … ${formatChange(p.confirmed.high)}, ${p.confirmed.pairs} pairs)`
      : ''
  const accepted = p.accepted
    ? `; accepted on pull request ${p.accepted.pullRequest}: ${escapeMarkdown(oneLine(p.accepted.reason))}`
    : ''
  return (
    `- **${escapeMarkdown(p.benchmark)}** ${escapeMarkdown(metric)} **${formatChange(p.ratio)}** ` +
    `(${formatChange(p.ciLow)} … ${formatChange(p.ciHigh)}, p ${formatP(p.p)}) at ${p.commit}: ` +
    `${formatMetric(p.metric, p.before)} → ${formatMetric(p.metric, p.after)}${confirmed}${accepted}`
  )
}

/** Headings of the summary's lists of steps that are not (or not yet) confirmed. */
const UNCONFIRMED_HEADINGS: readonly [HistoryChangePoint['status'], string][] = [
  ['not-confirmed', 'Not confirmed by a paired re-measure (not alerted)'],
  ['candidate', 'Candidates not re-measured yet (not alerted)'],
  ['accepted', 'Accepted regressions (not alerted)']
]

/** The job summary's section on new change points (markdown; names escaped). */
function newChangePointsMarkdown(
  points: readonly HistoryChangePoint[],
  dataBranch: string
): string {
  const confirmed = points.filter((p) => p.status === 'confirmed')
  const lines = [
    `### perfgate — ${confirmed.length} new step change${confirmed.length === 1 ? '' : 's'} on main`,
    '',
    ...confirmed.map(stepLine)
  ]
  for (const [status, heading] of UNCONFIRMED_HEADINGS) {
    const listed = points.filter((p) => p.status === status)
    if (listed.length > 0) lines.push('', `${heading}:`, '', ...listed.map(stepLine))
  }
  lines.push(
    '',
    `<sub>Change points over the results stored on ${escapeMarkdown(dataBranch)}; new: the first commit after the step is among the newest ${NEW_WINDOW} stored; a step is confirmed by one paired A/B on one runner of the stored commit after it against the one before its predecessor (the step lies between them), then located between them by bisection.</sub>`,
    ''
  )
  return lines.join('\n')
}

export interface MainHistoryReport {
  readonly newChangePoints: readonly HistoryChangePoint[]
}

/**
 * What the push's confirmations need, all optional: the working tree's config (read from
 * the input `config` when absent), the trial runner (io's, else processes) and the time
 * budget of all confirmations of the push (default: the config's compare.max-time, the
 * limit of one benchmark's A/B).
 */
export interface ConfirmOptions {
  readonly config?: Config
  readonly runner?: TrialRunner
  readonly budgetMs?: number
}

/**
 * After a push's results were stored (the store fetched the data branch just before):
 * reads the data branch once, confirms the new candidates, reports the new change points
 * and writes the dashboard. Never throws: a failure is a warning.
 */
export async function reportMainHistory(
  cwd: string,
  inputs: ActionInputs,
  event: {
    readonly repository: { readonly owner: string; readonly repo: string }
    readonly serverUrl?: string
  },
  store: BranchStore,
  io: {
    readonly log: ActionLog
    readonly outputs: ActionOutputs
    readonly runner?: TrialRunner
  },
  confirm: ConfirmOptions = {}
): Promise<MainHistoryReport | undefined> {
  let pushed: PushedHistory
  try {
    pushed = await historyAfterPush(historySource(cwd, inputs, io.log), {
      config: () => confirm.config ?? actionConfig(cwd, inputs),
      runner: () => confirm.runner ?? io.runner ?? createProcessTrialRunner(),
      ...(confirm.budgetMs !== undefined ? { budgetMs: confirm.budgetMs } : {}),
      log: (line) => io.log.info(`perfgate: ${oneLine(line)}`),
      save: async (confirmation) => {
        try {
          await store.saveConfirmation(confirmation)
        } catch (error) {
          core.warning(
            `perfgate: could not store a confirmation on ${inputs.dataBranch}: ${oneLine((error as Error).message)}`
          )
        }
      },
      warn: (message) => core.warning(`perfgate: ${oneLine(message)}`)
    })
  } catch (error) {
    core.warning(`perfgate: could not look for change points: ${oneLine((error as Error).message)}`)
    return undefined
  }
  const { report } = pushed
  const fresh = await reportNewChangePoints(pushed, inputs, event.repository, io)
  if (inputs.dashboard) await publishDashboard(report, inputs, event, store, io.log)
  return fresh === undefined ? undefined : { newChangePoints: fresh }
}

/** The change points among the newest stored commits: summary, output, issues. */
async function reportNewChangePoints(
  { entries, fresh, recentCommits }: PushedHistory,
  inputs: ActionInputs,
  repository: { readonly owner: string; readonly repo: string },
  io: { readonly log: ActionLog; readonly outputs: ActionOutputs }
): Promise<readonly HistoryChangePoint[] | undefined> {
  try {
    const confirmed = fresh.filter((p) => p.status === 'confirmed')
    io.outputs.newChangePoints(confirmed.length)
    io.log.info(
      `perfgate: ${confirmed.length} new confirmed step${confirmed.length === 1 ? '' : 's'} ` +
        `(${fresh.length} new change point${fresh.length === 1 ? '' : 's'}) in ${entries.length} stored commits`
    )
    if (fresh.length === 0) return fresh
    await core.summary.addRaw(newChangePointsMarkdown(fresh, inputs.dataBranch)).write()
    if (inputs.changePointIssues) {
      if (!inputs.token) {
        core.warning('perfgate: no token, so no change-point issues')
      } else {
        const latest = entries[entries.length - 1]!.commit
        const api = createIssuesApi(inputs.token, repository, {
          log: (m) => io.log.info(`perfgate: ${m}`)
        })
        const alerts = stepAlerts(fresh, recentCommits)
        for (const step of alerts) {
          const done = await upsertIssue(
            api,
            changePointMarker(step),
            changePointTitle(step),
            changePointBody(step, inputs.dataBranch, latest),
            { onRetry: (m) => io.log.info(`perfgate: ${m}`) }
          )
          io.log.info(`perfgate: change-point issue ${done.action}: ${done.url}`)
        }
      }
    }
    return fresh
  } catch (error) {
    core.warning(`perfgate: could not report change points: ${oneLine((error as Error).message)}`)
    return undefined
  }
}

/**
 * Writes the history dashboard onto the data branch (`index.html`, and `.nojekyll` so
 * GitHub Pages serves the branch as is). Each point links to its commit on GitHub.
 */
async function publishDashboard(
  report: HistoryReport,
  inputs: ActionInputs,
  event: {
    readonly repository: { readonly owner: string; readonly repo: string }
    readonly serverUrl?: string
  },
  store: BranchStore,
  log: ActionLog
): Promise<void> {
  const { owner, repo } = event.repository
  const commitUrl =
    event.serverUrl && owner && repo
      ? `${event.serverUrl}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/commit/{commit}`
      : undefined
  try {
    const page = renderHistoryHtml(report, {
      library: loadChartLibrary(),
      commitUrl,
      generatedAt: new Date().toISOString()
    })
    const done = await store.savePage(
      [
        { path: DASHBOARD_FILE, content: page },
        { path: '.nojekyll', content: '' }
      ],
      'perfgate: update the history dashboard'
    )
    if (done === 'written') {
      log.info(
        `perfgate: history dashboard written to ${inputs.dataBranch}:${DASHBOARD_FILE} ` +
          `(${Math.round(Buffer.byteLength(page) / 1024)} KiB)`
      )
    }
  } catch (error) {
    core.warning(
      `perfgate: could not write the history dashboard onto ${inputs.dataBranch}: ${oneLine((error as Error).message)}`
    )
  }
}

/** The dashboard's file at the data branch's root (what GitHub Pages serves first). */
export const DASHBOARD_FILE = 'index.html'
