/**
 * Judging results: the comparison is always computed from the trials a results file holds
 * (never read from it), so a file from an untrusted job, an older perfgate or an
 * interrupted run is judged by this perfgate's rules.
 */
import { compareResults } from '../compare/compare.js'
import type { ComparisonMode } from '../compare/types.js'
import type { JudgedResults, Results } from '../results/types.js'

/** How a results file's base was measured: side by side (paired) or in another run. */
export function comparisonMode(results: Results): ComparisonMode | undefined {
  if (!results.base) return undefined
  return results.benchmarks.some((b) => b.paired) ? 'paired' : 'unpaired'
}

/** The results with their comparison (budgets, verdicts, gate) computed afresh. */
export function judge(results: Results, mode = comparisonMode(results)): JudgedResults {
  const comparison = compareResults({
    mode,
    head: results.benchmarks,
    base: results.base?.benchmarks,
    compare: results.compare
  })
  return { ...results, comparison }
}
