/**
 * What a function worker does for an instruction count, inside one process run under
 * callgrind: set up, call the bench, and mark the edges of counted windows with
 * `markWindow()` (callgrind dumps and zeroes its counters as the mark's native function is
 * entered: src/runners/instructions/valgrind.ts), so start-up, loading and setup are never
 * in a counted window and two processes' start-ups need not repeat. No timer reads, no
 * samples: a window holds the calls and nothing else.
 *
 * The windows, in order (WINDOWS of them; perfgate reads them from callgrind's dumps):
 * 1. start-up, loading, setup and the first call (not used);
 * 2. one call: the probe perfgate sizes the count from (it then sends the calls N);
 * 3. the wait for N, N calls of warm-up, a full garbage collection;
 * 4. nothing: the marks' own cost;
 * 5. N counted calls. Per call = (window 5 − window 4) / N.
 */
import { getPriority } from 'node:os'
import type { BenchFn, BenchOptions } from './registry.js'
import { isThenable } from './engine.js'

/** Results land here so the optimizer cannot drop the call as dead code. */
export let countSink: unknown

/** How many windows a count marks (see above); a bench that marks more is an error. */
export const WINDOWS = 5

/** The window that holds the probe call, and those of the marks alone and the counted calls. */
export const PROBE_WINDOW = 1
export const EMPTY_WINDOW = 3
export const COUNTED_WINDOW = 4

/**
 * Ends a counted window and starts the next: `os.getPriority()`, a native function a bench
 * has no reason to call, whose entry callgrind dumps before (WINDOW_MARK in valgrind.ts).
 */
export function markWindow(): void {
  getPriority()
}

/**
 * A full collection before the counted windows (the worker runs with `--expose-gc`): the
 * wait for N is longer or shorter, and whatever idle time started must not spill into the
 * count; every count starts from the same collected heap.
 */
function collectGarbage(): void {
  ;(globalThis as { gc?: () => void }).gc?.()
}

/**
 * Calls `fn` in the windows above; `callsToCount` reports the probe and resolves with the
 * calls N perfgate chose. Returns N.
 */
export async function callBench(
  fn: BenchFn,
  benchOptions: BenchOptions,
  callsToCount: () => Promise<number>
): Promise<number> {
  await benchOptions.setup?.()
  try {
    // The first call tells sync from async, as the timing engine does.
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
    markWindow()
    await call(1)
    markWindow()
    const calls = await callsToCount()
    await call(calls)
    collectGarbage()
    markWindow()
    markWindow()
    await call(calls)
    markWindow()
    return calls
  } finally {
    await benchOptions.teardown?.()
  }
}
