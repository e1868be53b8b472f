/**
 * The Check run of a perfgate step: created in progress when measuring starts, completed
 * with the verdict as its conclusion, the report as its summary and annotations at the
 * lines that define the benchmarks. A Check run is what branch protection can require, so
 * a run that could not measure concludes `failure`: a required check never passes on
 * results that do not exist.
 *
 * GitHub's limits are kept here: output summary and text at most 65,535 characters each,
 * at most 50 annotations per request (the rest go in further updates, which append).
 * Failures of the API are thrown as CheckRunError, with a hint for a missing permission,
 * for the caller to report as a warning: a check that cannot be posted never hides the
 * verdict, which the step's exit code and the comment still carry.
 */
import { DEFAULT_COMMENT_ID } from '../config/defaults.js'
import type { Outcome } from '../app/outcome.js'
import { annotationText, type Annotation } from '../report/annotations.js'
import { escapeMarkdown, renderMarkdownWithin, type MarkdownOptions } from '../report/markdown.js'
import type { ReportModel } from '../report/model.js'
import { oneLine } from './comment.js'
import { createClient, type CommentsApiOptions } from './octokit.js'

/** How a completed Check run ended, as perfgate uses GitHub's conclusions. */
export type CheckConclusion = 'success' | 'failure'

export interface CheckRunRef {
  readonly id: number
  /** The Check run's page. */
  readonly url: string
}

export interface CheckRunStart {
  /** The check's name in the PR's checks list (see checkName). */
  readonly name: string
  /** The commit the check is attached to: the pull request's head. */
  readonly headSha: string
  /** A page with more (the workflow run). */
  readonly detailsUrl?: string
}

export interface CheckRunResult {
  readonly conclusion: CheckConclusion
  readonly title: string
  /** Markdown; fitted to MAX_OUTPUT_CHARS by the API. */
  readonly summary: string
  readonly text?: string
  /** Sent 50 per request by the API. */
  readonly annotations: readonly Annotation[]
}

/** The part of GitHub's Checks API perfgate uses (createChecksApi is the real one). */
export interface ChecksApi {
  /** Creates the Check run, status in_progress, started now. Not retried (see createChecksApi). */
  create(run: CheckRunStart): Promise<CheckRunRef>
  /** Completes it: every annotation, then the conclusion with the last batch. */
  complete(id: number, result: CheckRunResult): Promise<void>
}

/** Longest output summary or text GitHub takes. */
export const MAX_OUTPUT_CHARS = 65_535
/** Most annotations GitHub takes in one request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** Longest title sent (GitHub shows one line of it). */
const TITLE_CHARS = 200

/** A failed request of the Checks API: its HTTP status and, when known, what to change. */
export class CheckRunError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly hint: string | undefined
  ) {
    super(hint ? `${message}. ${hint}` : message)
    this.name = 'CheckRunError'
  }
}

/** What a 403 of the Checks API means in a workflow (not a rate limit: the client waits those). */
export const PERMISSION_HINT =
  'The token cannot write checks: give the job `permissions: checks: write`; on a pull request ' +
  "from a fork the token is read-only, so let the comment workflow post the check (docs/action.md, 'The Check run')"

/** The check's name: `perfgate`, or `perfgate (<comment-id>)` beside other perfgate steps. */
export function checkName(commentId: string = DEFAULT_COMMENT_ID): string {
  return commentId === DEFAULT_COMMENT_ID ? 'perfgate' : `perfgate (${oneLine(commentId, 100)})`
}

/**
 * The conclusion of an outcome: pass → success; fail and error → failure. An inconclusive
 * run that passed the gate is a success (the gate's rule), and its summary says it is no
 * all-clear.
 */
export function conclusionOf(outcome: Outcome): CheckConclusion {
  return outcome.verdict === 'pass' ? 'success' : 'failure'
}

/** One inert line for the checks list: the verdict and why, or the headline of a pass. */
export function checkTitle(outcome: Outcome, model: ReportModel | undefined): string {
  const title =
    outcome.verdict === 'pass'
      ? `Passed: ${model?.headline ?? 'no regression'}${model?.doubt ? ' (not an all-clear)' : ''}`
      : `${outcome.verdict === 'fail' ? 'Failed' : 'No verdict'}: ${outcome.reasons.join('; ')}`
  return annotationText(title, TITLE_CHARS)
}

/** `text` within `limit` characters, cut with a note that says so. */
export function fitOutput(text: string, limit = MAX_OUTPUT_CHARS): string {
  if (text.length <= limit) return text
  const note = '\n\n… cut to fit the check size limit: the job summary has all of it.\n'
  return text.slice(0, limit - note.length) + note
}

export interface CheckReport {
  readonly outcome: Outcome
  /** undefined when nothing was judged (the run failed before a comparison). */
  readonly model: ReportModel | undefined
  readonly annotations: readonly Annotation[]
  /** Annotations left out (annotationsOf's `omitted`). */
  readonly omitted: number
  readonly markdown?: MarkdownOptions
}

/** The completed Check run of a judged run (or of one that could not be judged). */
export function checkRunResult(report: CheckReport): CheckRunResult {
  const { outcome, model, omitted } = report
  // Markdown: every untrusted part (error reasons) escaped; the doubt's reasons, which
  // name benchmarks, are in the report below (escaped there).
  const notes: string[] = []
  if (outcome.verdict === 'pass' && model?.doubt) {
    notes.push(`Passed, but not an all-clear: ${escapeMarkdown(model.doubt.summary)}.`)
  }
  if (outcome.verdict === 'error') {
    const why = escapeMarkdown(outcome.reasons.map((r) => annotationText(r, 500)).join('; '))
    notes.push(`perfgate could not give a verdict, so this check fails: ${why}.`)
  }
  if (omitted > 0) {
    notes.push(`${omitted} more annotation${omitted === 1 ? '' : 's'} left out: see the report.`)
  }
  const head = notes.map((n) => `> ${n}\n\n`).join('')
  const body = model
    ? renderMarkdownWithin(model, MAX_OUTPUT_CHARS - head.length, report.markdown)
    : ''
  return {
    conclusion: conclusionOf(outcome),
    title: checkTitle(outcome, model),
    summary: fitOutput(head + body),
    annotations: report.annotations
  }
}

/** GitHub's form of an annotation. */
function wireAnnotation(a: Annotation) {
  return {
    path: a.path,
    start_line: a.line,
    end_line: a.line,
    annotation_level: a.level,
    title: a.title,
    message: a.message
  }
}

/** A failed request as a CheckRunError: `what` failed, with the API's answer and a hint. */
function checkRunError(what: string, error: unknown): CheckRunError {
  const e = error as { status?: number; message?: string }
  const status = typeof e?.status === 'number' ? e.status : undefined
  const said = oneLine(e?.message ?? String(error))
  const hint = status === 403 && !/rate limit/i.test(said) ? PERMISSION_HINT : undefined
  return new CheckRunError(
    `cannot ${what} the check run: ${status ? `HTTP ${status}, ` : ''}${said}`,
    status,
    hint
  )
}

/**
 * The Checks API through the shared client (retries, throttling, timeouts). Creating is not
 * retried: a POST that failed may have created a run, and a duplicate would stay in progress
 * forever; completing (PATCH) is retried on transient errors like every other update.
 */
export function createChecksApi(
  token: string,
  repository: { readonly owner: string; readonly repo: string },
  options: CommentsApiOptions = {}
): ChecksApi {
  const octokit = createClient(token, options)
  const { owner, repo } = repository
  return {
    async create(run) {
      try {
        const response = await octokit.rest.checks.create({
          owner,
          repo,
          name: run.name,
          head_sha: run.headSha,
          status: 'in_progress',
          started_at: new Date().toISOString(),
          ...(run.detailsUrl ? { details_url: run.detailsUrl } : {}),
          request: { retries: 0 }
        })
        return { id: response.data.id, url: response.data.html_url ?? '' }
      } catch (error) {
        throw checkRunError('create', error)
      }
    },
    async complete(id, result) {
      const output = {
        title: annotationText(result.title, TITLE_CHARS),
        summary: fitOutput(result.summary)
      }
      const batches: Annotation[][] = []
      for (let i = 0; i < result.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
        batches.push(result.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST))
      }
      const last = batches.pop() ?? []
      try {
        // Every batch but the last while still in progress; they append.
        for (const batch of batches) {
          await octokit.rest.checks.update({
            owner,
            repo,
            check_run_id: id,
            output: { ...output, annotations: batch.map(wireAnnotation) }
          })
        }
        await octokit.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          status: 'completed',
          conclusion: result.conclusion,
          completed_at: new Date().toISOString(),
          output: {
            ...output,
            ...(result.text === undefined ? {} : { text: fitOutput(result.text) }),
            annotations: last.map(wireAnnotation)
          }
        })
      } catch (error) {
        throw checkRunError('complete', error)
      }
    }
  }
}
