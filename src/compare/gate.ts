/**
 * The gate of a run from its counts: one function, so a comparison judged by
 * compareResults() and the same comparison after acceptances (accept.ts) fail for the
 * same reasons, worded the same.
 */
import type { FailOn } from '../config/types.js'
import type { ComparisonCounts, Gate } from './types.js'

/**
 * Fails on exceeded budgets and on significant regressions not accepted, as `failOn`
 * says; one reason per kind, e.g. "2 significant regressions".
 */
export function gateOf(failOn: FailOn, counts: ComparisonCounts): Gate {
  const reasons: string[] = []
  const budgetsCount = failOn === 'both' || failOn === 'budgets'
  const regressionsCount = failOn === 'both' || failOn === 'regressions'
  if (budgetsCount && counts.budgetsFailed > 0) {
    reasons.push(`${counts.budgetsFailed} budget${counts.budgetsFailed === 1 ? '' : 's'} exceeded`)
  }
  if (regressionsCount && counts.regressions > 0) {
    reasons.push(
      `${counts.regressions} significant regression${counts.regressions === 1 ? '' : 's'}`
    )
  }
  return { failOn, failed: reasons.length > 0, reasons }
}
