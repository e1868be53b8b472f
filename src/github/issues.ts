/**
 * One GitHub issue per new step change on main (input `change-point-issues`): found again
 * by its hidden marker, which must be the body's whole first line, among issues opened by
 * the token's own identity; updated in place, else created — never a duplicate. The marker
 * carries the benchmark name percent-encoded, so no name can end the HTML comment or forge
 * another marker; the title and body escape names like the report (no mention, no link).
 *
 * Retries, timeouts and rate limits live in the client (octokit.ts). Creating is not
 * repeated blindly: after a create whose outcome is unknown the issues are listed again.
 */
import type { HistoryChangePoint } from '../history/series.js'
import { metricLabel, type MetricName } from '../metrics.js'
import { formatMetric } from '../report/format.js'
import { escapeMarkdown } from '../report/markdown.js'
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

/** The hidden first line of a change point's issue. */
export function changePointMarker(point: {
  readonly benchmark: string
  readonly metric: string
  readonly commit: string
}): string {
  const code = (text: string) =>
    encodeURIComponent(text).replace(
      /[!'()*~]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
    )
  return `<!-- perfgate:change-point benchmark=${code(point.benchmark)} metric=${code(point.metric)} commit=${code(point.commit)} -->`
}

/** A title is plain text: one line, no mention and no issue reference (GitHub links both). */
function plainTitle(text: string): string {
  return oneLine(text, 200)
    .replace(/@/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b')
}

export function changePointTitle(point: HistoryChangePoint): string {
  return plainTitle(
    `perfgate: ${point.benchmark} ${metricLabel(point.metric)} ${formatChange(point.ratio)} at ${point.commit.slice(0, 7)}`
  )
}

/** `checkedAt`: the newest stored commit the step was found in (each push updates it). */
export function changePointBody(
  point: HistoryChangePoint,
  dataBranch: string,
  checkedAt: string
): string {
  const metric = point.metric as MetricName
  return [
    changePointMarker(point),
    `**${escapeMarkdown(point.benchmark)}** ${escapeMarkdown(metricLabel(metric))} stepped ` +
      `**${formatChange(point.ratio)}** (${formatChange(point.ciLow)} … ${formatChange(point.ciHigh)}, p ${formatP(point.p)}) ` +
      `at commit ${point.commit}: from ${formatMetric(metric, point.before)} to ${formatMetric(metric, point.after)}.`,
    '',
    `Found by perfgate's change-point detection over the results stored on ${escapeMarkdown(dataBranch)} ` +
      '(docs/cli.md, "perfgate history"). The commit named is the first one measured after the step.',
    '',
    `<sub>Last checked with the results of ${checkedAt}.</sub>`,
    ''
  ].join('\n')
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
