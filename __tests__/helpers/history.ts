// Results files of main's history for history tests: function benchmarks whose trials are
// lognormal around a level (level × exp(cv × Z), Z from the seeded generator).
import { SAMPLE_RESULTS } from '../../__fixtures__/results/sample.js'
import type { BenchmarkResult, Results, TrialResult } from '../../src/results/types.js'
import { summarizeTrials } from '../../src/results/summary.js'
import type { Random } from '../../src/stats/random.js'

/** A sha-like name for commit number `i` (40 hex digits). */
export function fakeSha(i: number): string {
  return (i + 1).toString(16).padStart(8, '0').repeat(5)
}

/** A function benchmark whose p50 trials are `level × exp(cv × Z)` (p95 = 1.5 × p50). */
export function functionResult(
  name: string,
  level: number,
  cv: number,
  trials: number,
  random: Random
): BenchmarkResult {
  const values: TrialResult[] = Array.from({ length: trials }, () => {
    const p50 = level * Math.exp(cv * random.normal())
    return {
      metrics: { p50, p95: p50 * 1.5, ops: 1000 / p50, heap: 0, memory: 0 },
      durationMs: 300
    }
  })
  return storedResult(name, 'function', values)
}

/** A benchmark's stored result with these trials (gate: the kind's first headline metric). */
function storedResult(
  name: string,
  kind: 'function' | 'command',
  trials: TrialResult[]
): BenchmarkResult {
  return {
    name,
    kind,
    definitionHash: `d-${name}`,
    settings: {
      compare: { gate: [kind === 'function' ? 'p50' : 'wall'], threshold: 0.04, alpha: 0.05 },
      budgets: [],
      targets: []
    },
    state: 'ok',
    trials,
    summary: summarizeTrials(trials)
  }
}

/** Results of `commit` measured at `createdAt` with these benchmarks. */
export function resultsOf(
  commit: string,
  createdAt: string,
  benchmarks: readonly BenchmarkResult[]
): Results {
  return {
    ...SAMPLE_RESULTS,
    createdAt,
    environment: { ...SAMPLE_RESULTS.environment, git: { commit, branch: 'main', dirty: false } },
    benchmarks
  }
}

/** An ISO time `i` hours after a fixed start. */
export function hoursAfterStart(i: number): string {
  return new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString()
}

/** A command benchmark (gate: wall) of `trials` trials, each's wall time from `wall`. */
export function commandResult(name: string, trials: number, wall: () => number): BenchmarkResult {
  const values: TrialResult[] = Array.from({ length: trials }, () => {
    const value = wall()
    return { metrics: { wall: value }, durationMs: value }
  })
  return storedResult(name, 'command', values)
}
