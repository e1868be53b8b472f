/**
 * perfgate's public API for bench files: `import { bench } from 'perfgate'`.
 * In a perfgate worker this module is what 'perfgate' resolves to, whatever version of
 * perfgate (or none) the measured checkout has installed.
 */
import { benchRegistry } from './runners/function/registry.js'

/** A function to benchmark; it may be async (its promise is awaited). */
export type BenchFn = () => unknown

/** Hooks around a bench's sampling, run in the trial's process. */
export interface BenchOptions {
  /** Runs once per trial before warm-up; may be async. */
  setup?: () => unknown
  /** Runs once per trial after sampling; may be async. */
  teardown?: () => unknown
}

/**
 * Registers a function to benchmark. perfgate calls it many times per trial, in batches,
 * and reports time per call. The function may be async (its promise is awaited).
 * @param name the name perfgate.yml refers to (`function.bench`, or the benchmark's name)
 */
export function bench(name: string, fn: BenchFn, options: BenchOptions = {}): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('bench(name, fn): name must be a non-empty string')
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`bench(${JSON.stringify(name)}, fn): fn must be a function`)
  }
  const registry = benchRegistry()
  if (registry.has(name)) {
    throw new Error(`bench(${JSON.stringify(name)}): a bench with this name is already registered`)
  }
  registry.set(name, { name, fn, options })
}
