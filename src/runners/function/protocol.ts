/** Messages between perfgate and a function worker (over the IPC channel). */
import type { FunctionMeasurement } from './engine.js'

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

/** An instruction count's run: calls without timing (count.ts), reply `counted`, exit. */
export interface CountRequest extends Omit<
  RunRequest,
  'type' | 'timeMs' | 'warmupMs' | 'profileFile'
> {
  readonly type: 'count'
  readonly warmupCalls: number
  readonly calls: number
  readonly calibrateMs?: number
}

export type WorkerRequest =
  RunRequest | PrepareRequest | SampleRequest | FinishRequest | CountRequest

export type WorkerReply =
  | { readonly type: 'result'; readonly measurement: FunctionMeasurement }
  | { readonly type: 'ready' }
  | { readonly type: 'sampled'; readonly batches: number; readonly ms: number }
  | { readonly type: 'counted'; readonly calls: number }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string }

const REQUEST_TYPES: ReadonlySet<unknown> = new Set(['run', 'prepare', 'sample', 'finish', 'count'])

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    REQUEST_TYPES.has((value as { type?: unknown }).type)
  )
}
