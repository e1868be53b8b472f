/**
 * The results file: perfgate's own versioned JSON format (schemaVersion 1). It carries
 * the environment and, per benchmark, its state and every trial's values, so that later
 * comparisons can test across trials rather than trust a single summary.
 */
import type { Budget, CompareConfig, CompareSettings } from '../config/types.js'
import type { Comparison, StopReason } from '../compare/types.js'
import type { BenchmarkKind, MetricName } from '../metrics.js'

export const RESULTS_SCHEMA_VERSION = 1

export interface Environment {
  readonly os: string
  readonly osRelease: string
  readonly arch: string
  readonly cpuModel: string
  readonly cores: number
  readonly totalMemoryBytes: number
  readonly node: string
  readonly ci: boolean
  readonly git?: {
    readonly commit: string
    readonly branch?: string
    /** Whether the working tree had uncommitted changes when measured. */
    readonly dirty: boolean
  }
  /** sha256 of the validated config, to tell when two results measured different things. */
  readonly configHash: string
}

export interface TrialResult {
  readonly metrics: Partial<Record<MetricName, number>>
  readonly durationMs: number
  readonly details?: Readonly<Record<string, number | boolean | string>>
}

export interface MetricSummary {
  /** Median of the per-trial values. */
  readonly median: number
  readonly min: number
  readonly max: number
  /** Robust relative spread across trials: 1.4826 × MAD / median (0 when median is 0). */
  readonly spread: number
  readonly n: number
}

/** The judging rules a benchmark was measured under, so a results file compares on its own. */
export interface BenchmarkSettings {
  readonly compare: CompareSettings
  readonly budgets: readonly Budget[]
  readonly targets: readonly Budget[]
}

/** How a same-runner A/B run of one benchmark went (on the head side's result). */
export interface PairedRun {
  readonly pairs: number
  /** Pair counts at which the planned looks happen, e.g. [10, 20, 30]. */
  readonly lookSizes: readonly number[]
  readonly stopReason: StopReason
  /** Which side ran first in each pair (randomized from the seed). */
  readonly firstInPair: readonly ('base' | 'head')[]
}

interface BenchmarkResultBase {
  readonly name: string
  readonly kind: BenchmarkKind
  /** sha256 of how the benchmark is measured (its config entry), to spot changed setups. */
  readonly definitionHash: string
  readonly settings: BenchmarkSettings
  readonly trials: readonly TrialResult[]
  readonly summary: Partial<Record<MetricName, MetricSummary>>
  readonly paired?: PairedRun
}

export type BenchmarkResult =
  | (BenchmarkResultBase & { readonly state: 'ok' })
  | (BenchmarkResultBase & {
      readonly state: 'errored'
      readonly error: { readonly message: string; readonly detail?: string; readonly trial: number }
    })

/** The other side of a comparison, as measured (A/B) or as read from a file (stored). */
export interface BaseResults {
  /** Where the base came from: a git ref and commit, or a results file. */
  readonly source: string
  readonly environment: Environment
  readonly benchmarks: readonly BenchmarkResult[]
  /** A/B: how the base checkout got its dependencies (setup command, shared, none). */
  readonly dependencies?: string
}

export interface Results {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION
  readonly tool: { readonly name: 'perfgate'; readonly version: string }
  readonly createdAt: string
  readonly seed: number
  readonly environment: Environment
  readonly compare: CompareConfig
  readonly benchmarks: readonly BenchmarkResult[]
  readonly base?: BaseResults
  readonly comparison?: Comparison
  /**
   * Present in a file written while the run was still measuring (results are written after
   * each benchmark): a run that was interrupted leaves a valid file that says what is missing.
   */
  readonly incomplete?: Incomplete
  /** The share of a suite one runner of a job matrix measured (`run --shard i/n`). */
  readonly shard?: ShardInfo
  /** Results merged from shards (`perfgate merge`): how many runners measured the suite. */
  readonly merged?: { readonly shards: number }
  /**
   * Regressions accepted on purpose on the pull request these results judge (or, on main,
   * the pull request that was merged into this commit): who accepted what, and why.
   */
  readonly accepted?: readonly Acceptance[]
}

/**
 * Results whose comparison is computed (src/app/judge.ts): what a verdict, a report and an
 * outcome are made from. A separate type so no caller has to assert that it is there.
 */
export type JudgedResults = Results & { readonly comparison: Comparison }

/**
 * A regression accepted on purpose, with a recorded reason: on a pull request, by a person
 * with write access to the repository (`/perfgate accept <benchmark> <reason>`).
 */
export interface Acceptance {
  /** The benchmark accepted, or `*` for every benchmark of the run. */
  readonly benchmark: string
  /** Why, in the accepter's words (untrusted text: rendered inert). */
  readonly reason: string
  /** The GitHub login of who accepted (checked to have write access when it was read). */
  readonly by: string
  /** When it was given (ISO 8601). */
  readonly at: string
  /** The pull request it was given on. */
  readonly pullRequest: number
  /** Where it was given (the comment's URL), when known. */
  readonly url?: string
  /**
   * The change it was given for: per gated metric, the head/base ratio at its bound on the
   * worse side (`+9%`: 1.09 for a time, 0.91 for requests/s; src/compare/accept.ts). A
   * later change beyond it is judged again. Absent: it covers any change of the benchmark.
   */
  readonly limits?: readonly { readonly metric: MetricName; readonly ratio: number }[]
}

export interface ShardInfo {
  /** 1-based. */
  readonly index: number
  readonly count: number
  /** Every benchmark of the suite, in config order (all shards together). */
  readonly suite: readonly string[]
  /** Gated tests of the whole suite: the Holm family early stops were planned for. */
  readonly familySize: number
  /**
   * The benchmarks this shard was given (`--shard i/n` is deterministic), so `merge` can
   * say which shard lost one. Absent in files of older versions.
   */
  readonly assigned?: readonly string[]
}

export interface Incomplete {
  /** Benchmarks the run was to measure. */
  readonly total: number
  /** Those not measured (yet). */
  readonly missing: readonly string[]
  /** Why, per missing benchmark, when it is known (a merge names the shard that lost it). */
  readonly reasons?: readonly { readonly benchmark: string; readonly reason: string }[]
}
