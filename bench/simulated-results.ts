/**
 * A results file for a simulated commit of main (bench:changepoints, the dashboard
 * screenshot): the envelope a real run writes, around benchmarks the caller simulates.
 */
import { summarizeTrials } from '../src/results/summary.js'
import type { BenchmarkResult, Results, TrialResult } from '../src/results/types.js'

export function simulatedResults(
  commit: string,
  createdAt: string,
  seed: number,
  benchmarks: BenchmarkResult[]
): Results {
  return {
    schemaVersion: 1,
    tool: { name: 'perfgate', version: '0.1.0' },
    createdAt,
    seed,
    environment: {
      os: 'Linux',
      osRelease: '6.1.0',
      arch: 'x64',
      cpuModel: 'simulated',
      cores: 2,
      totalMemoryBytes: 8e9,
      node: process.version,
      ci: true,
      git: { commit, branch: 'main', dirty: false },
      configHash: 'c'
    },
    compare: { failOn: 'both', test: 't', maxPairs: undefined, maxTimeMs: 600_000 },
    benchmarks
  }
}

/** A function benchmark that completed with `trials`, gated on p50 (the defaults). */
export function simulatedBenchmark(name: string, trials: TrialResult[]): BenchmarkResult {
  return {
    name,
    kind: 'function',
    definitionHash: name,
    settings: {
      compare: { gate: ['p50'], threshold: 0.04, alpha: 0.05 },
      budgets: [],
      targets: []
    },
    state: 'ok',
    trials,
    summary: summarizeTrials(trials)
  }
}
