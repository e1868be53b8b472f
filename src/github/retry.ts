/**
 * Retries for GitHub API calls: server errors (5xx) and rate limits (429, or 403 with
 * x-ratelimit-remaining 0 / retry-after) are retried with exponential backoff; other
 * errors (403 on a fork's read-only token, 404, 422) are final at once.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */

export interface RetryOptions {
  readonly attempts?: number
  readonly baseDelayMs?: number
  /** Longest wait honoured from retry-after / x-ratelimit-reset. */
  readonly maxDelayMs?: number
  readonly sleep?: (ms: number) => Promise<void>
  readonly onRetry?: (message: string) => void
}

interface HttpishError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | number | undefined> }
}

/** How long to wait before retrying, or undefined when the error is final. */
export function retryDelay(
  error: unknown,
  attempt: number,
  base: number,
  max: number
): number | undefined {
  const e = error as HttpishError
  const status = e?.status
  const headers = e?.response?.headers ?? {}
  const retryAfter = Number(headers['retry-after'])
  const rateLimited =
    status === 429 ||
    (status === 403 &&
      (String(headers['x-ratelimit-remaining']) === '0' || Number.isFinite(retryAfter)))
  if (rateLimited) {
    if (Number.isFinite(retryAfter)) return Math.min(max, retryAfter * 1000)
    const reset = Number(headers['x-ratelimit-reset'])
    if (Number.isFinite(reset)) return Math.min(max, Math.max(0, reset * 1000 - Date.now()))
    return Math.min(max, base * 2 ** attempt)
  }
  if (status === undefined || status >= 500) return Math.min(max, base * 2 ** attempt)
  return undefined
}

/** Runs `call`, retrying transient failures; rethrows the last error. */
export async function withRetry<T>(
  what: string,
  call: () => Promise<T>,
  options: RetryOptions = {}
): Promise<T> {
  const attempts = options.attempts ?? 4
  const base = options.baseDelayMs ?? 1000
  const max = options.maxDelayMs ?? 60_000
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      const delay = attempt + 1 < attempts ? retryDelay(error, attempt, base, max) : undefined
      if (delay === undefined) throw error
      const status = (error as HttpishError).status
      options.onRetry?.(
        `${what}: ${status ?? 'network error'}, retrying in ${Math.round(delay / 100) / 10} s`
      )
      await sleep(delay)
    }
  }
}
