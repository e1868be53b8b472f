// Scripted trials for verdict tests: a real run's results file (its environment, settings,
// config hash and benchmark definitions) with every trial's numbers replaced by planted
// ones, so that the verdict a comparison reaches is known in advance and cannot depend on
// how loaded the machine was when the real run measured.
import { readFileSync, writeFileSync } from 'node:fs'
import type { MetricName } from '../../src/metrics.js'
import { parseResults, serializeResults } from '../../src/results/format.js'
import { summarizeTrials } from '../../src/results/summary.js'
import type { Results, TrialResult } from '../../src/results/types.js'

/** Metric values of trial `trial` of a benchmark. */
export type TrialScript = (benchmark: string, trial: number) => Partial<Record<MetricName, number>>

/** `results` with `trials` trials per benchmark, each measuring what `script` says. */
export function withScriptedTrials(results: Results, trials: number, script: TrialScript): Results {
  return {
    ...results,
    benchmarks: results.benchmarks.map((benchmark) => {
      const scripted: TrialResult[] = Array.from({ length: trials }, (_, trial) => ({
        metrics: script(benchmark.name, trial),
        durationMs: 1
      }))
      return { ...benchmark, trials: scripted, summary: summarizeTrials(scripted) }
    })
  }
}

/** Rewrites a results file in place with scripted trials. */
export function scriptResultsFile(file: string, trials: number, script: TrialScript): void {
  const results = parseResults(readFileSync(file, 'utf8'), file)
  writeFileSync(file, serializeResults(withScriptedTrials(results, trials, script)))
}

/** A little deterministic jitter (±1 %), so that scripted samples are not all tied. */
export const jitter = (trial: number): number => 1 + 0.01 * Math.sin(trial * 7 + 1)
