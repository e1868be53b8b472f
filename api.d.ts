// Types of perfgate's bench-file API (`import { bench } from 'perfgate'`); see src/api.ts.
export type BenchFn = () => unknown
export interface BenchOptions {
  /** Runs once per trial before warm-up; may be async. */
  setup?: () => unknown
  /** Runs once per trial after sampling; may be async. */
  teardown?: () => unknown
}
/** Registers a function to benchmark; it may be async. */
export declare function bench(name: string, fn: BenchFn, options?: BenchOptions): void
