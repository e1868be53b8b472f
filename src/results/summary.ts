/** Per-metric summaries of a benchmark's trials (pure). */
import type { MetricName } from '../metrics.js'
import { median } from '../stats/quantile.js'
import type { MetricSummary, TrialResult } from './types.js'

/**
 * Summarizes one metric across trials. The spread is the scaled median absolute deviation
 * relative to the median (1.4826 × MAD estimates σ under normality; Rousseeuw & Croux 1993),
 * robust to the odd disturbed trial that a shared CI runner produces.
 */
export function summarizeMetric(values: readonly number[]): MetricSummary {
  const mid = median(values)
  const mad = median(values.map((v) => Math.abs(v - mid)))
  return {
    median: mid,
    min: Math.min(...values),
    max: Math.max(...values),
    spread: mid === 0 ? 0 : (1.4826 * mad) / Math.abs(mid),
    n: values.length
  }
}

/** Summaries of every metric that all trials reported. */
export function summarizeTrials(
  trials: readonly TrialResult[]
): Partial<Record<MetricName, MetricSummary>> {
  const summary: Partial<Record<MetricName, MetricSummary>> = {}
  if (trials.length === 0) return summary
  for (const metric of Object.keys(trials[0]!.metrics) as MetricName[]) {
    const values = trials.map((t) => t.metrics[metric])
    if (values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
      summary[metric] = summarizeMetric(values)
    }
  }
  return summary
}
