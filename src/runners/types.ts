/** What running one trial yields: measured metrics, or an error that becomes data. */
import type { BenchmarkConfig } from '../config/types.js'
import type { MetricName } from '../metrics.js'

export type TrialMetrics = Partial<Record<MetricName, number>>

export type TrialOutcome =
  | {
      readonly ok: true
      readonly metrics: TrialMetrics
      /** Facts about how the trial ran (batch size, sample count, …), kept in results. */
      readonly details: Readonly<Record<string, number | boolean | string>>
      readonly durationMs: number
    }
  | {
      readonly ok: false
      readonly message: string
      /** The last lines the process wrote to stderr, when they help explain the failure. */
      readonly stderrTail: string | undefined
      readonly durationMs: number
    }

/** The two sides of an A/B run. */
export type Side = 'base' | 'head'

/** Runs one trial of a benchmark (a fresh process each time). */
export interface TrialRunner {
  runTrial(benchmark: BenchmarkConfig, trialIndex: number): Promise<TrialOutcome>
  /**
   * One pair measured together (HTTP with `load.interleave`: both servers up, the load
   * alternated between them), `first` in front; undefined when this benchmark's pairs are
   * run as two trials.
   */
  runPair?(
    pair: Readonly<Record<Side, BenchmarkConfig>>,
    first: Side,
    pairIndex: number
  ): Promise<Record<Side, TrialOutcome>> | undefined
  /** Called when a benchmark's trials are over (stops anything kept across trials). */
  release?(benchmark: BenchmarkConfig): Promise<void>
}
