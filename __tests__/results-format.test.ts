import { parseResults, ResultsError, serializeResults } from '../src/results/format.js'
import { METRIC_NAMES } from '../src/metrics.js'
import { summarizeMetric } from '../src/results/summary.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'

function errorOf(text: string): string {
  try {
    parseResults(text, 'base.json')
  } catch (error) {
    expect(error).toBeInstanceOf(ResultsError)
    return (error as Error).message
  }
  throw new Error('expected a ResultsError')
}

describe('results file', () => {
  it('round-trips through serialize and parse', () => {
    const text = serializeResults(SAMPLE_RESULTS)
    expect(text.endsWith('\n')).toBe(true)
    expect(parseResults(text, 'r.json')).toEqual(SAMPLE_RESULTS)
  })

  it('refuses corrupt, foreign, newer and damaged files with a clear message', () => {
    expect(errorOf('{"schemaVersion": 1, "tool"')).toMatch(
      /^base\.json: not valid JSON \(.+\); expected a perfgate results file$/
    )
    expect(errorOf('[1, 2]')).toBe(
      'base.json: not a perfgate results file (expected "tool": { "name": "perfgate" })'
    )
    expect(errorOf('{"schemaVersion": 1, "tool": {"name": "hyperfine"}}')).toBe(
      'base.json: not a perfgate results file (expected "tool": { "name": "perfgate" })'
    )
    expect(errorOf(JSON.stringify({ ...SAMPLE_RESULTS, schemaVersion: 2 }))).toBe(
      'base.json: written by a newer perfgate (schemaVersion 2); this perfgate reads schemaVersion 1: upgrade perfgate'
    )
    expect(errorOf(JSON.stringify({ ...SAMPLE_RESULTS, schemaVersion: '1' }))).toBe(
      'base.json: schemaVersion missing; expected 1'
    )
    const damaged = structuredClone(SAMPLE_RESULTS) as unknown as {
      benchmarks: { trials: { metrics: Record<string, unknown> }[] }[]
    }
    damaged.benchmarks[0]!.trials[2]!.metrics.p50 = 'fast'
    expect(errorOf(JSON.stringify(damaged))).toBe(
      'base.json: corrupt results at benchmarks.0.trials.2.metrics.p50: must be number'
    )
    const noError = structuredClone(SAMPLE_RESULTS) as unknown as {
      benchmarks: Record<string, unknown>[]
    }
    delete noError.benchmarks[2]!.error
    expect(errorOf(JSON.stringify(noError))).toBe(
      "base.json: corrupt results at benchmarks.2: must have required property 'error'"
    )
  })
})

describe('settings stored with results', () => {
  it('are checked, so a bad alpha or budget is a clear error, not a crash later', () => {
    const badAlpha = structuredClone(SAMPLE_RESULTS) as unknown as {
      benchmarks: { settings: { compare: { alpha: number }; budgets: unknown[] } }[]
    }
    badAlpha.benchmarks[0]!.settings.compare.alpha = 5
    expect(errorOf(JSON.stringify(badAlpha))).toBe(
      'base.json: corrupt results at benchmarks.0.settings.compare.alpha: must be < 1'
    )
    const badBudget = structuredClone(SAMPLE_RESULTS) as unknown as typeof badAlpha
    badBudget.benchmarks[1]!.settings.budgets = [{ metric: 'wall', limit: '10ms' }]
    expect(errorOf(JSON.stringify(badBudget))).toBe(
      "base.json: corrupt results at benchmarks.1.settings.budgets.0: must have required property 'comparator'"
    )
  })
})

describe('acceptances stored with results', () => {
  const good = {
    benchmark: 'parse',
    reason: 'new parser',
    by: 'octo-cat',
    at: '2026-01-01T00:00:00Z',
    pullRequest: 7,
    url: 'https://github.invalid/o/r/pull/7#issuecomment-1',
    limits: [{ metric: 'p50', ratio: 1.09 }]
  }
  const withAccepted = (entry: Record<string, unknown>) =>
    JSON.stringify({ ...SAMPLE_RESULTS, accepted: [{ ...good, ...entry }] })

  it('reads a recorded acceptance back', () => {
    expect(parseResults(withAccepted({}), 'base.json').accepted).toEqual([good])
  })

  it('refuses hostile entries with the field named, not a crash or a page of text later', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { reason: 'r'.repeat(10_000) },
        'accepted.0.reason: must NOT have more than 1000 characters'
      ],
      [{ by: 'b'.repeat(200) }, 'accepted.0.by: must NOT have more than 100 characters'],
      [
        { url: `https://x/${'u'.repeat(2000)}` },
        'accepted.0.url: must NOT have more than 500 characters'
      ],
      [
        { limits: Array(100).fill(good.limits[0]) },
        `accepted.0.limits: must NOT have more than ${METRIC_NAMES.length} items`
      ],
      [{ pullRequest: 0 }, 'accepted.0.pullRequest: must be >= 1']
    ]
    for (const [entry, message] of cases) {
      expect(errorOf(withAccepted(entry))).toBe(`base.json: corrupt results at ${message}`)
    }
  })
})

describe('summarizeMetric', () => {
  it('gives median, range and the robust relative spread', () => {
    // median 10, absolute deviations [1, 0, 2, 5, 1] → MAD 1
    expect(summarizeMetric([9, 10, 12, 15, 11])).toEqual({
      median: 11,
      min: 9,
      max: 15,
      spread: (1.4826 * 1) / 11,
      n: 5
    })
    expect(summarizeMetric([4, 2])).toEqual({ median: 3, min: 2, max: 4, spread: 1.4826 / 3, n: 2 })
    expect(summarizeMetric([0, 0]).spread).toBe(0)
  })
})

describe('results of every benchmark kind', () => {
  it('reads back http results', () => {
    const [first] = SAMPLE_RESULTS.benchmarks
    const http = { ...first!, name: 'GET /', kind: 'http' as const }
    const text = serializeResults({ ...SAMPLE_RESULTS, benchmarks: [http] })
    expect(parseResults(text, 'r.json').benchmarks[0]!.kind).toBe('http')
  })
})
