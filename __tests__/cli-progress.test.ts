// Progress lines: rewritten in place on a terminal, plain and sparse in logs.
import { createProgress } from '../src/app/progress.js'
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
