/**
 * Runs a suite: every selected benchmark, its trials one after another, each trial a fresh
 * process through the injected TrialRunner. A benchmark whose trial fails is recorded as
 * errored (with the trials that completed) and the suite goes on with the others.
 */
import type { BenchmarkConfig } from '../config/types.js'
import type { BenchmarkResult, BenchmarkSettings, TrialResult } from '../results/types.js'
import { summarizeTrials } from '../results/summary.js'
import type { TrialOutcome, TrialRunner } from '../runners/types.js'

/** Progress events while measuring; the CLI renders them on stderr. */
export interface ProgressListener {
  benchmarkStart(benchmark: BenchmarkConfig, position: number, total: number): void
  trialEnd(benchmark: BenchmarkConfig, trial: number, trials: number, outcome: TrialOutcome): void
  benchmarkEnd(result: BenchmarkResult): void
}

export const silentProgress: ProgressListener = {
  benchmarkStart() {},
  trialEnd() {},
  benchmarkEnd() {}
}

export interface SuiteOptions {
  readonly runner: TrialRunner
  readonly progress?: ProgressListener
  /** Overrides every benchmark's trial count (the --trials flag). */
  readonly trials?: number
  /** Per-benchmark hash of how it is measured (see definitionHash in the results). */
  readonly definitionHash: (benchmark: BenchmarkConfig) => string
  /** Called after each benchmark with every result so far (to write results as they come). */
  readonly onResults?: (soFar: readonly BenchmarkResult[]) => void
}

/** The judging rules stored with a benchmark's results. */
export function settingsOf(benchmark: BenchmarkConfig): BenchmarkSettings {
  return { compare: benchmark.compare, budgets: benchmark.budgets, targets: benchmark.targets }
}

/** Measures one benchmark: all its trials, or until the first failed trial. */
export async function runBenchmark(
  benchmark: BenchmarkConfig,
  options: SuiteOptions
): Promise<BenchmarkResult> {
  try {
    return await measureTrials(benchmark, options)
  } finally {
    await options.runner.release?.(benchmark)
  }
}

async function measureTrials(
  benchmark: BenchmarkConfig,
  options: SuiteOptions
): Promise<BenchmarkResult> {
  const progress = options.progress ?? silentProgress
  const trials = options.trials ?? benchmark.trials
  const done: TrialResult[] = []
  const base = {
    name: benchmark.name,
    kind: benchmark.kind,
    definitionHash: options.definitionHash(benchmark),
    settings: settingsOf(benchmark)
  }
  for (let i = 0; i < trials; i++) {
    const outcome = await options.runner.runTrial(benchmark, i)
    progress.trialEnd(benchmark, i, trials, outcome)
    if (!outcome.ok) {
      return {
        ...base,
        state: 'errored',
        error: {
          message: outcome.message,
          ...(outcome.stderrTail ? { detail: outcome.stderrTail } : {}),
          trial: i
        },
        trials: done,
        summary: summarizeTrials(done)
      }
    }
    done.push({
      metrics: outcome.metrics,
      durationMs: outcome.durationMs,
      details: outcome.details
    })
  }
  return { ...base, state: 'ok', trials: done, summary: summarizeTrials(done) }
}

/** Measures benchmarks in config order. */
export async function runSuite(
  benchmarks: readonly BenchmarkConfig[],
  options: SuiteOptions
): Promise<BenchmarkResult[]> {
  const progress = options.progress ?? silentProgress
  const results: BenchmarkResult[] = []
  for (const [index, benchmark] of benchmarks.entries()) {
    // The header names the trials this run makes (--trials overrides the config's).
    const trials = options.trials ?? benchmark.trials
    progress.benchmarkStart({ ...benchmark, trials }, index + 1, benchmarks.length)
    const result = await runBenchmark(benchmark, options)
    progress.benchmarkEnd(result)
    results.push(result)
    options.onResults?.([...results])
  }
  return results
}
