// The PR comment with the real Octokit client against a local fake of GitHub's API.
import { upsertComment } from '../src/github/comment.js'
import { createCommentsApi } from '../src/github/octokit.js'
import { FakeGitHub } from './helpers/fake-github.js'

const MARKER = '<!-- perfgate:report id=default -->'
let github: FakeGitHub
let api: ReturnType<typeof createCommentsApi>
const noWait = { sleep: async () => {}, baseDelayMs: 1 }

beforeEach(async () => {
  github = new FakeGitHub()
  const url = await github.start()
  api = createCommentsApi('test-token', { owner: 'o', repo: 'r', issueNumber: 7 }, url)
})
afterEach(() => github.stop())

describe('upsertComment', () => {
  it('creates the comment once, then updates it in place', async () => {
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
    github.comments.push({ id: 500, body: `quoting ${MARKER}`, user: { login: 'alice' } })
    github.comments.push({
      id: 501,
      body: `${MARKER}\nold`,
      user: { login: 'github-actions[bot]' }
    })
    const done = await upsertComment(api, MARKER, `${MARKER}\nnew`, noWait)
    expect(done).toMatchObject({ action: 'updated', id: 501 })
    expect(github.comments.find((c) => c.id === 500)!.body).toBe(`quoting ${MARKER}`)
    expect(github.requests.filter((r) => r.startsWith('GET'))).toHaveLength(2)
  })

  it('uses the identity GraphQL reports (an app token), falling back to the workflow bot', async () => {
    github.viewer = 'my-app[bot]'
    github.comments.push({ id: 9, body: `${MARKER}\nbot`, user: { login: 'github-actions[bot]' } })
    const mine = await upsertComment(api, MARKER, `${MARKER}\napp`, noWait)
    expect(mine.action).toBe('created')
    github.viewer = undefined
    const fallback = await upsertComment(api, MARKER, `${MARKER}\nbot again`, noWait)
    expect(fallback).toMatchObject({ action: 'updated', id: 9 })
  })

  it('retries server errors and rate limits, then succeeds', async () => {
    github.faults.push({ match: /^GET .*\/comments$/, status: 502, times: 2 })
    github.faults.push({
      match: /^POST .*\/comments$/,
      status: 429,
      headers: { 'retry-after': '0' }
    })
    const retries: string[] = []
    const done = await upsertComment(api, MARKER, `${MARKER}\nx`, {
      ...noWait,
      onRetry: (m) => retries.push(m)
    })
    expect(done.action).toBe('created')
    expect(retries).toEqual([
      'list comments (page 1): 502, retrying in 0 s',
      'list comments (page 1): 502, retrying in 0 s',
      'create comment: 429, retrying in 0 s'
    ])
  })

  it('gives up at once on a 403 without rate limiting (a fork token)', async () => {
    github.faults.push({ match: /^POST .*\/comments$/, status: 403, times: 5 })
    await expect(upsertComment(api, MARKER, 'x', noWait)).rejects.toMatchObject({ status: 403 })
    expect(github.requests.filter((r) => r.startsWith('POST /repos'))).toHaveLength(1)
  })
})
