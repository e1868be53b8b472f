/**
 * One GitHub issue per new step of a benchmark on main (input `change-point-issues`), its
 * gated metrics listed inside: found again
 * by its hidden marker, which must be the body's whole first line, among issues opened by
 * the token's own identity; updated in place, else created — never a duplicate. The marker
 * carries the benchmark name percent-encoded, so no name can end the HTML comment or forge
 * another marker; the body escapes names like the report, the title (plain text) keeps
 * them readable but links and mentions nothing.
 *
 * Retries, timeouts and rate limits live in the client (octokit.ts). Creating is not
 * repeated blindly: after a create whose outcome is unknown the issues are listed again.
 */
import { stepCommit, whereText } from '../history/confirmation.js'
import type { HistoryChangePoint } from '../history/series.js'
import { metricLabel, type MetricName } from '../metrics.js'
import { formatMetric } from '../report/format.js'
import { escapeMarkdown, neutralizeAutolinks } from '../report/markdown.js'
import { formatChange, formatP } from '../report/model.js'
import { firstLine, oneLine, outcomeUnknown, tokenLogin } from './comment.js'

export interface Issue {
  number: number
  body?: string
  html_url: string
  user: { login: string } | null
}

/** The part of Octokit this module uses (the real client in production and tests). */
export interface IssuesApi {
  /** Issues (not pull requests) opened by `creator`, open and closed, a page at a time. */
  listIssues(creator: string): AsyncIterable<Issue[]>
  /** Not retried by the client: the caller lists again first (see upsertIssue). */
  createIssue(title: string, body: string): Promise<{ number: number; html_url: string }>
  updateIssue(
    issueNumber: number,
    title: string,
    body: string
  ): Promise<{ number: number; html_url: string }>
  viewerLogin(): Promise<string | undefined>
}

/**
 * One issue's worth: the new change points of one benchmark's gated metrics, which a step
 * moves together (p50, mean and ops of one slower function), named by the first commit
 * after the step.
 */
export interface StepAlert {
  readonly benchmark: string
  /**
   * The earliest first-commit-after-the-step among its change points (where the step's
   * confirmation located it in its window, when it did).
   */
  readonly commit: string
  /** One per metric, in the metrics table's order. */
  readonly points: readonly HistoryChangePoint[]
}

/**
 * Groups new change points into one alert per benchmark, keeping only confirmed steps (a
 * paired re-measure across the step's window showed the change: a candidate, a step
 * the pairs did not confirm and an accepted regression never alert) of the metrics that
 * benchmark gates (`gated`: in its `compare.gate` as last stored). The new points all lie in
 * the newest few commits (`recent`, oldest first), too close to tell apart two steps of one
 * benchmark, so they are one step to a reader; a metric the gate leaves out (a tail, heap)
 * raises no alert unless the config gates it.
 */
export function stepAlerts(
  points: readonly HistoryChangePoint[],
  recent: readonly string[]
): StepAlert[] {
  const order = new Map(recent.map((commit, index) => [commit, index]))
  const byBenchmark = new Map<string, HistoryChangePoint[]>()
  for (const point of points) {
    if (point.status !== 'confirmed' || !point.gated) continue
    const group = byBenchmark.get(point.benchmark)
    if (group) group.push(point)
    else byBenchmark.set(point.benchmark, [point])
  }
  return [...byBenchmark].map(([benchmark, group]) => {
    const first = group.reduce((earliest, point) =>
      (order.get(point.commit) ?? 0) < (order.get(earliest.commit) ?? 0) ? point : earliest
    )
    return { benchmark, commit: stepCommit(first), points: group }
  })
}

/** The hidden first line of a step's issue. */
export function changePointMarker(step: {
  readonly benchmark: string
  readonly commit: string
}): string {
  const code = (text: string) =>
    encodeURIComponent(text).replace(
      /[!'()*~]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
    )
  return `<!-- perfgate:change-point benchmark=${code(step.benchmark)} commit=${code(step.commit)} -->`
}

/**
 * A title is plain text (markdown escapes would show): one line, and nothing GitHub turns
 * into a mention, an issue reference or a link.
 */
function plainTitle(text: string): string {
  return neutralizeAutolinks(oneLine(text, 200))
}

/** Metrics named in a title before "and N more". */
const TITLE_METRICS = 3

export function changePointTitle(step: StepAlert): string {
  const shown = step.points
    .slice(0, TITLE_METRICS)
    .map((point) => `${metricLabel(point.metric)} ${formatChange(measuredRatio(point))}`)
  const more = step.points.length - shown.length
  return plainTitle(
    `perfgate: ${step.benchmark} stepped at ${step.commit.slice(0, 7)}: ${shown.join(', ')}` +
      (more > 0 ? ` and ${more} more` : '')
  )
}

/** `checkedAt`: the newest stored commit the step was found in (each push updates it). */
export function changePointBody(step: StepAlert, dataBranch: string, checkedAt: string): string {
  return [
    changePointMarker(step),
    `**${escapeMarkdown(step.benchmark)}** stepped at commit ${step.commit}:`,
    '',
    ...step.points.map((point) => {
      const metric = point.metric as MetricName
      return (
        `- ${escapeMarkdown(metricLabel(metric))} **${formatChange(point.ratio)}** ` +
        `(${formatChange(point.ciLow)} … ${formatChange(point.ciHigh)}, p ${formatP(point.p)}): ` +
        `from ${formatMetric(metric, point.before)} to ${formatMetric(metric, point.after)}` +
        (stepCommit(point) === step.commit ? '' : ` (at ${stepCommit(point)})`) +
        confirmationText(point)
      )
    }),
    '',
    `Found by perfgate's change-point detection over the results stored on ${escapeMarkdown(dataBranch)} ` +
      '(docs/cli.md, "perfgate history"), confirmed by one paired re-measure on one runner of the stored ' +
      'commit after the one named against the stored commit before its predecessor, so the step lies between them. ' +
      'The commit named is the one a bisection of that window located (paired A/Bs against its base), ' +
      'else the one the detection placed the step at. The change in the title is the paired one. ' +
      "Issues cover the benchmark's gated metrics (compare.gate); the job summary and " +
      '`perfgate history` list every metric.',
    '',
    `<sub>Last checked with the results of ${checkedAt}.</sub>`,
    ''
  ].join('\n')
}

/** A step's change as the pairs measured it when they confirmed it, else as stored. */
function measuredRatio(point: HistoryChangePoint): number {
  return point.confirmed?.verdict === 'confirmed' ? point.confirmed.ratio : point.ratio
}

/** "; confirmed between 1a2b3c4 and 5d6e7f8: +9.8 % (+8.1 % … +11.5 %), 30 pairs". */
function confirmationText(point: HistoryChangePoint): string {
  const c = point.confirmed
  if (!c || c.verdict !== 'confirmed') return ''
  return (
    `; confirmed ${whereText(c)}: ${formatChange(c.ratio)} ` +
    `(${formatChange(c.low)} … ${formatChange(c.high)}), ${c.pairs} pairs`
  )
}

export interface IssueUpsert {
  readonly action: 'created' | 'updated' | 'unchanged'
  readonly number: number
  readonly url: string
}

/** Creates or updates the issue that carries `marker` (its first line). */
export async function upsertIssue(
  api: IssuesApi,
  marker: string,
  title: string,
  body: string,
  options: { readonly onRetry?: (message: string) => void; readonly recheckDelayMs?: number } = {}
): Promise<IssueUpsert> {
  const log = options.onRetry ?? (() => {})
  const login = await tokenLogin(api, log, 'issues')
  const find = async (): Promise<Issue | undefined> => {
    for await (const page of api.listIssues(login)) {
      const mine = page.find((i) => i.user?.login === login && firstLine(i.body) === marker)
      if (mine) return mine
    }
    return undefined
  }
  const existing = await find()
  if (existing) {
    if (existing.body === body) {
      return { action: 'unchanged', number: existing.number, url: existing.html_url }
    }
    const updated = await api.updateIssue(existing.number, title, body)
    return { action: 'updated', number: updated.number, url: updated.html_url }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await api.createIssue(title, body)
      return { action: 'created', number: created.number, url: created.html_url }
    } catch (error) {
      if (!outcomeUnknown(error) || attempt >= 3) throw error
      log(
        `create issue: ${oneLine((error as Error).message)}; checking whether it was created before trying again`
      )
      await new Promise((resolve) => setTimeout(resolve, options.recheckDelayMs ?? 2000))
      const found = await find()
      if (found) {
        if (found.body === body)
          return { action: 'created', number: found.number, url: found.html_url }
        const updated = await api.updateIssue(found.number, title, body)
        return { action: 'updated', number: updated.number, url: updated.html_url }
      }
    }
  }
}
