/** Budgets and targets judged on head's estimate: the median of its trials (pure). */
import type { Budget, Comparator } from '../config/types.js'
import type { BenchmarkResult } from '../results/types.js'
import { CONFIDENCE_LEVEL } from '../stats/confidence.js'
import { medianInterval } from '../stats/median.js'
import type { BudgetCheck, TargetProgress } from './types.js'

const COMPARE: Record<Comparator, (value: number, limit: number) => boolean> = {
  '<': (v, l) => v < l,
  '<=': (v, l) => v <= l,
  '>': (v, l) => v > l,
  '>=': (v, l) => v >= l
}

/** Whether `value` meets a budget or target. */
export function meets(budget: Budget, value: number): boolean {
  return COMPARE[budget.comparator](value, budget.limit)
}

function trialValues(result: BenchmarkResult, metric: Budget['metric']): number[] {
  return result.trials
    .map((trial) => trial.metrics[metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
}

/**
 * Checks every budget of every head benchmark. A benchmark that errored before any trial
 * leaves its budgets unjudged (passed undefined): its error fails the run on its own.
 */
export function checkBudgets(head: readonly BenchmarkResult[]): BudgetCheck[] {
  return head.flatMap((result) =>
    result.settings.budgets.map((budget): BudgetCheck => {
      const values = trialValues(result, budget.metric)
      if (values.length === 0) {
        return {
          benchmark: result.name,
          kind: result.kind,
          budget,
          estimate: undefined,
          low: undefined,
          high: undefined,
          passed: undefined
        }
      }
      const interval = medianInterval(values, CONFIDENCE_LEVEL)
      return {
        benchmark: result.name,
        kind: result.kind,
        budget,
        estimate: interval.median,
        low: interval.low,
        high: interval.high,
        passed: meets(budget, interval.median)
      }
    })
  )
}

/**
 * Progress toward each target: where head stands, and which share of the way from base
 * to the target it has covered (the methodology's "current P95 800 ms, target 200 ms").
 */
export function targetProgress(
  head: readonly BenchmarkResult[],
  base: readonly BenchmarkResult[] | undefined
): TargetProgress[] {
  return head.flatMap((result) =>
    result.settings.targets.map((target): TargetProgress => {
      const headValue = result.summary[target.metric]?.median
      const baseResult = base?.find((b) => b.name === result.name)
      const baseValue = baseResult?.summary[target.metric]?.median
      const reached = headValue === undefined ? undefined : meets(target, headValue)
      let progress: number | undefined
      if (reached) progress = 1
      else if (headValue !== undefined && baseValue !== undefined && baseValue !== target.limit) {
        progress = (baseValue - headValue) / (baseValue - target.limit)
      }
      return {
        benchmark: result.name,
        kind: result.kind,
        target,
        head: headValue,
        base: baseValue,
        reached,
        progress
      }
    })
  )
}
