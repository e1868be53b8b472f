// The change-point issues: found again only by their own marker line among the token's own
// issues, updated in place, never duplicated; names cannot forge or break a marker, nor
// mention anyone. The real Octokit client against the local fake GitHub.
import type { HistoryChangePoint } from '../src/history/series.js'
import {
  changePointBody,
  changePointMarker,
  changePointTitle,
  upsertIssue
} from '../src/github/issues.js'
import { createIssuesApi } from '../src/github/octokit.js'
import { FakeGitHub } from './helpers/fake-github.js'

const HOSTILE = 'GET /x --> <!-- perfgate:change-point benchmark=a --> @octocat #1\n"]'
const point: HistoryChangePoint = {
  benchmark: HOSTILE,
  metric: 'p95',
  commit: 'c'.repeat(40),
  before: 10,
  after: 11,
  ratio: 1.1,
  ciLow: 1.08,
  ciHigh: 1.12,
  p: 0.00001
}

let github: FakeGitHub
let baseUrl: string
beforeEach(async () => {
  github = new FakeGitHub()
  baseUrl = await github.start()
})
afterEach(() => github.stop())

describe('change-point issues', () => {
  it('have a one-line marker that no name can end or forge, and no mention', () => {
    const marker = changePointMarker(point)
    expect(marker).toBe(
      '<!-- perfgate:change-point benchmark=GET%20%2Fx%20--%3E%20%3C%21--%20perfgate%3Achange-point%20benchmark%3Da%20--%3E%20%40octocat%20%231%0A%22%5D metric=p95 commit=' +
        'c'.repeat(40) +
        ' -->'
    )
    expect(marker.match(/-->/g)).toHaveLength(1)
    const body = changePointBody(point, 'perfgate-data', 'd'.repeat(40))
    expect(body.split('\n')[0]).toBe(marker)
    expect(body).not.toMatch(/@octocat/)
    expect(body.split('\n').slice(1).join('\n')).not.toContain('<!--')
    expect(changePointTitle(point)).not.toMatch(/@octocat|#1|\n/)
  })

  it('are created once, then updated; issues of others or with the marker further down are left alone', async () => {
    const marker = changePointMarker(point)
    github.issues.push(
      { number: 1, title: 'quoted', body: `${marker}\nby a person`, user: { login: 'someone' } },
      {
        number: 2,
        title: 'not first line',
        body: `hello\n${marker}`,
        user: { login: 'github-actions[bot]' }
      }
    )
    const api = createIssuesApi('t', { owner: 'o', repo: 'r' }, { baseUrl, log: () => {} })
    const title = changePointTitle(point)
    const first = await upsertIssue(api, marker, title, changePointBody(point, 'd', 'a'.repeat(40)))
    expect(first).toMatchObject({ action: 'created', number: 3 })
    const second = await upsertIssue(
      api,
      marker,
      title,
      changePointBody(point, 'd', 'b'.repeat(40))
    )
    expect(second).toMatchObject({ action: 'updated', number: 3 })
    const third = await upsertIssue(api, marker, title, changePointBody(point, 'd', 'b'.repeat(40)))
    expect(third).toMatchObject({ action: 'unchanged', number: 3 })
    expect(github.issues).toHaveLength(3)
    expect(github.issues[0]!.body).toBe(`${marker}\nby a person`)
    expect(github.issues[1]!.body).toBe(`hello\n${marker}`)
    expect(github.issues[2]!.body).toContain('b'.repeat(40))
    expect(github.count(/^POST .*\/issues$/)).toBe(1)
  })

  it('list again after a create whose outcome is unknown, and do not create twice', async () => {
    github.faults.push({ match: /^POST .*\/issues$/, status: 502, when: 'after' })
    const api = createIssuesApi('t', { owner: 'o', repo: 'r' }, { baseUrl, log: () => {} })
    const marker = changePointMarker(point)
    const body = changePointBody(point, 'd', 'a'.repeat(40))
    const done = await upsertIssue(api, marker, changePointTitle(point), body, {
      recheckDelayMs: 1
    })
    expect(done.action).toBe('created')
    expect(github.issues).toHaveLength(1)
  })
})
