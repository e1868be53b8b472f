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
 * 4. N more calls of warm-up: the collection drops code the JIT compiled on the way (a
 *    loop's on-stack replacement), and the first calls after it compile the function
 *    anew (a 20k-iteration loop: 525 k instructions per call in this window, 380 k in
 *    every later one), so that compilation falls here, not in a counted window;
 * 5. then COUNTED_ROUNDS rounds of three windows: a young-generation collection (not
 *    used), nothing (the marks' own cost), and N counted calls. Per call = (median of the
 *    counted windows − median of the empty ones) / N: a window that a late compilation or
 *    a collection disturbs does not move the count. The young collection first makes
 *    every counted window start from an empty young generation, so its calls meet their
 *    scavenges at the same points every round and in every process: without it, a call
 *    that allocates a few MB (the example's CSV parser, N = 1) met one scavenge more or
 *    fewer depending on how full the space was, and A/A counts landed on several levels
 *    up to 2.7 % apart.
 */
import { getPriority } from 'node:os'
import type { BenchFn, BenchOptions } from './registry.js'
import { isThenable } from './engine.js'

/** Results land here so the optimizer cannot drop the call as dead code. */
export let countSink: unknown

/** The window that holds the probe call. */
export const PROBE_WINDOW = 1

/** The first window of the first round (an empty window, then one of N counted calls). */
export const FIRST_ROUND_WINDOW = 4

/**
 * Rounds of a young collection, an empty and a counted window: five, so that two
 * disturbed windows of either kind cannot move their median. Each counted window costs
 * ~1 s under callgrind, against the worker's start-up of 20–90 s.
 */
export const COUNTED_ROUNDS = 5

/** Windows per round: the young collection, the empty window, the counted one. */
export const ROUND_WINDOWS = 3

/** How many windows a count marks (see above); a bench that marks more is an error. */
export const WINDOWS = FIRST_ROUND_WINDOW + ROUND_WINDOWS * COUNTED_ROUNDS

/** The empty and the counted window of round `round` (0-based), as window indices. */
export function roundWindows(round: number): { readonly empty: number; readonly counted: number } {
  const first = FIRST_ROUND_WINDOW + ROUND_WINDOWS * round
  return { empty: first + 1, counted: first + 2 }
}

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

/** A young-generation collection (a scavenge: the optimized code stays). */
function collectYoung(): void {
  ;(globalThis as { gc?: (options: { type: 'minor' }) => void }).gc?.({ type: 'minor' })
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
    await call(calls)
    markWindow()
    for (let round = 0; round < COUNTED_ROUNDS; round++) {
      collectYoung()
      markWindow()
      markWindow()
      await call(calls)
      markWindow()
    }
    return calls
  } finally {
    await benchOptions.teardown?.()
  }
}
