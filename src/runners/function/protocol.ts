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

export type WorkerReply =
  | { readonly type: 'result'; readonly measurement: FunctionMeasurement }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string }

export function isRunRequest(value: unknown): value is RunRequest {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'run'
}
