// Progress lines: rewritten in place on a terminal, plain and sparse in logs.
import { createPairedProgress, createProgress, undecidedMetrics } from '../src/app/progress.js'
import type { StopReason } from '../src/compare/types.js'
import type { BenchmarkResult } from '../src/results/types.js'
import { commandBenchmark } from './helpers/benchmarks.js'

function capture(isTTY: boolean) {
  const out: string[] = []
  return { out, stream: { isTTY, write: (text: string) => out.push(text) } }
}

const bench = { ...commandBenchmark('make'), name: 'build', trials: 2 }
const ok = (ms: number) => ({
  ok: true as const,
  metrics: { wall: ms },
  details: {},
  durationMs: ms
})
const result = {
  name: 'build',
  kind: 'command',
  state: 'ok',
  settings: { compare: { gate: ['wall'] } },
  summary: { wall: { median: 1500, min: 1, max: 2, spread: 0, n: 2 } }
} as unknown as BenchmarkResult

describe('createProgress', () => {
  it('writes plain lines in logs: start, slow or failed trials, end', () => {
    const { out, stream } = capture(false)
    const progress = createProgress(stream)
    progress.benchmarkStart(bench, 1, 1)
    progress.trialEnd(bench, 0, 2, ok(100))
    progress.trialEnd(bench, 1, 2, ok(2500))
    progress.benchmarkEnd(result)
    expect(out).toEqual([
      '[1/1] build: command benchmark, 2 trials\n',
      '[1/1] build: trial 2/2 ok (2.5 s)\n',
      '[1/1] build: ✓ wall 1.50 s\n'
    ])
  })

  it('rewrites one live line on a terminal', () => {
    const { out, stream } = capture(true)
    const progress = createProgress(stream)
    progress.benchmarkStart(bench, 1, 1)
    progress.trialEnd(bench, 0, 2, ok(100))
    progress.benchmarkEnd(result)
    expect(out).toEqual([
      '\r\x1b[K[1/1] build: starting…',
      '\r\x1b[K[1/1] build: trial 1/2 ok (0.1 s)',
      '\r\x1b[K[1/1] build: ✓ wall 1.50 s\n'
    ])
  })
})

describe('createPairedProgress at the end of a benchmark', () => {
  const rule = { test: 't' as const, familySize: 1 }
  const side = (values: number[], stopReason?: StopReason, metric = 'p50') =>
    ({
      name: 'build',
      kind: 'function',
      state: 'ok',
      settings: {
        compare: { gate: [metric], threshold: 0.05, alpha: 0.05 },
        budgets: [],
        targets: []
      },
      trials: values.map((value) => ({ metrics: { [metric]: value }, durationMs: 1 })),
      summary: {
        [metric]: { median: values[0]!, min: 1, max: 2, spread: 0, n: values.length },
        ...(metric === 'p50'
          ? {}
          : { p50: { median: 9, min: 9, max: 9, spread: 0, n: values.length } })
      },
      ...(stopReason
        ? {
            paired: {
              pairs: values.length,
              lookSizes: [10, 20, 30],
              stopReason,
              firstInPair: values.map(() => 'head')
            }
          }
        : {})
    }) as unknown as BenchmarkResult
  const base = Array.from({ length: 30 }, (_, i) => 1 + (i % 2) * 0.001)
  const wild = base.map((v, i) => v * (1 + (i % 2 ? 0.3 : -0.25)))
  const end = (head: BenchmarkResult, baseSide: BenchmarkResult) => {
    const { out, stream } = capture(false)
    const progress = createPairedProgress(stream, rule)
    progress.benchmarkStart(bench, 1, 1)
    progress.benchmarkEnd(head, baseSide)
    return out[out.length - 1]!
  }

  it('says "inconclusive" and why when the rule left a gated metric undecided', () => {
    expect(end(side(wild, 'max-pairs'), side(base))).toBe(
      '[1/1] build: ? inconclusive after 30 pairs (all planned looks run) on p50; p50 base 1.00 ms → head 987 µs (−1.3 %)\n'
    )
    expect(end(side(wild.slice(0, 12), 'time-budget'), side(base.slice(0, 12)))).toContain(
      '? inconclusive after 12 pairs (cut short by the time budget) on p50'
    )
    expect(undecidedMetrics(side(wild, 'max-pairs'), side(base), rule)).toEqual(['p50'])
  })

  it('says a look stopped a benchmark as too unlikely to decide, and why it ended so', () => {
    const { out, stream } = capture(false)
    const progress = createPairedProgress(stream, rule)
    progress.benchmarkStart(bench, 1, 1)
    progress.look(bench, 10, 'open')
    progress.look(bench, 20, 'futile')
    progress.benchmarkEnd(side(wild.slice(0, 20), 'futile'), side(base.slice(0, 20)))
    expect(out.slice(1, 3)).toEqual([
      '[1/1] build: look at 10 pairs: not decided yet, continuing\n',
      '[1/1] build: look at 20 pairs: too unlikely to decide by the last look, stopping\n'
    ])
    expect(out[3]).toContain(
      '? inconclusive after 20 pairs (stopped early: too unlikely to decide by the last look) on p50'
    )
  })

  it('names each benchmark on its own end line when a time budget interleaves them', () => {
    const { out, stream } = capture(false)
    const progress = createPairedProgress(stream, rule)
    const named = (name: string, result: BenchmarkResult) => ({ ...result, name })
    progress.benchmarkStart({ ...bench, name: 'first' }, 1, 3)
    progress.benchmarkStart({ ...bench, name: 'second' }, 2, 3)
    // The budget runs out: the first ends after the second started, the third never started.
    progress.benchmarkEnd(named('first', side(wild.slice(0, 12), 'time-budget')), side(base))
    progress.benchmarkEnd(named('second', side(wild.slice(0, 10), 'time-budget')), side(base))
    progress.benchmarkEnd(named('third', side([], 'time-budget')), side([]))
    const ends = out.slice(2)
    expect(ends[0]).toMatch(
      /^\[1\/3\] first: \? inconclusive after 12 pairs \(cut short by the time budget\)/
    )
    expect(ends[1]).toMatch(
      /^\[2\/3\] second: \? inconclusive after 10 pairs \(cut short by the time budget\)/
    )
    expect(ends[2]).toBe('third: ? not measured: the time budget was spent before its first pair\n')
  })

  it('shows the gated metric, not the headline one', () => {
    const slower = base.map((v) => v * 1.2)
    expect(end(side(slower, 'max-pairs', 'mean'), side(base, undefined, 'mean'))).toBe(
      '[1/1] build: ✓ 30 pairs, decided, mean base 1.00 ms → head 1.20 ms (+20.0 %)\n'
    )
  })

  it('says decided when the rule decides, also at the last look', () => {
    const slower = base.map((v) => v * 1.2)
    expect(end(side(slower, 'max-pairs'), side(base))).toBe(
      '[1/1] build: ✓ 30 pairs, decided, p50 base 1.00 ms → head 1.20 ms (+20.0 %)\n'
    )
    expect(end(side(slower.slice(0, 10), 'decided'), side(base.slice(0, 10)))).toContain(
      '✓ 10 pairs, decided'
    )
  })

  it('calls settled what the report calls unchanged at the last look', () => {
    // Log ratios ±0.115: the report's 95 % interval lies inside ±5 %, the rule's 1 − α/3
    // interval (98.3 %) does not.
    const close = base.map((v, i) => v * Math.exp(i % 2 ? 0.115 : -0.115))
    expect(undecidedMetrics(side(close, 'max-pairs'), side(base), rule)).toEqual([])
    expect(end(side(close, 'max-pairs'), side(base))).toBe(
      '[1/1] build: ✓ 30 pairs, decided, p50 base 1.00 ms → head 1.00 ms (±0.0 %)\n'
    )
  })

  it('gives head as base × the estimated change, so the two agree in sign', () => {
    // Head's summary says 1.60 ms, yet the estimated change is negative.
    const mixed = base.map((v, i) => v * (i % 3 === 0 ? 1.6 : 0.7))
    expect(end(side(mixed, 'max-pairs'), side(base))).toBe(
      '[1/1] build: ? inconclusive after 30 pairs (all planned looks run) on p50; p50 base 1.00 ms → head 922 µs (−7.8 %)\n'
    )
  })
})
