// Acceptances read from a pull request's comments with the real Octokit client (the shared
// factory, retries and all) against the local fake of GitHub's API: who may accept, which
// comments are never commands, pagination, and the merged pull request of a commit.
import {
  createAcceptanceApi,
  mergedPullRequestOf,
  readAcceptances,
  type GatedBenchmark
} from '../src/github/acceptance.js'
import type { CommentsApiOptions } from '../src/github/octokit.js'
import { reportMarker } from '../src/report/markdown.js'
import { FakeGitHub, type FakeComment } from './helpers/fake-github.js'

const BENCHMARKS: GatedBenchmark[] = [
  { name: 'parse orders CSV', gate: ['p50'] },
  { name: 'api', gate: ['p99', 'rps'] }
]
const PERMISSION = /^GET .*\/collaborators\/[^/]+\/permission$/

let github: FakeGitHub
let url: string
let logs: string[]

function api(options: CommentsApiOptions = {}) {
  return createAcceptanceApi(
    'test-token',
    { owner: 'o', repo: 'r' },
    { baseUrl: url, secondMs: 1, timeoutMs: 5000, log: (m) => logs.push(m), ...options }
  )
}

function comment(id: number, login: string, body: string, type?: 'Bot'): FakeComment {
  return { id, body, user: { login, ...(type ? { type } : {}) } }
}

beforeEach(async () => {
  github = new FakeGitHub()
  url = await github.start()
  logs = []
  github.roles.set('writer', 'write').set('maint', 'maintain').set('reader', 'read')
  github.roles.set('triager', 'triage')
})
afterEach(() => github.stop())

describe('readAcceptances', () => {
  it('takes acceptances from writers and maintainers with their limits, ignores readers', async () => {
    github.comments.push(
      comment(1, 'writer', '/perfgate accept "parse orders CSV" +9% new parser, worth it'),
      comment(2, 'reader', '/perfgate accept all +50% please'),
      comment(3, 'maint', 'ok\n/perfgate accept api +4.5 % TLS on'),
      comment(4, 'triager', '/perfgate accept api +4% me too'),
      comment(5, 'stranger', '/perfgate accept api +4% drive-by'),
      comment(6, 'writer', '/perfgate accept render +9% not in this run')
    )
    const read = await readAcceptances(api(), { pullRequest: 7, benchmarks: BENCHMARKS })
    expect(read.accepted).toEqual([
      {
        benchmark: 'parse orders CSV',
        reason: 'new parser, worth it',
        by: 'writer',
        at: '2026-01-01T00:00:01.000Z',
        pullRequest: 7,
        url: 'https://github.invalid/o/r/pull/1#issuecomment-1',
        limits: [{ metric: 'p50', ratio: 1.09 }]
      },
      expect.objectContaining({
        benchmark: 'api',
        by: 'maint',
        limits: [
          { metric: 'p99', ratio: 1.045 },
          { metric: 'rps', ratio: 0.955 }
        ]
      })
    ])
    expect(read.ignored).toEqual([
      { by: 'reader', url: expect.stringContaining('-2'), reason: 'has read access, not write' },
      {
        by: 'triager',
        url: expect.stringContaining('-4'),
        reason: 'has triage access, not write'
      },
      {
        by: 'stranger',
        url: expect.stringContaining('-5'),
        reason: 'is not known to the repository (no access)'
      },
      {
        by: 'writer',
        url: expect.stringContaining('-6'),
        reason: 'no benchmark named render in this run'
      }
    ])
    // One permission request per login, though writer commented twice.
    expect(github.count(PERMISSION)).toBe(5)
  })

  it('never reads bots or perfgate reports as commands, even quoted by a writer', async () => {
    github.roles.set('github-actions[bot]', 'write')
    github.comments.push(
      comment(1, 'github-actions[bot]', '/perfgate accept all +99% from a bot', 'Bot'),
      comment(
        2,
        'writer',
        `${reportMarker('other')}\n/perfgate accept "parse orders CSV" +9% <reason>`
      ),
      comment(3, 'writer', `quoting:\n\n/perfgate accept api +1% x\n${reportMarker()}`)
    )
    const read = await readAcceptances(api(), { pullRequest: 7, benchmarks: BENCHMARKS })
    expect(read).toEqual({ accepted: [], ignored: [] })
    expect(github.count(PERMISSION)).toBe(0)
  })

  it('says why a writer’s unreadable command is ignored, and accepts `all` on every gate', async () => {
    github.comments.push(
      comment(1, 'writer', '/perfgate accept api because\n/perfgate accept all 10% suite-wide')
    )
    const read = await readAcceptances(api(), { pullRequest: 7, benchmarks: BENCHMARKS })
    expect(read.ignored.map((i) => i.reason)).toEqual(['say how much slower is accepted, e.g. +9%'])
    expect(read.accepted).toEqual([
      expect.objectContaining({
        benchmark: '*',
        limits: [
          { metric: 'p50', ratio: 1.1 },
          { metric: 'p99', ratio: 1.1 },
          { metric: 'rps', ratio: 0.9 }
        ]
      })
    ])
  })

  it('reads every page of a long conversation', async () => {
    for (let i = 1; i <= 230; i++) github.comments.push(comment(i, 'reader', `chatter ${i}`))
    github.comments.push(comment(231, 'writer', '/perfgate accept api +3% late in the thread'))
    const read = await readAcceptances(api(), { pullRequest: 7, benchmarks: BENCHMARKS })
    expect(read.accepted.map((a) => a.reason)).toEqual(['late in the thread'])
    expect(github.count(/^GET .*\/issues\/7\/comments$/)).toBe(3)
  })

  it('ignores commands whose author cannot be checked, saying so, and retries 5xx first', async () => {
    github.comments.push(comment(1, 'writer', '/perfgate accept api +3% fine'))
    github.faults.push({ match: PERMISSION, status: 403, message: 'Resource not accessible' })
    const refused = await readAcceptances(api(), { pullRequest: 7, benchmarks: BENCHMARKS })
    expect(refused.accepted).toEqual([])
    expect(refused.ignored.map((i) => i.reason)).toEqual([
      'could not be checked for write access (HTTP 403)'
    ])
    github.faults.push({ match: PERMISSION, status: 502 })
    const retried = await readAcceptances(api(), { pullRequest: 7, benchmarks: BENCHMARKS })
    expect(retried.accepted).toHaveLength(1)
    expect(logs.some((l) => l.includes('trying again'))).toBe(true)
  })
})

describe('mergedPullRequestOf', () => {
  it('finds the pull request merged into a commit, and none for a direct push', async () => {
    github.commitPulls.set('abc', [
      { number: 3, merged_at: null },
      { number: 9, merged_at: '2026-01-02T00:00:00Z' }
    ])
    github.commitPulls.set('def', [])
    expect(await mergedPullRequestOf(api(), 'abc')).toBe(9)
    expect(await mergedPullRequestOf(api(), 'def')).toBeUndefined()
    await expect(mergedPullRequestOf(api(), 'nope')).rejects.toMatchObject({ status: 422 })
  })
})
