// The change-point issues: found again only by their own marker line among the token's own
// issues, updated in place, never duplicated; names cannot forge or break a marker, nor
// mention anyone. The real Octokit client against the local fake GitHub.
import type { HistoryChangePoint } from '../src/history/series.js'
import {
  changePointBody,
  changePointMarker,
  changePointTitle,
  stepAlerts,
  upsertIssue,
  type StepAlert
} from '../src/github/issues.js'
import { createIssuesApi } from '../src/github/octokit.js'
import { FakeGitHub } from './helpers/fake-github.js'

const HOSTILE = 'GET /x --> <!-- perfgate:change-point benchmark=a --> @octocat #1\n"]'
const pointOf = (benchmark: string, metric: string, commit = 'c'.repeat(40)): HistoryChangePoint =>
  ({
    benchmark,
    metric: metric as HistoryChangePoint['metric'],
    commit,
    before: 10,
    after: 11,
    ratio: 1.1,
    ciLow: 1.08,
    ciHigh: 1.12,
    p: 0.00001,
    minStep: 0.04,
    gated: true,
    foundOn: 'raw',
    status: 'confirmed',
    confirmed: {
      base: 'b'.repeat(40),
      head: 'd'.repeat(40),
      ratio: 1.09,
      low: 1.07,
      high: 1.11,
      pairs: 30,
      verdict: 'confirmed',
      opposite: false
    }
  }) as const
const point: StepAlert = {
  benchmark: HOSTILE,
  commit: 'c'.repeat(40),
  points: [pointOf(HOSTILE, 'p95')]
}
/** Every autolink GitHub applies to plain text, as a benchmark name could hold it. */
const LINKY =
  'fix GH-34 #12 owner/repo#7 @user a@b.example GHSA-abcd-1234-efgh JIRA-99 https://evil.example www.evil.example'

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
      '<!-- perfgate:change-point benchmark=GET%20%2Fx%20--%3E%20%3C%21--%20perfgate%3Achange-point%20benchmark%3Da%20--%3E%20%40octocat%20%231%0A%22%5D commit=' +
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

  it('link and mention nothing in title or body, whatever the name holds', () => {
    const step: StepAlert = {
      benchmark: LINKY,
      commit: 'c'.repeat(40),
      points: [pointOf(LINKY, 'p50')]
    }
    // What GitHub would turn into a link or a notification, as it matches plain text.
    const autolinks = /GH-\d|#\d|@[a-z]|GHSA-[a-z\d]|[A-Z]+-\d|https:\/\/|\bwww\.[a-z]/
    const title = changePointTitle(step)
    expect(title).not.toMatch(autolinks)
    // Readable as written once the invisible characters are taken out (no escapes shown).
    expect(title.replaceAll('\u200b', '')).toBe(
      `perfgate: ${LINKY} stepped at ccccccc: time/op p50 +9.0 %`
    )
    const body = changePointBody(step, 'data-GH-1', 'd'.repeat(40))
    expect(body.split('\n').slice(1).join('\n')).not.toMatch(autolinks)
  })

  it('group a step into one alert per benchmark, its gated metrics only', () => {
    const [c1, c2, c3] = ['1', '2', '3'].map((d) => d.repeat(40)) as [string, string, string]
    const metrics = ['p50', 'p95', 'p99', 'mean', 'ops']
    const gates: Record<string, string[]> = {
      parse: ['p50', 'p99', 'ops'],
      render: ['p50'],
      'heap only': ['p50']
    }
    const gatedPoint = (benchmark: string, metric: string, commit: string) => ({
      ...pointOf(benchmark, metric, commit),
      gated: gates[benchmark]?.includes(metric) ?? false
    })
    const points = [
      ...metrics.map((metric) => gatedPoint('parse', metric, metric === 'p99' ? c3 : c2)),
      ...metrics.map((metric) => gatedPoint('render', metric, c2)),
      gatedPoint('heap only', 'heap', c1)
    ]
    const alerts = stepAlerts(points, [c1, c2, c3])
    expect(
      alerts.map((a) => [a.benchmark, a.commit, a.points.map((p) => `${p.metric}@${p.commit[0]}`)])
    ).toEqual([
      ['parse', c2, ['p50@2', 'p99@3', 'ops@2']],
      ['render', c2, ['p50@2']]
    ])
    expect(changePointTitle(alerts[0]!)).toBe(
      'perfgate: parse stepped at 2222222: time/op p50 +9.0 %, time/op p99 +9.0 %, ops/s +9.0 %'
    )
    const body = changePointBody(alerts[0]!, 'perfgate-data', c3)
    expect(body).toContain(`(at ${c3})`)
    expect(body.match(/^- /gm)).toHaveLength(3)
    expect(body).toContain(
      'confirmed between bbbbbbb and ddddddd: +9.0 % (+7.0 % … +11.0 %), 30 pairs'
    )
  })

  it('alert only confirmed steps: never a candidate, an unconfirmed or an accepted one', () => {
    const commit = '1'.repeat(40)
    const as = (status: HistoryChangePoint['status'], benchmark: string): HistoryChangePoint => ({
      ...pointOf(benchmark, 'p50', commit),
      status
    })
    const points = [
      as('candidate', 'a'),
      as('not-confirmed', 'b'),
      as('accepted', 'c'),
      as('confirmed', 'd')
    ]
    expect(stepAlerts(points, [commit]).map((a) => a.benchmark)).toEqual(['d'])
  })

  it('open one issue per benchmark for a step across ten benchmarks, then only update', async () => {
    const commit = 'e'.repeat(40)
    const names = Array.from({ length: 10 }, (_, i) => `bench ${i}`)
    const points = names.flatMap((name) =>
      ['p50', 'p95', 'p99', 'mean', 'ops'].map((metric) => ({
        ...pointOf(name, metric, commit),
        gated: metric === 'p50' || metric === 'mean'
      }))
    )
    const api = createIssuesApi('t', { owner: 'o', repo: 'r' }, { baseUrl, log: () => {} })
    for (const checkedAt of ['a'.repeat(40), 'b'.repeat(40)]) {
      for (const step of stepAlerts(points, [commit])) {
        await upsertIssue(
          api,
          changePointMarker(step),
          changePointTitle(step),
          changePointBody(step, 'perfgate-data', checkedAt)
        )
      }
    }
    expect(github.issues).toHaveLength(10)
    expect(github.count(/^POST .*\/issues$/)).toBe(10)
    expect(github.issues.map((i) => i.title)).toEqual(
      names.map(
        (name) => `perfgate: ${name} stepped at eeeeeee: time/op p50 +9.0 %, time/op mean +9.0 %`
      )
    )
    for (const issue of github.issues) {
      expect(issue.body.match(/^- /gm)).toHaveLength(2)
      expect(issue.body).toContain('b'.repeat(40))
    }
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
