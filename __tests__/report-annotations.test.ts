// Check run annotations from the report model: which results get one, at which level, where,
// and that an untrusted benchmark name stays inert text.
import { compareResults } from '../src/compare/compare.js'
import type { Results } from '../src/results/types.js'
import { annotationsOf, annotationText, type SourceLocation } from '../src/report/annotations.js'
import { buildReport } from '../src/report/model.js'
import {
  BASE,
  benchResult,
  COMPARED_RESULTS,
  COMPARISON,
  NOISE
} from '../__fixtures__/results/comparison.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'

const model = buildReport(COMPARED_RESULTS, COMPARISON)
const CONFIG: SourceLocation = { path: 'perfgate.yml', line: 1 }
const locations = new Map<string, SourceLocation>([
  ['GET /users <script>', { path: 'bench/http.bench.js', line: 12 }]
])

/** A paired run of the given head and base p50 values, benchmark by benchmark. */
function judged(benches: { name: string; factor: number }[]) {
  const head = benches.map((b) =>
    benchResult(
      b.name,
      BASE.map((v, i) => v * b.factor + NOISE[i]!),
      'decided'
    )
  )
  const base = benches.map((b) => benchResult(b.name, BASE, 'decided'))
  const comparison = compareResults({ mode: 'paired', head, base, compare: SAMPLE_RESULTS.compare })
  const results: Results = {
    ...SAMPLE_RESULTS,
    benchmarks: head,
    base: { source: 'main', environment: SAMPLE_RESULTS.environment, benchmarks: base },
    comparison
  }
  return buildReport(results, comparison)
}

describe('annotationsOf', () => {
  it('annotates the regression and the budget it breaks, as failures, at the bench() call', () => {
    const { annotations, omitted } = annotationsOf(model, {
      failOn: 'both',
      locations,
      fallback: CONFIG
    })
    expect(omitted).toBe(0)
    expect(annotations).toEqual([
      {
        path: 'bench/http.bench.js',
        line: 12,
        level: 'failure',
        title: 'Regression: GET /users <script> (time/op p50)',
        message:
          'GET /users <script> time/op p50: 100 µs → 114 µs, +13.7 % (+13.5 … +13.9) 95 % CI, ' +
          'p < 0.0001: regression (past ±5 %, significant).'
      },
      {
        path: 'bench/http.bench.js',
        line: 12,
        level: 'failure',
        title: 'Budget exceeded: GET /users <script> (time/op p50)',
        message:
          'GET /users <script> time/op p50: 114 µs (113 µs … 114 µs) 95 % CI, budget <= 110 µs not met.'
      }
    ])
  })

  it('makes what the gate does not count a warning, and an accepted regression a notice', () => {
    const budgetsOnly = annotationsOf(model, { failOn: 'budgets', locations, fallback: CONFIG })
    expect(budgetsOnly.annotations.map((a) => [a.level, a.title.split(':')[0]])).toEqual([
      ['failure', 'Budget exceeded'],
      ['warning', 'Regression']
    ])
    const accepted = annotationsOf(model, {
      failOn: 'regressions',
      locations,
      fallback: CONFIG,
      isAccepted: (name) => name === 'GET /users <script>'
    })
    expect(accepted.annotations.map((a) => [a.level, a.title.split(':')[0]])).toEqual([
      ['warning', 'Budget exceeded'],
      ['notice', 'Accepted regression']
    ])
    expect(accepted.annotations[1]!.message).toMatch(/accepted on purpose on this pull request\.$/)
  })

  it('points at the config file when a benchmark has no location, and omits it without one', () => {
    const hostile = judged([{ name: 'elsewhere', factor: 1.3 }])
    expect(
      annotationsOf(hostile, { failOn: 'both', locations, fallback: CONFIG }).annotations[0]
    ).toMatchObject(CONFIG)
    expect(annotationsOf(hostile, { failOn: 'both', locations })).toEqual({
      annotations: [],
      omitted: 1
    })
  })

  it('keeps untrusted names inert: no line breaks, no bidi controls, length capped', () => {
    const name = `evil\u202e\n::error file=x::forged\u0007${'x'.repeat(300)}`
    const { annotations } = annotationsOf(judged([{ name, factor: 1.3 }]), {
      failOn: 'both',
      locations,
      fallback: CONFIG
    })
    const [a] = annotations
    for (const text of [a!.title, a!.message]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\n\r\u0007\u202e]/)
      expect(text).toContain('evil\\u202e\\n::error file=x::forged\\x07')
    }
    expect(a!.title.length).toBeLessThanOrEqual(120)
    expect(a!.message).toContain('x… (329 characters) time/op p50: 100 µs → 130 µs')
  })

  it('caps the number of annotations and counts the rest', () => {
    const many = judged(Array.from({ length: 12 }, (_, i) => ({ name: `bench ${i}`, factor: 1.3 })))
    const { annotations, omitted } = annotationsOf(many, {
      failOn: 'both',
      locations,
      fallback: CONFIG,
      max: 5
    })
    expect(annotations).toHaveLength(5)
    expect(omitted).toBe(7)
  })
})

describe('annotationText', () => {
  it('is one line within the cap', () => {
    expect(annotationText('a\r\nb\tc', 50)).toBe('a\\nb\\tc')
    expect(annotationText('y'.repeat(80), 20)).toHaveLength(20)
  })
})
