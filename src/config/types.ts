/**
 * The validated, fully specified configuration: every default applied, every unit parsed,
 * every path absolute. Produced only by parseConfig(); the rest of perfgate reads this.
 */
import type { BenchmarkKind, MetricName } from '../metrics.js'
import type { FailOn, Measure, PairedTest } from './defaults.js'
import type { HARNESSES, PROFILE_MODES, SERVER_RESTARTS } from './schema.js'

export type ProfileMode = (typeof PROFILE_MODES)[number]

/** The benchmark API a bench file is written against (`auto`: from its imports). */
export type Harness = (typeof HARNESSES)[number]

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
  /**
   * The one harness whose registrations count; absent: auto, every harness the file
   * imports (absent rather than 'auto' so existing benchmarks keep their definition hash).
   */
  readonly harness?: Exclude<Harness, 'auto'>
  readonly timeMs: number
  readonly warmupMs: number
  /** A/B runs: base and head workers alive at once, sampling alternated in short slices. */
  readonly interleave: boolean
}

export interface CommandSpec {
  readonly kind: 'command'
  readonly run: string
  /** Absolute working directory. */
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  readonly warmupRuns: number
}

export interface HttpRequestSpec {
  /** Absolute URL with the {port} placeholder, e.g. http://127.0.0.1:{port}/users */
  readonly url: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly weight: number
}

export type ServerRestart = (typeof SERVER_RESTARTS)[number]

export interface HttpSpec {
  readonly kind: 'http'
  readonly server: {
    /** Shell command with the {port} placeholder. */
    readonly command: string
    readonly cwd: string
    readonly env: Readonly<Record<string, string>>
    readonly readyUrl: string
    readonly readyTimeoutMs: number
    readonly restart: ServerRestart
  }
  readonly requests: readonly HttpRequestSpec[]
  readonly load: {
    readonly connections: number
    readonly durationMs: number
    readonly warmupMs: number
    readonly pipelining: number
    /** Fixed total rate (requests/s); undefined: closed loop, as fast as answers come. */
    readonly rate: number | undefined
    readonly timeoutMs: number
    /** A/B runs: base and head servers up at once, load alternated in short slices. */
    readonly interleave: boolean
    /** Linux, 2+ CPUs: load generator and server each on CPUs of their own (affinity.ts). */
    readonly pin: boolean
  }
}

export type BenchmarkSpec = FunctionSpec | CommandSpec | HttpSpec

/** How one benchmark's base and head are judged (global settings, overridden per benchmark). */
export interface CompareSettings {
  /** Metrics whose significant regressions fail the build. */
  readonly gate: readonly MetricName[]
  /** Smallest change that matters, as a fraction (0.05 for 5 %). */
  readonly threshold: number
  /**
   * The threshold of the instruction count (compare.instructions-threshold). Results files
   * written before it existed lack it: DEFAULT_INSTRUCTION_THRESHOLD.
   */
  readonly instructionThreshold?: number
  readonly alpha: number
}

export interface BenchmarkConfig {
  readonly name: string
  readonly kind: BenchmarkKind
  readonly spec: BenchmarkSpec
  readonly trials: number
  /**
   * What the verdict rests on: time, instruction counts, or both. Absent in results files
   * written before it existed: time.
   */
  readonly measure?: Measure
  readonly timeoutMs: number
  readonly budgets: readonly Budget[]
  /** Improvement goals (same shape as budgets; they never fail the build). */
  readonly targets: readonly Budget[]
  readonly compare: CompareSettings
}

export type { FailOn, Measure, PairedTest }

/** Run-wide comparison settings. */
export interface CompareConfig {
  readonly failOn: FailOn
  readonly test: PairedTest
  /**
   * Stop an undecided benchmark at a look when the last look is less likely than this to
   * decide it; 0: take every look. The config always sets it (default DEFAULT_FUTILITY);
   * results files written before the setting existed lack it.
   */
  readonly futility?: number
  /** Most pairs per benchmark in A/B runs; undefined: three looks, i.e. 3 × trials. */
  readonly maxPairs: number | undefined
  /** Longest an A/B comparison of one benchmark may run. */
  readonly maxTimeMs: number
  /**
   * Time budget of a whole A/B run: undecided benchmarks share it look by look, and what
   * it cuts short is reported as inconclusive. Absent: no budget.
   */
  readonly maxDurationMs?: number
}

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string
  /** Directory that relative paths in the config are resolved against. */
  readonly dir: string
  readonly setup: string | undefined
  /** When an A/B run profiles base and head (absent: on-regression). */
  readonly profile?: ProfileMode
  readonly compare: CompareConfig
  readonly benchmarks: readonly BenchmarkConfig[]
}
