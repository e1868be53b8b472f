/**
 * The one PR comment per config: found by its hidden marker among comments written by
 * the token's own identity, updated in place, else created. Never edits a comment
 * someone else wrote (a user may quote the marker).
 */
import { withRetry, type RetryOptions } from './retry.js'

/** The part of Octokit this module uses (the real client in production and tests). */
export interface CommentsApi {
  listComments(
    page: number
  ): Promise<{ id: number; body?: string; user: { login: string } | null }[]>
  createComment(body: string): Promise<{ id: number; html_url: string }>
  updateComment(id: number, body: string): Promise<{ id: number; html_url: string }>
  /** The token's login, if the API can tell (GraphQL viewer); undefined otherwise. */
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

const PER_PAGE = 100

/** Creates or updates the comment that carries `marker`. */
export async function upsertComment(
  api: CommentsApi,
  marker: string,
  body: string,
  retry: RetryOptions = {}
): Promise<UpsertResult> {
  const login =
    (await withRetry('who am I', () => api.viewerLogin(), retry).catch(() => undefined)) ??
    ACTIONS_BOT
  let existing: number | undefined
  for (let page = 1; existing === undefined; page++) {
    const comments = await withRetry(
      `list comments (page ${page})`,
      () => api.listComments(page),
      retry
    )
    existing = comments.find((c) => c.user?.login === login && c.body?.includes(marker))?.id
    if (comments.length < PER_PAGE) break
  }
  if (existing !== undefined) {
    const id = existing
    const updated = await withRetry('update comment', () => api.updateComment(id, body), retry)
    return { action: 'updated', id: updated.id, url: updated.html_url }
  }
  const created = await withRetry('create comment', () => api.createComment(body), retry)
  return { action: 'created', id: created.id, url: created.html_url }
}
