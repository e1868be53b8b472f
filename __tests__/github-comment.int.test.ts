// The PR comment with the real Octokit client (the module's own factory, with its retry and
// throttling plugins) against a local fake of GitHub's API, with scripted faults.
import { upsertComment } from '../src/github/comment.js'
import { createCommentsApi, type CommentsApiOptions } from '../src/github/octokit.js'
import { FakeGitHub } from './helpers/fake-github.js'

const MARKER = '<!-- perfgate:report id=default -->'
const COMMENTS = /^GET .*\/comments$/
const CREATE = /^POST .*\/comments$/
const GRAPHQL = /^POST \/graphql$/
const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

let github: FakeGitHub
let url: string
let logs: string[]
/** Waits shortened (1 ms per second of backoff or retry-after): decisions stay the same. */
const fast: CommentsApiOptions = { secondMs: 1, timeoutMs: 5000 }
/** For requests the server holds open: a short deadline (others may rarely hit it too). */
const hangs: CommentsApiOptions = { secondMs: 1, timeoutMs: 1000 }
const noWait = { recheckDelayMs: 1, onRetry: (m: string) => logs.push(m) }

function client(options: CommentsApiOptions = fast) {
  return createCommentsApi(
    'test-token',
    { owner: 'o', repo: 'r', issueNumber: 7 },
    { baseUrl: url, log: (m) => logs.push(m), ...options }
  )
}

beforeEach(async () => {
  github = new FakeGitHub()
  url = await github.start()
  logs = []
})
afterEach(() => github.stop())

describe('upsertComment', () => {
  it('creates the comment once, then updates it in place', async () => {
    const api = client()
    const first = await upsertComment(api, MARKER, `${MARKER}\nfirst`, noWait)
    const second = await upsertComment(api, MARKER, `${MARKER}\nsecond`, noWait)
    expect(first.action).toBe('created')
    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(github.comments).toEqual([
      { id: first.id, body: `${MARKER}\nsecond`, user: { login: 'github-actions[bot]' } }
    ])
  })

  it('finds its comment on a later page, and never edits a comment by someone else', async () => {
    for (let i = 0; i < 150; i++)
      github.comments.push({ id: i + 1, body: `chatter ${i}`, user: { login: 'alice' } })
    github.comments.push({ id: 500, body: `${MARKER}\nquoted`, user: { login: 'alice' } })
    github.comments.push({
      id: 501,
      body: `${MARKER}\nold`,
      user: { login: 'github-actions[bot]' }
    })
    github.comments.push({ id: 502, body: 'after', user: { login: 'alice' } })
    for (let i = 0; i < 150; i++)
      github.comments.push({ id: 600 + i, body: `more ${i}`, user: { login: 'alice' } })
    const done = await upsertComment(client(), MARKER, `${MARKER}\nnew`, noWait)
    expect(done).toMatchObject({ action: 'updated', id: 501 })
    expect(github.comments.find((c) => c.id === 500)!.body).toBe(`${MARKER}\nquoted`)
    // Stops paging once found: page 2 of 4.
    expect(github.count(COMMENTS)).toBe(2)
  })

  it('matches the marker only as the whole first line (a forged one further down is text)', async () => {
    const other = '<!-- perfgate:report id=other -->'
    github.comments.push({
      id: 1,
      body: `${MARKER}\n| \`${other}\` | 1 ms |`,
      user: { login: 'github-actions[bot]' }
    })
    github.comments.push({ id: 2, body: `${other} quoted`, user: { login: 'github-actions[bot]' } })
    const done = await upsertComment(client(), other, `${other}\nreport`, noWait)
    expect(done.action).toBe('created')
    expect(github.comments.map((c) => c.body)).toEqual([
      `${MARKER}\n| \`${other}\` | 1 ms |`,
      `${other} quoted`,
      `${other}\nreport`
    ])
  })

  it('uses the identity GraphQL reports (an app token), falling back to the workflow bot', async () => {
    github.viewer = 'my-app[bot]'
    github.comments.push({ id: 9, body: `${MARKER}\nbot`, user: { login: 'github-actions[bot]' } })
    const mine = await upsertComment(client(), MARKER, `${MARKER}\napp`, noWait)
    expect(mine.action).toBe('created')
    github.viewer = undefined
    const fallback = await upsertComment(client(), MARKER, `${MARKER}\nbot again`, noWait)
    expect(fallback).toMatchObject({ action: 'updated', id: 9 })
  })

  it('takes a GraphQL answer with errors as final, and says what GraphQL said', async () => {
    github.viewer = undefined
    await upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)
    expect(github.count(GRAPHQL)).toBe(1)
    expect(logs).toEqual([
      "cannot tell the token's identity (GraphQL error: Resource not accessible by integration); looking for comments by github-actions[bot]"
    ])
  })

  it('keeps an error message from becoming a workflow command in the log', async () => {
    github.viewer = undefined
    github.viewerError = 'denied\n::error::forged ##[warning]too'
    await upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)
    expect(logs).toEqual([
      "cannot tell the token's identity (GraphQL error: denied ::error::forged #\u200b#[warning]too); looking for comments by github-actions[bot]"
    ])
  })

  it('retries server errors, saying so, then succeeds', async () => {
    github.faults.push({ match: COMMENTS, status: 502, times: 2 })
    const done = await upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)
    expect(done.action).toBe('created')
    expect(github.count(COMMENTS)).toBe(3)
    expect(logs).toEqual([
      'GET /repos/o/r/issues/7/comments: HTTP 502; trying again (attempt 2)',
      'GET /repos/o/r/issues/7/comments: HTTP 502; trying again (attempt 3)'
    ])
  })

  it('gives up on a server error after two retries', async () => {
    github.faults.push({ match: COMMENTS, status: 503, times: 10 })
    await expect(upsertComment(client(), MARKER, 'x', noWait)).rejects.toMatchObject({
      status: 503
    })
    expect(github.count(COMMENTS)).toBe(3)
  })

  it('gives up at once on a 403 without rate limiting (a fork token)', async () => {
    github.faults.push({ match: CREATE, status: 403, times: 5 })
    await expect(upsertComment(client(), MARKER, 'x', noWait)).rejects.toMatchObject({
      status: 403
    })
    expect(github.count(CREATE)).toBe(1)
  })
})

describe('a create that fails after all', () => {
  it('a 5xx after the comment was created leaves exactly one comment', async () => {
    github.faults.push({ match: CREATE, status: 502, when: 'after' })
    const done = await upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)
    expect(done).toMatchObject({ action: 'created', id: github.comments[0]!.id })
    expect(github.comments).toHaveLength(1)
    expect(github.count(CREATE)).toBe(1)
    expect(logs).toEqual([
      'create comment: scripted 502; checking whether it was created before trying again'
    ])
  })

  it('a create that timed out without creating is tried again after the check', async () => {
    github.faults.push({ match: CREATE, when: 'hang' })
    const done = await upsertComment(client(hangs), MARKER, `${MARKER}\nx`, noWait)
    expect(done.action).toBe('created')
    expect(github.comments).toHaveLength(1)
    expect(github.count(CREATE)).toBe(2)
    expect(github.count(COMMENTS)).toBeGreaterThanOrEqual(2) // listed again before the retry
    expect(logs).toContain(
      'create comment: no answer within 1 s; checking whether it was created before trying again'
    )
  })

  it('stops after three creates whose outcome is unknown', async () => {
    github.faults.push({ match: CREATE, status: 500, times: 10 })
    await expect(upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)).rejects.toMatchObject({
      status: 500
    })
    expect(github.count(CREATE)).toBe(3)
  })
})

describe('requests that never end', () => {
  it('a hanging listing ends: timeouts are retried twice, then the call fails', async () => {
    github.faults.push({ match: COMMENTS, when: 'hang', times: 10 })
    await expect(upsertComment(client(hangs), MARKER, 'x', noWait)).rejects.toThrow(
      'no answer within 1 s'
    )
    expect(github.count(COMMENTS)).toBe(3)
    expect(github.comments).toHaveLength(0)
  })

  it('a hanging GraphQL query ends, and the comment is still posted', async () => {
    github.faults.push({ match: GRAPHQL, when: 'hang', times: 10 })
    const done = await upsertComment(client(hangs), MARKER, `${MARKER}\nx`, noWait)
    expect(done.action).toBe('created')
    expect(github.count(GRAPHQL)).toBe(3)
    expect(logs).toContain(
      "cannot tell the token's identity (no answer within 1 s); looking for comments by github-actions[bot]"
    )
  })

  it("a hanging pull request read ends (the comment workflow's head check)", async () => {
    github.faults.push({ match: /^GET .*\/pulls\/7$/, when: 'hang', times: 10 })
    await expect(client(hangs).pullHeadSha()).rejects.toThrow('no answer within 1 s')
  })
})

describe('rate limits', () => {
  it('waits a short retry-after of a secondary rate limit, then succeeds', async () => {
    github.faults.push({
      match: CREATE,
      status: 429,
      message: SECONDARY,
      headers: { 'retry-after': '5' }
    })
    const done = await upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)
    expect(done.action).toBe('created')
    expect(github.comments).toHaveLength(1)
    expect(logs).toEqual([
      'POST /repos/o/r/issues/7/comments: secondary rate limit, waiting 5 s as GitHub asks',
      'POST /repos/o/r/issues/7/comments: HTTP 429; trying again (attempt 2)'
    ])
  })

  it('waits at most 60 s in all for one request', async () => {
    github.faults.push({
      match: CREATE,
      status: 403,
      message: SECONDARY,
      headers: { 'retry-after': '40' },
      times: 10
    })
    await expect(upsertComment(client(), MARKER, `${MARKER}\nx`, noWait)).rejects.toThrow(
      "GitHub's secondary rate limit: still limited after waiting 40 s, not retrying"
    )
    expect(github.count(CREATE)).toBe(2)
    expect(github.comments).toHaveLength(0)
  })

  // Real waits here (1 s per second): the call must end long before the retry-after.
  it.each([
    ['secondary', { status: 429, message: SECONDARY, headers: { 'retry-after': '3600' } }, '3600'],
    [
      'primary',
      {
        status: 403,
        message: 'API rate limit exceeded',
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600)
        }
      },
      '3\\d{3}' // the reset is an hour away, give or take the time this file took
    ]
  ])(
    'gives up at once on a long %s rate limit, saying so',
    async (kind, fault, wait) => {
      github.faults.push({ match: CREATE, times: 10, ...fault })
      const started = Date.now()
      const failed = upsertComment(client({ timeoutMs: 20_000 }), MARKER, `${MARKER}\nx`, noWait)
      await expect(failed).rejects.toThrow(
        new RegExp(`GitHub's ${kind} rate limit asks to wait ${wait} s, over`)
      )
      await expect(failed).rejects.toThrow('over the 60 s perfgate waits: not retrying')
      expect(Date.now() - started).toBeLessThan(60_000)
      expect(github.count(CREATE)).toBe(1)
      expect(github.comments).toHaveLength(0)
    },
    90_000
  )
})
