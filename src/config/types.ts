/**
 * The validated, fully specified configuration: every default applied, every unit parsed,
 * every path absolute. Produced only by parseConfig(); the rest of perfgate reads this.
 */
import type { BenchmarkKind, MetricName } from '../metrics.js'

export type Comparator = '<' | '<=' | '>' | '>='

export interface Budget {
  readonly metric: MetricName
  readonly comparator: Comparator
  /** In the metric's stored unit (milliseconds, bytes, ops/s, count). */
  readonly limit: number
  /** The limit as the user wrote it, for reports. */
  readonly source: string
}

export interface FunctionSpec {
  readonly kind: 'function'
  /** Absolute path of the bench file. */
  readonly file: string
  /** Name given to bench() in the file; undefined: the benchmark's name, else the only bench. */
  readonly bench: string | undefined
  readonly timeMs: number
  readonly warmupMs: number
}

export interface CommandSpec {
  readonly kind: 'command'
  readonly run: string
  /** Absolute working directory. */
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  readonly warmupRuns: number
}

export type BenchmarkSpec = FunctionSpec | CommandSpec

export interface BenchmarkConfig {
  readonly name: string
  readonly kind: BenchmarkKind
  readonly spec: BenchmarkSpec
  readonly trials: number
  readonly timeoutMs: number
  readonly budgets: readonly Budget[]
}

export interface CompareConfig {
  /** Gated metrics; undefined means the default set for each benchmark kind. */
  readonly gate: readonly MetricName[] | undefined
  readonly threshold: number
  readonly alpha: number
}

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string
  /** Directory that relative paths in the config are resolved against. */
  readonly dir: string
  readonly setup: string | undefined
  readonly compare: CompareConfig
  readonly benchmarks: readonly BenchmarkConfig[]
}
