// Generated from src/api.ts by 'npm run build': do not edit.
/** A function to benchmark; it may be async (its promise is awaited). */
type BenchFn = () => unknown
/** Hooks around a bench's sampling, run in the trial's process. */
interface BenchOptions {
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
declare function bench(name: string, fn: BenchFn, options?: BenchOptions): void

export { bench }
export type { BenchFn, BenchOptions }
