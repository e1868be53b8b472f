/**
 * Where bench() calls register their functions. The registry lives on globalThis under a
 * registered symbol, so the worker finds the benches whichever copy of perfgate's API the
 * bench file loaded (bundled, from source, or through the resolve hook).
 */
import type { BenchFn, BenchOptions } from '../../api.js'
import type { Harness } from '../../config/types.js'

export type { BenchFn, BenchOptions }

/** A harness other than perfgate's own bench(), whose calls a shim turns into benches. */
export type ForeignHarness = Exclude<Harness, 'auto' | 'perfgate'>

export interface RegisteredBench {
  readonly name: string
  readonly fn: BenchFn
  readonly options: BenchOptions
  /** The harness the file registered it through; absent: perfgate's own bench(). */
  readonly harness?: ForeignHarness
  /** What perfgate made of the harness's options (honoured, for perfgate.yml, ignored). */
  readonly notes?: readonly string[]
  /** Sampling time the harness's options ask for; `perfgate init` writes it to perfgate.yml. */
  readonly timeMs?: number
  /** Warm-up time the harness's options ask for (0: no warm-up). */
  readonly warmupMs?: number
}

const KEY = Symbol.for('perfgate.benches')

type GlobalWithRegistry = typeof globalThis & { [KEY]?: Map<string, RegisteredBench> }

/** The process-wide registry of benches (created on first use). */
export function benchRegistry(): Map<string, RegisteredBench> {
  const root = globalThis as GlobalWithRegistry
  root[KEY] ??= new Map()
  return root[KEY]
}
