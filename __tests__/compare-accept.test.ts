// applyAcceptances on comparisons of hand-made trials: which regressions a bound covers,
// `all`, budgets that stay hard limits, the counts and the gate (and the run's outcome).
import {
  applyAcceptances,
  formatBound,
  limitsOf,
  suggestedBound,
  worsening
} from '../src/compare/accept.js'
import { compareResults } from '../src/compare/compare.js'
import type { Comparison } from '../src/compare/types.js'
import type { Budget, CompareConfig } from '../src/config/types.js'
import { outcomeOf } from '../src/app/outcome.js'
import type {
  Acceptance,
  BenchmarkResult,
  JudgedResults,
  TrialResult
} from '../src/results/types.js'
import { summarizeTrials } from '../src/results/summary.js'

const COMPARE: CompareConfig = { failOn: 'both', test: 't', maxPairs: undefined, maxTimeMs: 600000 }
const BASE = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.7, 99.3, 100.1]
const noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, 0.3, -0.1, -0.3, 0.1]
const scaled = (factor: number) => BASE.map((v, i) => v * factor + noise[i]!)

function result(name: string, values: number[], budgets: Budget[] = []): BenchmarkResult {
  const trials: TrialResult[] = values.map((p50) => ({ metrics: { p50 }, durationMs: 1 }))
  return {
    name,
    kind: 'function',
    definitionHash: 'same',
    settings: { compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 }, budgets, targets: [] },
    trials,
    summary: summarizeTrials(trials),
    state: 'ok'
  }
}

/** Two benchmarks 20 % and 8 % slower, one unchanged. */
function judged(budgets: Budget[] = []): Comparison {
  const head = [
    result('parse orders CSV', scaled(1.2), budgets),
    result('render', scaled(1.08)),
    result('same', scaled(1))
  ]
  const base = [result('parse orders CSV', BASE), result('render', BASE), result('same', BASE)]
  return compareResults({ mode: 'paired', head, base, compare: COMPARE })
}

function accept(benchmark: string, bound: number | undefined, at = '2026-01-01T00:00:00Z') {
  return {
    benchmark,
    reason: 'trade for the new parser',
    by: 'maintainer',
    at,
    pullRequest: 7,
    url: 'https://github.invalid/o/r/pull/7#issuecomment-1',
    ...(bound === undefined ? {} : { limits: limitsOf(['p50'], bound) })
  } satisfies Acceptance
}

function outcome(comparison: Comparison) {
  return outcomeOf({ benchmarks: [], comparison } as unknown as JudgedResults)
}

const named = (c: Comparison, name: string) => c.benchmarks.find((b) => b.name === name)!

describe('applyAcceptances', () => {
  const plain = judged()

  it('starts from a run that fails on two regressions', () => {
    expect(plain.counts.regressions).toBe(2)
    expect(plain.gate).toMatchObject({ failed: true, reasons: ['2 significant regressions'] })
  })

  it('takes a covered regression out of the gate, and only that one', () => {
    const c = applyAcceptances(plain, [accept('render', 0.12)])
    expect(named(c, 'render').acceptance).toMatchObject({ by: 'maintainer', covers: true })
    expect(named(c, 'render').acceptance!.bound).toBeCloseTo(0.12, 9)
    expect(named(c, 'parse orders CSV').acceptance).toBeUndefined()
    expect(c.counts).toMatchObject({ regressions: 1, accepted: 1 })
    expect(c.gate).toEqual({ failOn: 'both', failed: true, reasons: ['1 significant regression'] })
    // The verdicts stay what the test found.
    expect(named(c, 'render').metrics[0]!.verdict).toBe('regression')
  })

  it('passes the gate and the outcome when every regression is covered', () => {
    const c = applyAcceptances(plain, [accept('render', 0.12), accept('parse orders CSV', 0.25)])
    expect(c.counts).toMatchObject({ regressions: 0, accepted: 2 })
    expect(c.gate.failed).toBe(false)
    expect(outcome(plain).verdict).toBe('fail')
    expect(outcome(c)).toEqual({ exitCode: 0, verdict: 'pass', reasons: [] })
  })

  it('judges a change past the bound again, saying which acceptance it exceeds', () => {
    const c = applyAcceptances(plain, [accept('parse orders CSV', 0.09)])
    expect(named(c, 'parse orders CSV').acceptance).toMatchObject({ covers: false })
    expect(c.counts).toMatchObject({ regressions: 2, accepted: 0 })
    expect(c.gate.failed).toBe(true)
  })

  it('uses a covering acceptance when a later one is narrower', () => {
    const c = applyAcceptances(plain, [
      accept('render', 0.12, '2026-01-01T00:00:00Z'),
      accept('render', 0.02, '2026-01-02T00:00:00Z')
    ])
    expect(named(c, 'render').acceptance).toMatchObject({ covers: true })
    expect(named(c, 'render').acceptance!.bound).toBeCloseTo(0.12, 9)
  })

  it('takes the one given last among acceptances of the same time (order given: comment order)', () => {
    const first = { ...accept('render', 0.12), reason: 'first line' }
    const second = { ...accept('render', 0.15), reason: 'second line' }
    for (const [list, reason] of [
      [[first, second], 'second line'],
      [[second, first], 'first line']
    ] as const) {
      const c = applyAcceptances(plain, list)
      expect(named(c, 'render').acceptance).toMatchObject({ covers: true, reason })
    }
  })

  it('accepts every benchmark with `all`, each within the bound', () => {
    const wide = applyAcceptances(plain, [accept('*', 0.3)])
    expect(wide.counts).toMatchObject({ regressions: 0, accepted: 2 })
    expect(named(wide, 'same').acceptance).toBeUndefined()
    const narrow = applyAcceptances(plain, [accept('*', 0.12)])
    expect(narrow.counts).toMatchObject({ regressions: 1, accepted: 1 })
    expect(named(narrow, 'parse orders CSV').acceptance).toMatchObject({
      benchmark: '*',
      covers: false
    })
  })

  it('does not cover a metric the acceptance has no limit for', () => {
    const other: Acceptance = { ...accept('render', undefined), limits: limitsOf(['p99'], 0.5) }
    expect(applyAcceptances(plain, [other]).counts.accepted).toBe(0)
  })

  it('leaves an exceeded budget failing the gate', () => {
    const budgeted = judged([{ metric: 'p50', comparator: '<=', limit: 110, source: '110ms' }])
    const c = applyAcceptances(budgeted, [accept('*', 0.3)])
    expect(c.counts).toMatchObject({ regressions: 0, accepted: 2, budgetsFailed: 1 })
    expect(c.gate).toMatchObject({ failed: true, reasons: ['1 budget exceeded'] })
  })

  it('starts again from the verdicts when applied twice, and keeps the ignored list', () => {
    const once = applyAcceptances(plain, [accept('render', 0.12)])
    const ignored = [{ by: 'someone', reason: 'someone has read access, not write' }]
    const again = applyAcceptances(once, [], ignored)
    expect(named(again, 'render').acceptance).toBeUndefined()
    expect(again.counts).toMatchObject({ regressions: 2, accepted: 0 })
    expect(again.ignoredAcceptances).toEqual(ignored)
  })
})

describe('bounds', () => {
  it('suggests the worse end of the interval, rounded up to a half percent', () => {
    const bench = named(judged(), 'parse orders CSV')
    const high = bench.metrics[0]!.ciHigh
    const bound = suggestedBound(bench)!
    expect(bound).toBeGreaterThanOrEqual(high - 1)
    expect(bound - (high - 1)).toBeLessThan(0.005 + 1e-9)
    expect(Math.round(bound * 1000) % 5).toBe(0)
    // The suggested bound covers the change it was suggested for.
    const c = applyAcceptances(judged(), [accept('parse orders CSV', bound)])
    expect(named(c, 'parse orders CSV').acceptance!.covers).toBe(true)
    expect(suggestedBound(named(judged(), 'same'))).toBeUndefined()
  })

  it('measures worsening on the worse side of each metric', () => {
    expect(worsening('p50', 1.09)).toBeCloseTo(0.09, 9)
    expect(worsening('rps', 0.91)).toBeCloseTo(0.09, 9)
    expect(limitsOf(['rps', 'p50', 'p50'], 0.1)).toEqual([
      { metric: 'rps', ratio: 0.9 },
      { metric: 'p50', ratio: 1.1 }
    ])
  })

  it('writes bounds as the command takes them', () => {
    expect(formatBound(0.09)).toBe('+9%')
    expect(formatBound(0.095)).toBe('+9.5%')
  })
})
