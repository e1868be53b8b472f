// compareResults on hand-made trials: verdicts, Holm, statuses, budgets, gate.
import { compareResults, pairsToDecide } from '../src/compare/compare.js'
import { sequentialP } from '../src/stats/sequential.js'
import type { CompareConfig } from '../src/config/types.js'
import type { BenchmarkResult, TrialResult } from '../src/results/types.js'
import { summarizeTrials } from '../src/results/summary.js'
import { comparePaired } from '../src/stats/paired.js'

const COMPARE: CompareConfig = { failOn: 'both', test: 't', maxPairs: undefined, maxTimeMs: 600000 }

function trials(values: number[]): TrialResult[] {
  return values.map((p50) => ({ metrics: { p50 }, durationMs: 1 }))
}

function result(
  name: string,
  values: number[],
  extra: Partial<BenchmarkResult> = {}
): BenchmarkResult {
  const t = trials(values)
  return {
    name,
    kind: 'function',
    definitionHash: 'same',
    settings: {
      compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 },
      budgets: [],
      targets: []
    },
    trials: t,
    summary: summarizeTrials(t),
    state: 'ok',
    ...extra
  } as BenchmarkResult
}

// Ten base trials around 100 with ~1 % noise, and heads at +20 %, −20 % and ±0.
const BASE = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.7, 99.3, 100.1]
const noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, 0.3, -0.1, -0.3, 0.1]
const scaled = (factor: number) => BASE.map((v, i) => v * factor + noise[i]!)

describe('compareResults (paired)', () => {
  const head = [
    result('slower', scaled(1.2)),
    result('faster', scaled(0.8)),
    result('same', scaled(1)),
    result('new one', scaled(1))
  ]
  const base = [
    result('slower', BASE),
    result('faster', BASE),
    result('same', BASE),
    result('gone', BASE)
  ]
  const comparison = compareResults({ mode: 'paired', head, base, compare: COMPARE })

  it('gives each gated metric a verdict', () => {
    const verdicts = comparison.benchmarks.map((b) => [
      b.name,
      b.status,
      b.metrics.map((m) => m.verdict)
    ])
    expect(verdicts).toEqual([
      ['slower', 'compared', ['regression']],
      ['faster', 'compared', ['improvement']],
      ['same', 'compared', ['unchanged']],
      ['new one', 'new', []],
      ['gone', 'removed', []]
    ])
    expect(comparison.counts).toMatchObject({
      regressions: 1,
      improvements: 1,
      unchanged: 1,
      new: 1,
      removed: 1
    })
    expect(comparison.gate).toEqual({
      failOn: 'both',
      failed: true,
      reasons: ['1 significant regression']
    })
  })

  it('reports the geometric-mean ratio and Holm-adjusted p-values', () => {
    const slower = comparison.benchmarks[0]!.metrics[0]!
    const reference = comparePaired(BASE, scaled(1.2))
    expect(slower.ratio).toBeCloseTo(reference.ratio, 12)
    expect(slower.ciLow).toBeCloseTo(reference.ciLow, 12)
    expect(slower.base).toBeCloseTo(100.05, 12)
    // Holm over 3 tests: the adjusted p is at least the raw one and never above 1.
    const all = comparison.benchmarks.flatMap((b) => b.metrics)
    for (const m of all) {
      expect(m.pAdjusted).toBeGreaterThanOrEqual(m.p)
      expect(m.pAdjusted).toBeLessThanOrEqual(1)
    }
    expect(comparison.tests).toBe(3)
  })

  it('reports a side that errored instead of comparing it', () => {
    const broken = result('slower', [], {
      state: 'errored',
      error: { message: 'boom', trial: 0 }
    } as Partial<BenchmarkResult>)
    const c = compareResults({
      mode: 'paired',
      head: [broken],
      base: [result('slower', BASE)],
      compare: COMPARE
    })
    expect(c.benchmarks[0]).toMatchObject({
      status: 'errored',
      error: { side: 'head', message: 'boom' }
    })
    expect(c.counts.errored).toBe(1)
  })

  it('reports a benchmark the base could not run as new, not as broken', () => {
    const baseBroken = result('slower', [], {
      state: 'errored',
      error: { message: 'GET /new: 404', trial: 0 }
    } as Partial<BenchmarkResult>)
    const c = compareResults({
      mode: 'paired',
      head: [result('slower', BASE)],
      base: [baseBroken],
      compare: COMPARE
    })
    expect(c.benchmarks[0]).toMatchObject({
      status: 'new',
      error: { side: 'base', message: 'GET /new: 404' }
    })
    expect(c.counts).toMatchObject({ errored: 0, new: 1 })
  })

  it('flags a changed definition', () => {
    const c = compareResults({
      mode: 'paired',
      head: [result('x', scaled(1), { definitionHash: 'new' })],
      base: [result('x', BASE)],
      compare: COMPARE
    })
    expect(c.benchmarks[0]!.definitionChanged).toBe(true)
  })

  it('needs both significance and a change past the threshold', () => {
    // +2 % with almost no noise: significant, but inside ±5 %: unchanged, not a regression.
    const c = compareResults({
      mode: 'paired',
      head: [result('x', scaled(1.02))],
      base: [result('x', BASE)],
      compare: COMPARE
    })
    const m = c.benchmarks[0]!.metrics[0]!
    expect(m.pAdjusted).toBeLessThan(0.05)
    expect(m.verdict).toBe('unchanged')
  })

  it('fails on budgets only when the policy says so', () => {
    const withBudget = result('x', scaled(1.2), {
      settings: {
        compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 },
        budgets: [{ metric: 'p50', comparator: '<=', limit: 110, source: '110ms' }],
        targets: []
      }
    })
    const run = (failOn: CompareConfig['failOn']) =>
      compareResults({
        mode: 'paired',
        head: [withBudget],
        base: [result('x', BASE)],
        compare: { ...COMPARE, failOn }
      })
    expect(run('both').gate.reasons).toEqual(['1 budget exceeded', '1 significant regression'])
    expect(run('budgets').gate.reasons).toEqual(['1 budget exceeded'])
    expect(run('regressions').gate.reasons).toEqual(['1 significant regression'])
    expect(run('none').gate.failed).toBe(false)
    expect(run('both').budgets[0]).toMatchObject({ passed: false })
    expect(run('both').budgets[0]!.estimate).toBeCloseTo(120.21, 10)
  })
})

describe('compareResults (unpaired and budgets only)', () => {
  it('uses Mann-Whitney and Hodges-Lehmann against stored results', () => {
    const c = compareResults({
      mode: 'unpaired',
      head: [result('x', scaled(1.2))],
      base: [result('x', BASE)],
      compare: COMPARE
    })
    const m = c.benchmarks[0]!.metrics[0]!
    expect(c.test).toBe('mann-whitney')
    expect(m.verdict).toBe('regression')
    expect(m.ratio).toBeGreaterThan(1.15)
    expect(m.ratio).toBeLessThan(1.25)
    // Complete separation of 10 vs 10: exact two-sided p = 2 / C(20, 10)
    expect(m.p).toBeCloseTo(2 / 184756, 12)
  })

  it('checks budgets and targets without a baseline', () => {
    const head = result('x', [1, 2, 3, 4, 5], {
      settings: {
        compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 },
        budgets: [{ metric: 'p50', comparator: '<=', limit: 4, source: '4ms' }],
        targets: [{ metric: 'p50', comparator: '<=', limit: 2, source: '2ms' }]
      }
    })
    const c = compareResults({ mode: undefined, head: [head], base: undefined, compare: COMPARE })
    expect(c.benchmarks).toEqual([])
    expect(c.budgets).toEqual([
      {
        benchmark: 'x',
        kind: 'function',
        budget: head.settings.budgets[0],
        estimate: 3,
        low: 1,
        high: 5,
        passed: true
      }
    ])
    expect(c.targets[0]).toMatchObject({ head: 3, reached: false, base: undefined })
    expect(c.gate.failed).toBe(false)
  })
})

describe('sequentialP and pairsToDecide', () => {
  it('takes the smallest p over the looks taken, times the planned looks', () => {
    const head = scaled(1.01)
    const looks = [4, 8, 10]
    const expected = Math.min(
      comparePaired(BASE.slice(0, 4), head.slice(0, 4)).pValue,
      comparePaired(BASE.slice(0, 8), head.slice(0, 8)).pValue,
      comparePaired(BASE, head).pValue
    )
    expect(sequentialP(BASE, head, looks, 't')).toBeCloseTo(Math.min(1, expected * 3), 14)
    // Stopped between looks: the last pair count counts as a look.
    const p7 = comparePaired(BASE.slice(0, 7), head.slice(0, 7)).pValue
    const p4 = comparePaired(BASE.slice(0, 4), head.slice(0, 4)).pValue
    expect(sequentialP(BASE.slice(0, 7), head.slice(0, 7), looks, 't')).toBeCloseTo(
      Math.min(1, Math.min(p4, p7) * 3),
      14
    )
  })

  it('estimates the pairs needed to decide', () => {
    const settings = { gate: ['p50' as const], threshold: 0.05, alpha: 0.05 }
    // Estimate at the band edge's half: e = ln 1.05 / 2, s = 0.05 → ((1.96 + 0.8416) * 0.05 / e)^2
    const e = Math.log(1.05) / 2
    expect(pairsToDecide(e, 0.05, settings)).toBe(
      Math.ceil((((1.959964 + 0.841621) * 0.05) / e) ** 2)
    )
    expect(pairsToDecide(0.01, 0, settings)).toBeUndefined()
  })
})
