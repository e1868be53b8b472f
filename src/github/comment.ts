/**
 * The one PR comment per config: found by its hidden marker, which must be the body's
 * whole first line, among comments written by the token's own identity; updated in place,
 * else created. Never edits a comment someone else wrote (a user may quote the marker),
 * nor one where the marker appears further down (user text inside a report).
 *
 * Retries of single requests, timeouts and rate limits live in the client (octokit.ts).
 * Creating is the one request it does not repeat: a create that failed without a clear
 * refusal (5xx, timeout, network error) may have created the comment, so the comments are
 * listed again before another try; a duplicate comment is worse than a late one.
 */

export interface Comment {
  id: number
  body?: string
  html_url: string
  user: { login: string } | null
}

/** The part of Octokit this module uses (the real client in production and tests). */
export interface CommentsApi {
  /** The pull request's comments, a page at a time (stop iterating to stop fetching). */
  listComments(): AsyncIterable<Comment[]>
  /** Not retried by the client: the caller decides after checking (see upsertComment). */
  createComment(body: string): Promise<{ id: number; html_url: string }>
  updateComment(id: number, body: string): Promise<{ id: number; html_url: string }>
  /** The token's login (GraphQL viewer); rejects when the API cannot tell. */
  viewerLogin(): Promise<string | undefined>
  /** The pull request's current head commit (to check a measure job's claim). */
  pullHeadSha(): Promise<string>
}

/** The workflow token's identity (GET /user is not allowed for installation tokens). */
export const ACTIONS_BOT = 'github-actions[bot]'

export interface UpsertResult {
  readonly action: 'created' | 'updated'
  readonly id: number
  readonly url: string
}

export interface UpsertOptions {
  /** Told what was retried or worked around (one line each, no untrusted line breaks). */
  readonly onRetry?: (message: string) => void
  /** Wait before listing again after a failed create (GitHub may list it late); default 2 s. */
  readonly recheckDelayMs?: number
}

/** Tries of a create whose outcome is unknown. */
const CREATE_ATTEMPTS = 3

/** A comment's or issue's first line: where perfgate's hidden marker must stand. */
export function firstLine(body: string | undefined): string {
  return (body ?? '').split(/\r?\n/, 1)[0]!
}

/** A failure after which the comment (or issue) may or may not exist. */
export function outcomeUnknown(error: unknown): boolean {
  const status = (error as { status?: number })?.status
  return status === undefined || status === 408 || status >= 500
}

/**
 * Text from the network (an error message) for the middle of a log line: one line, and no
 * `##[` (the runner reads that anywhere in a line as a command; a zero-width space breaks it).
 */
export function oneLine(text: string, max = 300): string {
  const line = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replaceAll('##[', '#\u200b#[')
    .trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}

/** Creates or updates the comment that carries `marker` (its first line). */
/**
 * The login of the token's identity (whose comments and issues perfgate may edit); the
 * Actions bot when GraphQL cannot tell (logged, never fatal).
 */
export async function tokenLogin(
  api: { viewerLogin(): Promise<string | undefined> },
  log: (message: string) => void,
  what: string
): Promise<string> {
  try {
    return (await api.viewerLogin()) ?? ACTIONS_BOT
  } catch (error) {
    log(
      `cannot tell the token's identity (${oneLine((error as Error).message)}); looking for ${what} by ${ACTIONS_BOT}`
    )
    return ACTIONS_BOT
  }
}

export async function upsertComment(
  api: CommentsApi,
  marker: string,
  body: string,
  options: UpsertOptions = {}
): Promise<UpsertResult> {
  const log = options.onRetry ?? (() => {})
  const login = await tokenLogin(api, log, 'comments')
  const find = async (): Promise<Comment | undefined> => {
    for await (const page of api.listComments()) {
      const mine = page.find((c) => c.user?.login === login && firstLine(c.body) === marker)
      if (mine) return mine
    }
    return undefined
  }

  const existing = await find()
  if (existing) {
    const updated = await api.updateComment(existing.id, body)
    return { action: 'updated', id: updated.id, url: updated.html_url }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await api.createComment(body)
      return { action: 'created', id: created.id, url: created.html_url }
    } catch (error) {
      if (!outcomeUnknown(error) || attempt >= CREATE_ATTEMPTS) throw error
      log(
        `create comment: ${oneLine((error as Error).message)}; checking whether it was created before trying again`
      )
      await new Promise((resolve) => setTimeout(resolve, options.recheckDelayMs ?? 2000))
      const found = await find()
      if (found) {
        // Created by the failed request (or, with another body, by a concurrent run).
        if (found.body === body) return { action: 'created', id: found.id, url: found.html_url }
        const updated = await api.updateComment(found.id, body)
        return { action: 'updated', id: updated.id, url: updated.html_url }
      }
    }
  }
}
