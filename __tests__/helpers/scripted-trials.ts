// Scripted trials for verdict tests: a real run's results file (its environment, settings,
// config hash and benchmark definitions) with every trial's numbers replaced by planted
// ones, so that the verdict a comparison reaches is known in advance and cannot depend on
// how loaded the machine was when the real run measured.
import { readFileSync, writeFileSync } from 'node:fs'
import type { MetricName } from '../../src/metrics.js'
import { parseResults, serializeResults } from '../../src/results/format.js'
import { summarizeTrials } from '../../src/results/summary.js'
import type { BenchmarkResult, Results, TrialResult } from '../../src/results/types.js'

/** Metric values of trial `trial` of a benchmark, on one side of an A/B run. */
export type TrialScript = (
  benchmark: string,
  trial: number,
  side: 'head' | 'base'
) => Partial<Record<MetricName, number>>

function scriptBenchmarks(
  benchmarks: readonly BenchmarkResult[],
  trials: number,
  side: 'head' | 'base',
  script: TrialScript
): BenchmarkResult[] {
  return benchmarks.map((benchmark) => {
    const scripted: TrialResult[] = Array.from({ length: trials }, (_, trial) => ({
      metrics: script(benchmark.name, trial, side),
      durationMs: 1
    }))
    const paired = benchmark.paired && {
      ...benchmark.paired,
      pairs: trials,
      firstInPair: scripted.map((_, i) => (i % 2 ? 'base' : 'head') as 'base' | 'head')
    }
    return {
      ...benchmark,
      trials: scripted,
      summary: summarizeTrials(scripted),
      ...(paired ? { paired } : {})
    }
  })
}

/**
 * `results` with `trials` trials per benchmark on each side (head, and base when the run
 * has one; paired runs stay paired), each measuring what `script` says. The comparison of
 * the real run is dropped: whoever reads the file must recompute it from these trials.
 */
export function withScriptedTrials(results: Results, trials: number, script: TrialScript): Results {
  const { comparison: _dropped, ...rest } = results
  return {
    ...rest,
    benchmarks: scriptBenchmarks(results.benchmarks, trials, 'head', script),
    ...(results.base
      ? {
          base: {
            ...results.base,
            benchmarks: scriptBenchmarks(results.base.benchmarks, trials, 'base', script)
          }
        }
      : {})
  }
}

/** Rewrites a results file in place with scripted trials. */
export function scriptResultsFile(file: string, trials: number, script: TrialScript): void {
  const results = parseResults(readFileSync(file, 'utf8'), file)
  writeFileSync(file, serializeResults(withScriptedTrials(results, trials, script)))
}

/** A little deterministic jitter (±1 %), so that scripted samples are not all tied. */
export const jitter = (trial: number): number => 1 + 0.01 * Math.sin(trial * 7 + 1)

/** A function trial's time per call (ms) as its p50 and its mean (the default gate). */
export function timePerOp(ms: number): { p50: number; mean: number } {
  return { p50: ms, mean: ms }
}
