/**
 * What a function worker does for an instruction count: set up, call the bench a fixed
 * number of times, tear down — no timer reads, no samples, so the only difference between
 * two runs with different call counts is the calls themselves. Calibration (natively,
 * outside valgrind) counts the calls that fit in a time, so the counted work is long
 * enough to dwarf the few thousand instructions by which two start-ups differ.
 */
import type { BenchFn, BenchOptions } from './registry.js'

/** Results land here so the optimizer cannot drop the call as dead code. */
export let countSink: unknown

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

export interface CountOptions {
  /** Calls before the counted ones (JIT warm-up), the same in both runs of a count. */
  readonly warmupCalls: number
  readonly calls: number
  /** Calibrate instead: call for about this long after warm-up; the calls made are returned. */
  readonly calibrateMs?: number
}

/** Calls `fn` warmupCalls + calls times (or calibrates); returns the calls counted. */
export async function callBench(
  fn: BenchFn,
  benchOptions: BenchOptions,
  options: CountOptions
): Promise<number> {
  await benchOptions.setup?.()
  try {
    // The probe call tells sync from async, as the timing engine does; it counts as warm-up.
    const first = fn()
    const isAsync = isThenable(first)
    if (isAsync) await first
    const call = isAsync
      ? async (n: number) => {
          for (let i = 0; i < n; i++) countSink = await fn()
        }
      : (n: number) => {
          for (let i = 0; i < n; i++) countSink = fn()
        }
    await call(Math.max(0, options.warmupCalls - 1))
    if (options.calibrateMs === undefined) {
      await call(options.calls)
      return options.calls
    }
    const end = performance.now() + options.calibrateMs
    let calls = 0
    for (let batch = 1; performance.now() < end; batch = Math.min(batch * 2, 1 << 20)) {
      await call(batch)
      calls += batch
    }
    return calls
  } finally {
    await benchOptions.teardown?.()
  }
}
