/**
 * Where bench() calls register their functions. The registry lives on globalThis under a
 * registered symbol, so the worker finds the benches whichever copy of perfgate's API the
 * bench file loaded (bundled, from source, or through the resolve hook).
 */
import type { BenchFn, BenchOptions } from '../../api.js'

export type { BenchFn, BenchOptions }

export interface RegisteredBench {
  readonly name: string
  readonly fn: BenchFn
  readonly options: BenchOptions
}

const KEY = Symbol.for('perfgate.benches')

type GlobalWithRegistry = typeof globalThis & { [KEY]?: Map<string, RegisteredBench> }

/** The process-wide registry of benches (created on first use). */
export function benchRegistry(): Map<string, RegisteredBench> {
  const root = globalThis as GlobalWithRegistry
  root[KEY] ??= new Map()
  return root[KEY]
}
