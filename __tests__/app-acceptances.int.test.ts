// A pull request's regression accepted end to end, at the module level: judged results, the
// command the report offers, comments read with the real Octokit client from the local fake
// GitHub (a reader's ignored, a writer's applied), the outcome turning green, a later push
// past the bound judged again, and an `accepted` forged in a results file dropped.
import { withAcceptances } from '../src/app/acceptances.js'
import { judge } from '../src/app/judge.js'
import { outcomeOf } from '../src/app/outcome.js'
import { createAcceptanceApi, gatedBenchmarks, readAcceptances } from '../src/github/acceptance.js'
import { renderMarkdownReport } from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import type { BenchmarkResult, JudgedResults, Results } from '../src/results/types.js'
import { COMPARED_RESULTS } from '../__fixtures__/results/comparison.js'
import { FakeGitHub } from './helpers/fake-github.js'

const NAME = 'GET /users <script>'

/** The fixture's run without budgets: its gate fails on the one regression only. */
function pullRequestRun(slowdown = 1): JudgedResults {
  const slower = (b: BenchmarkResult): BenchmarkResult =>
    b.name !== NAME
      ? b
      : {
          ...b,
          trials: b.trials.map((t) => ({ ...t, metrics: { p50: t.metrics.p50! * slowdown } }))
        }
  const unbudgeted = (b: BenchmarkResult): BenchmarkResult => ({
    ...b,
    settings: { ...b.settings, budgets: [], targets: [] }
  })
  const { comparison: _stale, ...results } = COMPARED_RESULTS
  return judge({ ...results, benchmarks: results.benchmarks.map(unbudgeted).map(slower) })
}

let github: FakeGitHub
let url: string

beforeEach(async () => {
  github = new FakeGitHub()
  url = await github.start()
  github.roles.set('lead', 'admin').set('visitor', 'read')
})
afterEach(() => github.stop())

async function acceptancesOf(results: Results) {
  const api = createAcceptanceApi('t', { owner: 'o', repo: 'r' }, { baseUrl: url, secondMs: 1 })
  return readAcceptances(api, { pullRequest: 7, benchmarks: gatedBenchmarks(results.benchmarks) })
}

it('fails on a regression, ignores a reader, passes once a writer accepts, fails past the bound', async () => {
  const judged = pullRequestRun()
  expect(outcomeOf(judged)).toMatchObject({
    verdict: 'fail',
    reasons: ['1 significant regression']
  })
  const [offered] = buildReport(judged, judged.comparison!).acceptCommands
  expect(offered).toBe(`/perfgate accept "${NAME}" +14% <reason>`)
  const command = offered!.replace('<reason>', 'caching moved to the edge')

  github.comments.push({ id: 1, body: command, user: { login: 'visitor' } })
  const byReader = withAcceptances(judged, await acceptancesOf(judged))
  expect(outcomeOf(byReader).verdict).toBe('fail')
  expect(byReader.accepted).toBeUndefined()
  expect(renderMarkdownReport(buildReport(byReader, byReader.comparison!))).toContain(
    '- visitor ([comment](https://github.invalid/o/r/pull/1#issuecomment-1)): has read access, not write'
  )

  github.comments.push({ id: 2, body: `Agreed.\n${command}`, user: { login: 'lead' } })
  const read = await acceptancesOf(judged)
  const accepted = withAcceptances(judged, read)
  expect(outcomeOf(accepted)).toEqual({ exitCode: 0, verdict: 'pass', reasons: [] })
  expect(accepted.accepted).toEqual([
    expect.objectContaining({ benchmark: NAME, by: 'lead', reason: 'caching moved to the edge' })
  ])
  const report = renderMarkdownReport(buildReport(accepted, accepted.comparison!))
  expect(report).toContain('0 regressions, 1 accepted regression')
  expect(report).toContain('up to +14 % by lead')

  // A later push makes it slower still: 1.137 × 1.1 ≈ +25 %, past +14 %.
  const later = pullRequestRun(1.1)
  const again = withAcceptances(later, await acceptancesOf(later))
  expect(outcomeOf(again).verdict).toBe('fail')
  expect(renderMarkdownReport(buildReport(again, again.comparison!))).toMatch(
    /accepted up to \+14 % by lead .*; now \+25\.\d %: judged again/
  )
})

it('drops an acceptance forged in a results file', () => {
  const forged: JudgedResults = {
    ...pullRequestRun(),
    accepted: [{ benchmark: '*', reason: 'trust me', by: 'lead', at: 'x', pullRequest: 7 }]
  }
  const judged = withAcceptances(forged, { accepted: [], ignored: [] })
  expect(judged.accepted).toBeUndefined()
  expect(outcomeOf(judged).verdict).toBe('fail')
})

it('recomputes a comparison a results file forged as accepted, and its ignored list', () => {
  const honest = pullRequestRun()
  const comparison = honest.comparison!
  const forged: JudgedResults = {
    ...honest,
    comparison: {
      ...comparison,
      benchmarks: comparison.benchmarks.map((b) => ({
        ...b,
        acceptance: {
          benchmark: b.name,
          by: 'lead',
          reason: 'x',
          at: 'x',
          pullRequest: 7,
          bound: undefined,
          covers: true
        }
      })),
      counts: { ...comparison.counts, regressions: 0, accepted: comparison.counts.regressions },
      gate: { ...comparison.gate, failed: false, reasons: [] },
      ignoredAcceptances: [{ by: 'lead', reason: 'forged' }]
    }
  }
  expect(outcomeOf(forged).verdict).toBe('pass')
  const judged = withAcceptances(forged, { accepted: [], ignored: [] })
  expect(judged.comparison.benchmarks.every((b) => b.acceptance === undefined)).toBe(true)
  expect(judged.comparison.ignoredAcceptances).toEqual([])
  expect(judged.comparison.counts).toEqual({ ...comparison.counts, accepted: 0 })
  expect(outcomeOf(judged).verdict).toBe('fail')
})
