/**
 * The real CommentsApi and IssuesApi: Octokit from @actions/github (honours GITHUB_API_URL), with
 * Octokit's own retry and throttling plugins and a timeout on every request.
 *
 * - Every attempt has a deadline (`timeoutMs`): a request GitHub never answers would
 *   otherwise hold the job until its 6-hour limit. A timeout counts as a transient error.
 * - Transient errors (5xx, network errors, timeouts) are retried by @octokit/plugin-retry,
 *   twice, after 1 s and 4 s; other 4xx are final at once. Creating a comment is never
 *   retried here: a POST that failed may still have created it (upsertComment checks).
 * - Rate limits (primary, and secondary: 403/429 "secondary rate limit", retry-after) are
 *   left to @octokit/plugin-throttling, which also spaces writes as GitHub asks. A short
 *   wait is honoured; waits over MAX_WAIT_S in all end the request at once with an error
 *   that says so: a CI job does not sleep for minutes to post a comment.
 */
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
import { oneLine, type CommentsApi } from './comment.js'
import type { IssuesApi } from './issues.js'

/** The part of the client the hooks below use. */
type Octokit = Pick<ReturnType<typeof getOctokit>, 'hook' | 'request'>

export interface IssueRef {
  readonly owner: string
  readonly repo: string
  readonly issueNumber: number
}

export interface CommentsApiOptions {
  /** The REST API root; default GITHUB_API_URL, read at call time (the @actions/github
   * default is read once, when the module loads). */
  readonly baseUrl?: string
  /** Longest wait for one answer (per attempt); default 20 s. */
  readonly timeoutMs?: number
  /** Milliseconds per second of backoff and of honoured retry-after; default 1000 (tests
   * shorten the waits, not the decisions, which are taken in seconds). */
  readonly secondMs?: number
  /** Where retries and rate-limit waits are told (one line each); default stdout. */
  readonly log?: (message: string) => void
}

/** The longest rate-limit wait honoured, in seconds, for one request (all its waits). */
export const MAX_WAIT_S = 60
/** Retries of a transient error (5xx, network error, timeout). */
const RETRIES = 2
/** Rate-limit waits per request. */
const RATE_LIMIT_RETRIES = 2
const DEFAULT_TIMEOUT_MS = 20_000

/** "GET /repos/o/r/issues/7/comments" (no host, no query). */
function describeRequest(octokit: Octokit, options: object): string {
  try {
    const { method, url } = octokit.request.endpoint.parse(
      options as Parameters<Octokit['request']['endpoint']['parse']>[0]
    )
    return `${method} ${url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\?.*$/, '')}`
  } catch {
    return 'a request'
  }
}

/** Why an attempt failed, in a few words. */
function failure(error: unknown): string {
  const e = error as { status?: number; message?: string }
  if (e?.status === 408) return oneLine(e.message ?? 'timed out')
  if (e?.status !== undefined && e.status !== 500) return `HTTP ${e.status}`
  return oneLine(e?.message ?? String(error))
}

/**
 * Per attempt (innermost, so each retry gets its own deadline): aborts the request after
 * `timeoutMs` and reports it as a transient error, status 408, that plugin-retry retries;
 * tells each new attempt of a request in the log.
 */
function attempts(timeoutMs: number, log: (message: string) => void) {
  return (octokit: Octokit) => {
    const seen = new WeakMap<object, { count: number; last: string }>()
    octokit.hook.wrap('request', async (request, options) => {
      const what = describeRequest(octokit, options)
      const state = seen.get(options) ?? { count: 0, last: '' }
      seen.set(options, state)
      if (state.count > 0) log(`${what}: ${state.last}; trying again (attempt ${state.count + 1})`)
      state.count++
      const controller = new AbortController()
      // In place: the hooks below this one were bound to this very `options` object.
      options.request ??= {}
      const outer = options.request.signal as AbortSignal | undefined
      options.request.signal = outer
        ? AbortSignal.any([outer, controller.signal])
        : controller.signal
      const timer = setTimeout(() => controller.abort(), timeoutMs)
      const timedOut = () =>
        Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 100) / 10} s`), {
          name: 'TimeoutError',
          status: 408,
          request: { ...options, request: { ...options.request } }
        })
      try {
        const response = await request(options)
        // Octokit reads an aborted body as empty rather than failing: not an answer.
        if (controller.signal.aborted) throw timedOut()
        return response
      } catch (error) {
        const final = controller.signal.aborted && !outer?.aborted ? timedOut() : error
        state.last = failure(final)
        throw final
      } finally {
        clearTimeout(timer)
        // The next attempt (same `options`) gets a deadline of its own.
        options.request.signal = outer
      }
    })
    return {}
  }
}

/**
 * Outermost: a rate limit that was not waited for gets an error message that says so.
 * `decided` holds the throttling plugin's decision per request.
 */
function explainGiveUp(decided: WeakMap<object, string>) {
  return (octokit: Octokit) => {
    octokit.hook.error('request', (error, options) => {
      const why = decided.get(options)
      if (why && error instanceof Error) error.message = `${why} (${oneLine(error.message)})`
      throw error
    })
    return {}
  }
}

/**
 * The spacing GitHub asks of writes: a second between mutating requests, three after those
 * that notify (creating a comment or an issue) — the throttling plugin's own groups, built
 * here so that the spacing scales with `secondMs` like every other wait (tests run with
 * 1 ms). One pair of groups per scale, shared by every client of the process, as the
 * plugin's are.
 */
const writeSpacings = new Map<
  number,
  { write: Bottleneck.Group; notifications: Bottleneck.Group }
>()

function writeSpacing(secondMs: number) {
  let spacing = writeSpacings.get(secondMs)
  if (!spacing) {
    const group = (id: string, seconds: number) =>
      new Bottleneck.Group({ id: `perfgate-${id}`, maxConcurrent: 1, minTime: seconds * secondMs })
    spacing = { write: group('write', 1), notifications: group('notifications', 3) }
    writeSpacings.set(secondMs, spacing)
  }
  return spacing
}

/**
 * The client every API of the action goes through (retries, throttling, timeouts); exported
 * so that each GitHub API perfgate uses (comments, issues, check runs, acceptances) shares
 * one setup.
 */
export function createClient(token: string, options: CommentsApiOptions = {}) {
  const baseUrl = options.baseUrl ?? process.env.GITHUB_API_URL
  const secondMs = options.secondMs ?? 1000
  const log = options.log ?? ((message: string) => process.stdout.write(`perfgate: ${message}\n`))
  const decided = new WeakMap<object, string>()
  const waited = new WeakMap<object, number>()
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: object, _octokit: unknown, retryCount: number): boolean => {
      const what = describeRequest(octokit, request) // the client below, created by then
      const before = waited.get(request) ?? 0
      if (before + retryAfter > MAX_WAIT_S) {
        decided.set(
          request,
          before === 0
            ? `GitHub's ${kind} rate limit asks to wait ${retryAfter} s, over the ${MAX_WAIT_S} s perfgate waits: not retrying`
            : `GitHub's ${kind} rate limit: still limited after waiting ${before} s, not retrying`
        )
        return false
      }
      if (retryCount >= RATE_LIMIT_RETRIES) {
        decided.set(request, `GitHub's ${kind} rate limit: still limited after ${retryCount} waits`)
        return false
      }
      waited.set(request, before + retryAfter)
      log(`${what}: ${kind} rate limit, waiting ${retryAfter} s as GitHub asks`)
      return true
    }
  const octokit = getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      // 429 is the throttling plugin's (it honours retry-after); 408 is a timeout, retried.
      retry: {
        retries: RETRIES,
        retryAfterBaseValue: secondMs,
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451]
      },
      throttle: {
        ...writeSpacing(secondMs),
        retryAfterBaseValue: secondMs,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary')
      }
    },
    attempts(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, log),
    retry,
    throttling,
    explainGiveUp(decided)
  )
  return octokit
}

/** The Octokit client {@link createClient} makes. */
export type Client = ReturnType<typeof createClient>

/** The token's login (GraphQL viewer); rejects when the API cannot tell. */
async function viewerLogin(octokit: Client): Promise<string> {
  try {
    const data = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')
    return data.viewer.login
  } catch (error) {
    // An answer with `errors` is final (not a network error): say what GraphQL said.
    const errors = (error as { errors?: { message?: string }[] }).errors
    if (!Array.isArray(errors)) throw error
    throw new Error(`GraphQL error: ${oneLine(errors.map((e) => e.message ?? '?').join('; '))}`, {
      cause: error
    })
  }
}

export function createCommentsApi(
  token: string,
  issue: IssueRef,
  options: CommentsApiOptions = {}
): CommentsApi {
  const octokit = createClient(token, options)
  const { owner, repo, issueNumber } = issue
  return {
    async *listComments() {
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100
      })) {
        yield page.data.map((c) => ({
          id: c.id,
          body: c.body,
          html_url: c.html_url,
          user: c.user ? { login: c.user.login } : null
        }))
      }
    },
    async createComment(body) {
      const response = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
        // Never repeated blindly: a failed POST may have created the comment.
        request: { retries: 0 }
      })
      return { id: response.data.id, html_url: response.data.html_url }
    },
    async updateComment(id, body) {
      const response = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: id,
        body
      })
      return { id: response.data.id, html_url: response.data.html_url }
    },
    async pullHeadSha() {
      const response = await octokit.rest.pulls.get({ owner, repo, pull_number: issueNumber })
      return response.data.head.sha
    },
    viewerLogin: () => viewerLogin(octokit)
  }
}

/** The repository's issues, for the change-point issues (src/github/issues.ts). */
export function createIssuesApi(
  token: string,
  repository: { readonly owner: string; readonly repo: string },
  options: CommentsApiOptions = {}
): IssuesApi {
  const octokit = createClient(token, options)
  const { owner, repo } = repository
  return {
    async *listIssues(creator) {
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
        owner,
        repo,
        creator,
        state: 'all',
        per_page: 100
      })) {
        yield page.data
          .filter((i) => !i.pull_request)
          .map((i) => ({
            number: i.number,
            body: i.body ?? undefined,
            html_url: i.html_url,
            user: i.user ? { login: i.user.login } : null
          }))
      }
    },
    async createIssue(title, body) {
      const response = await octokit.rest.issues.create({
        owner,
        repo,
        title,
        body,
        // Never repeated blindly: a failed POST may have created the issue.
        request: { retries: 0 }
      })
      return { number: response.data.number, html_url: response.data.html_url }
    },
    async updateIssue(issueNumber, title, body) {
      const response = await octokit.rest.issues.update({
        owner,
        repo,
        issue_number: issueNumber,
        title,
        body
      })
      return { number: response.data.number, html_url: response.data.html_url }
    },
    viewerLogin: () => viewerLogin(octokit)
  }
}
