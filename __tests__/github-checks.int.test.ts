// The Check run with the real Octokit client (the shared factory, with its retry and
// throttling plugins) against the local fake of GitHub's API, which refuses what GitHub
// refuses (over 50 annotations in a request, an output over 65,535 characters, no head_sha).
import { outcomeOf, outcomeOfError, EXIT } from '../src/app/outcome.js'
import {
  ANNOTATIONS_PER_REQUEST,
  checkName,
  checkRunResult,
  CheckRunError,
  createChecksApi,
  MAX_OUTPUT_CHARS,
  PERMISSION_HINT
} from '../src/github/checks.js'
import type { CommentsApiOptions } from '../src/github/octokit.js'
import { annotationsOf, type Annotation } from '../src/report/annotations.js'
import { buildReport } from '../src/report/model.js'
import type { JudgedResults } from '../src/results/types.js'
import { compareResults } from '../src/compare/compare.js'
import {
  BASE,
  benchResult,
  COMPARED_RESULTS,
  COMPARISON,
  NOISE,
  WILD
} from '../__fixtures__/results/comparison.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { FakeGitHub } from './helpers/fake-github.js'

const SHA = 'a'.repeat(40)
const CREATE = /^POST \/repos\/o\/r\/check-runs$/
const UPDATE = /^PATCH \/repos\/o\/r\/check-runs\/\d+$/

let github: FakeGitHub
let url: string
let logs: string[]
/** Waits shortened (1 ms per second of backoff): decisions stay the same. */
const fast: CommentsApiOptions = { secondMs: 1, timeoutMs: 5000 }

function client() {
  return createChecksApi(
    'test-token',
    { owner: 'o', repo: 'r' },
    {
      baseUrl: url,
      log: (m) => logs.push(m),
      ...fast
    }
  )
}

/** `n` annotations on lines 1..n of one file. */
function annotations(n: number): Annotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: 'bench/a.bench.js',
    line: i + 1,
    level: 'failure',
    title: `Regression: b${i}`,
    message: `b${i} slower`
  }))
}

/** Judged results of a paired run, head = base × factor per benchmark (noisy: inconclusive). */
function judged(benches: { name: string; factor: number; noisy?: boolean }[]): JudgedResults {
  const head = benches.map((b) =>
    benchResult(
      b.name,
      BASE.map((v, i) => v * b.factor + (b.noisy ? WILD : NOISE)[i]!),
      b.noisy ? 'max-pairs' : 'decided'
    )
  )
  const base = head.map((h) => benchResult(h.name, BASE, 'decided'))
  const comparison = compareResults({ mode: 'paired', head, base, compare: SAMPLE_RESULTS.compare })
  return {
    ...SAMPLE_RESULTS,
    benchmarks: head,
    base: { source: 'main', environment: SAMPLE_RESULTS.environment, benchmarks: base },
    comparison
  }
}

/** The whole publication of judged results: create, annotate at the config's line, complete. */
async function publish(results: JudgedResults) {
  const api = client()
  const run = await api.create({ name: checkName(), headSha: SHA })
  const model = buildReport(results, results.comparison!)
  const made = annotationsOf(model, {
    failOn: results.comparison!.gate.failOn,
    locations: new Map(),
    fallback: { path: 'perfgate.yml', line: 1 }
  })
  await api.complete(run.id, checkRunResult({ outcome: outcomeOf(results), model, ...made }))
  return github.checkRuns.find((r) => r.id === run.id)!
}

beforeEach(async () => {
  github = new FakeGitHub()
  url = await github.start()
  logs = []
})
afterEach(() => github.stop())

describe('a Check run', () => {
  it('is created in progress on the head commit, then completed with the verdict', async () => {
    const api = client()
    const run = await api.create({
      name: checkName('api'),
      headSha: SHA,
      detailsUrl: 'https://github.invalid/o/r/actions/runs/1'
    })
    expect(run.url).toBe(`https://github.invalid/o/r/runs/${run.id}`)
    expect(github.checkRuns[0]).toMatchObject({
      name: 'perfgate (api)',
      head_sha: SHA,
      status: 'in_progress',
      conclusion: null,
      details_url: 'https://github.invalid/o/r/actions/runs/1'
    })
    expect(Date.parse(github.checkRuns[0]!.started_at!)).not.toBeNaN()
    await api.complete(run.id, {
      conclusion: 'success',
      title: 'Passed',
      summary: 'all good',
      text: 'details',
      annotations: []
    })
    expect(github.checkRuns[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Passed', summary: 'all good', text: 'details' },
      annotations: []
    })
    expect(checkName()).toBe('perfgate')
  })

  it('sends 120 annotations in 3 requests, completing with the last', async () => {
    const api = client()
    const run = await api.create({ name: 'perfgate', headSha: SHA })
    const sent = annotations(120)
    const recorded = github.checkRuns[0]!
    await api.complete(run.id, {
      conclusion: 'failure',
      title: 'Failed',
      summary: 's',
      annotations: sent
    })
    expect(github.count(UPDATE)).toBe(Math.ceil(120 / ANNOTATIONS_PER_REQUEST))
    expect(recorded.writes).toBe(4) // the create and 3 updates
    expect(recorded.annotations.map((a) => a.start_line)).toEqual(sent.map((a) => a.line))
    expect(recorded.annotations[0]).toEqual({
      path: 'bench/a.bench.js',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'Regression: b0',
      message: 'b0 slower'
    })
    expect(recorded).toMatchObject({ status: 'completed', conclusion: 'failure' })
  })

  it('stays in progress until the last batch is in (a failed batch leaves no conclusion)', async () => {
    const api = client()
    const run = await api.create({ name: 'perfgate', headSha: SHA })
    // The first batch passes, the second is refused: the run must not be completed.
    github.faults.push({ match: UPDATE, status: 422, message: 'refused', skip: 1 })
    await expect(
      api.complete(run.id, {
        conclusion: 'success',
        title: 'P',
        summary: 's',
        annotations: annotations(120)
      })
    ).rejects.toThrow(CheckRunError)
    expect(github.checkRuns[0]).toMatchObject({ status: 'in_progress', conclusion: null })
    expect(github.checkRuns[0]!.annotations).toHaveLength(50)
  })

  it('fits a summary and a text over 65,535 characters, saying so', async () => {
    const api = client()
    const run = await api.create({ name: 'perfgate', headSha: SHA })
    await api.complete(run.id, {
      conclusion: 'success',
      title: 'Passed',
      summary: 'x'.repeat(100_000),
      text: 'y'.repeat(70_000),
      annotations: []
    })
    const { summary, text } = github.checkRuns[0]!.output
    expect(summary).toHaveLength(MAX_OUTPUT_CHARS)
    expect(text).toHaveLength(MAX_OUTPUT_CHARS)
    expect(summary).toMatch(/cut to fit the check size limit: the job summary has all of it\.\n$/)
  })

  it('fits a large report within the limit, its headline and first changes kept', async () => {
    const many = judged(
      Array.from({ length: 400 }, (_, i) => ({ name: `bench ${i} ${'n'.repeat(60)}`, factor: 1.3 }))
    )
    const run = await publish(many)
    expect(run.output.summary!.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS)
    expect(run.output.summary).toContain('400 regressions')
    expect(run.output.summary).toContain('| bench 0 ')
    expect(run.output.summary).toMatch(/report cut to fit the size limit/)
    expect(run.annotations).toHaveLength(400)
    expect(github.count(UPDATE)).toBe(8)
  })
})

describe('conclusions', () => {
  it('a regression fails the check, with failure annotations', async () => {
    const run = await publish(COMPARED_RESULTS)
    expect(run.conclusion).toBe('failure')
    expect(run.output.title).toBe('Failed: 1 budget exceeded; 1 significant regression')
    expect(run.annotations.map((a) => a.annotation_level)).toEqual(['failure', 'failure'])
    expect(run.output.summary).toContain('1 regression, 1 improvement, 1 budget exceeded')
  })

  it('a clean run succeeds', async () => {
    const run = await publish(judged([{ name: 'steady', factor: 1 }]))
    expect(run.conclusion).toBe('success')
    expect(run.output.title).toBe('Passed: 0 regressions, 0 improvements · 1 unchanged')
    expect(run.annotations).toEqual([])
  })

  it('an inconclusive run that passes the gate succeeds, and its summary says it is no all-clear', async () => {
    const run = await publish(judged([{ name: 'noisy', factor: 1.02, noisy: true }]))
    expect(run.conclusion).toBe('success')
    expect(run.output.title).toMatch(/^Passed: .*1 inconclusive \(not an all-clear\)$/)
    expect(run.output.summary).toMatch(
      /^> Passed, but not an all-clear: 1 of 1 gated tests inconclusive \(neither a change nor its absence shown\)\.\n\n/
    )
  })

  it('a run that could not measure fails the check (a required check never passes on nothing)', async () => {
    const api = client()
    const run = await api.create({ name: 'perfgate', headSha: SHA })
    const outcome = outcomeOfError(
      EXIT.runtime,
      'git fetch failed: @team <img src=x>\n# forged\u202e'
    )
    await api.complete(
      run.id,
      checkRunResult({ outcome, model: undefined, annotations: [], omitted: 0 })
    )
    expect(github.checkRuns[0]).toMatchObject({
      conclusion: 'failure',
      output: {
        title: 'No verdict: git fetch failed: @team <img src=x>\\n# forged\\u202e',
        summary:
          '> perfgate could not give a verdict, so this check fails: git fetch failed: ' +
          '@\u200bteam &lt;img src=x&gt;\\\\n# forged\\\\u202e.\n\n' // backslashes escaped
      }
    })
  })

  it('says in the summary how many annotations were left out', () => {
    const result = checkRunResult({
      outcome: outcomeOf(COMPARED_RESULTS),
      model: buildReport(COMPARED_RESULTS, COMPARISON),
      annotations: [],
      omitted: 3
    })
    expect(result.summary).toMatch(/^> 3 more annotations left out: see the report\.\n\n/)
  })

  it('keeps hostile benchmark names inert in annotations', async () => {
    const run = await publish(judged([{ name: 'evil\u202e\n::error::x @team', factor: 1.3 }]))
    const [a] = run.annotations
    expect(a!.title).toBe('Regression: evil\\u202e\\n::error::x @team (time/op p50)')
    // eslint-disable-next-line no-control-regex
    expect(a!.message).not.toMatch(/[\u0000-\u001f\u202e]/)
  })
})

describe('errors of the API', () => {
  it('a 403 gives the permission hint, and the create is not repeated', async () => {
    github.faults.push({
      match: CREATE,
      status: 403,
      message: 'Resource not accessible by integration',
      times: 5
    })
    const error = await client()
      .create({ name: 'perfgate', headSha: SHA })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckRunError)
    expect(error).toMatchObject({ status: 403, hint: PERMISSION_HINT })
    expect((error as Error).message).toBe(
      `cannot create the check run: HTTP 403, Resource not accessible by integration. ${PERMISSION_HINT}`
    )
    expect(github.count(CREATE)).toBe(1)
  })

  it('retries a transient 502 of an update, saying so', async () => {
    const api = client()
    const run = await api.create({ name: 'perfgate', headSha: SHA })
    github.faults.push({ match: UPDATE, status: 502, times: 1 })
    await api.complete(run.id, { conclusion: 'success', title: 'P', summary: 's', annotations: [] })
    expect(github.checkRuns[0]!.conclusion).toBe('success')
    expect(github.count(UPDATE)).toBe(2)
    expect(logs).toEqual([
      `PATCH /repos/o/r/check-runs/${run.id}: HTTP 502; trying again (attempt 2)`
    ])
  })

  it('does not repeat a create that failed with a 5xx (it may have created the run)', async () => {
    github.faults.push({ match: CREATE, status: 502, when: 'after' })
    await expect(client().create({ name: 'perfgate', headSha: SHA })).rejects.toMatchObject({
      status: 502,
      hint: undefined
    })
    expect(github.count(CREATE)).toBe(1)
    expect(github.checkRuns).toHaveLength(1)
  })
})

describe('the fake refuses what GitHub refuses', () => {
  const post = (path: string, body: unknown, method = 'POST') =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
  const wire = (n: number) =>
    annotations(n).map((a) => ({
      path: a.path,
      start_line: a.line,
      end_line: a.line,
      annotation_level: a.level,
      message: a.message
    }))

  it('no head_sha, 51 annotations, a summary over 65,535 characters: 422', async () => {
    expect((await post('/repos/o/r/check-runs', { name: 'x' })).status).toBe(422)
    const created = await post('/repos/o/r/check-runs', { name: 'x', head_sha: SHA })
    const { id } = (await created.json()) as { id: number }
    const patch = (output: unknown) => post(`/repos/o/r/check-runs/${id}`, { output }, 'PATCH')
    expect((await patch({ title: 't', summary: 's', annotations: wire(51) })).status).toBe(422)
    expect((await patch({ title: 't', summary: 's'.repeat(65_536) })).status).toBe(422)
    expect((await patch({ title: 't', summary: 's', annotations: wire(50) })).status).toBe(200)
    expect(github.checkRuns[0]!.annotations).toHaveLength(50)
  })
})
