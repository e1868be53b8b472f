/** Messages between perfgate and a function worker (over the IPC channel). */
import type { Harness } from '../../config/types.js'
import type { FunctionMeasurement } from './engine.js'
import type { HarnessUrls } from './harness/loader.js'

export interface RunRequest {
  readonly type: 'run'
  /** Absolute path of the bench file. */
  readonly file: string
  /** The name to look up in the file's bench() registrations. */
  readonly bench: string | undefined
  /** The benchmark's name in perfgate.yml (the default bench name). */
  readonly benchmarkName: string
  readonly timeMs: number
  readonly warmupMs: number
  /** URL of perfgate's API module, which 'perfgate' resolves to in bench files. */
  readonly apiUrl: string
  /** Profiled trial: V8's CPU profile of the sampling phase is written to this file. */
  readonly profileFile?: string
  /** Shims that other harnesses' imports resolve to (vitest, tinybench, mitata, benchmark). */
  readonly harnessUrls?: HarnessUrls
  /** The one harness whose benches count (function.harness); absent: any. */
  readonly harness?: Harness
}

/**
 * Sampling on command (one side of an interleaved pair): `prepare` loads, sets up and
 * warms the bench (reply `ready`), each `sample` samples one slice (reply `sampled`),
 * `finish` replies with the `result` of all slices, then the worker exits.
 */
export interface PrepareRequest extends Omit<RunRequest, 'type' | 'timeMs' | 'profileFile'> {
  readonly type: 'prepare'
}

export interface SampleRequest {
  readonly type: 'sample'
  readonly ms: number
  /** At least this many batches, however long they take. */
  readonly minBatches: number
}

export interface FinishRequest {
  readonly type: 'finish'
}

/**
 * An instruction count's run under callgrind (count.ts): the worker sets up, replies
 * `probed` after its probe window, waits for `count-calls`, replies `counted`, exits.
 */
export interface CountRequest extends Omit<
  RunRequest,
  'type' | 'timeMs' | 'warmupMs' | 'profileFile'
> {
  readonly type: 'count'
  /**
   * The module to import instead of `file` (a TypeScript bench bundled into one JS module
   * for the count); `file` still names the bench in messages.
   */
  readonly module?: string
}

/** The calls N a counting worker warms up with and counts (sent after `probed`). */
export interface CountCallsMessage {
  readonly type: 'count-calls'
  readonly calls: number
}

/** Whether a message is the calls N a counting worker waits for. */
export function isCountCalls(value: unknown): value is CountCallsMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'count-calls' &&
    Number.isSafeInteger((value as { calls?: unknown }).calls) &&
    (value as { calls: number }).calls > 0
  )
}

/** Loads the file and replies with the benches it registers (`perfgate init`), then exits. */
export interface ListRequest extends Pick<
  RunRequest,
  'file' | 'apiUrl' | 'harnessUrls' | 'harness'
> {
  readonly type: 'list'
}

/** One bench a file registers, as `perfgate init` needs it. */
export interface ListedBench {
  readonly name: string
  readonly harness: Exclude<Harness, 'auto'>
  readonly notes: readonly string[]
  readonly timeMs?: number
  readonly warmupMs?: number
}

export type WorkerRequest =
  RunRequest | PrepareRequest | SampleRequest | FinishRequest | CountRequest | ListRequest

export type WorkerReply =
  | { readonly type: 'result'; readonly measurement: FunctionMeasurement }
  | { readonly type: 'ready' }
  | { readonly type: 'sampled'; readonly batches: number; readonly ms: number }
  | { readonly type: 'probed' }
  | { readonly type: 'counted'; readonly calls: number }
  | {
      readonly type: 'error'
      readonly message: string
      readonly stack?: string
      /** 'load': the error came while importing the bench file. */
      readonly phase?: 'load'
    }
  | { readonly type: 'listed'; readonly benches: readonly ListedBench[] }

const REQUEST_TYPES: ReadonlySet<unknown> = new Set([
  'run',
  'prepare',
  'sample',
  'finish',
  'count',
  'list'
])

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    REQUEST_TYPES.has((value as { type?: unknown }).type)
  )
}
