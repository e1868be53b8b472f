/**
 * The timing engine that runs inside a function worker: calibrate a batch size so the
 * timer's own cost is negligible, warm up, then sample batches for a fixed time. Modelled
 * on mitata (batching, a sink the optimizer cannot remove); chosen over tinybench and
 * mitata by `npm run bench:harness` (figures in docs/PERFORMANCE.md).
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { quantileSorted } from '../../stats/quantile.js'
import type { BenchFn, BenchOptions } from './registry.js'

export interface EngineOptions {
  /** Sampling time after warm-up. */
  readonly timeMs: number
  readonly warmupMs: number
  /** A batch runs at least this long, so the ~50 ns timer read stays below 0.1 %. */
  readonly minBatchNs?: number
  readonly minSamples?: number
  readonly maxSamples?: number
  /** Called right before and after the sampling phase (a CPU profiler's start and stop). */
  readonly aroundSampling?: {
    readonly start: () => Promise<void>
    readonly stop: () => Promise<void>
  }
}

/** What one trial reports: per-call times in milliseconds, throughput, memory and GC. */
export interface FunctionMeasurement {
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
  readonly mean: number
  readonly ops: number
  /** Heap retained after sampling, relative to before (bytes; after a full GC when exposed). */
  readonly heap: number
  /**
   * Memory retained after sampling, relative to before: the heap and the memory outside it
   * (Buffers, ArrayBuffers, native objects), in bytes, after a full GC when exposed.
   */
  readonly memory: number
  /** The worker's peak resident set size (bytes): what the process needed at most. */
  readonly rss: number
  readonly gcCount: number
  readonly gcTime: number
  readonly samples: number
  readonly batchSize: number
  readonly async: boolean
}

export const DEFAULT_MIN_BATCH_NS = 100_000
export const DEFAULT_MIN_SAMPLES = 10
export const DEFAULT_MAX_SAMPLES = 1_000_000
const MAX_BATCH = 1 << 30

/** Results are stored here so the optimizer cannot drop the call as dead code. */
export let sink: unknown

type BatchTimer = (n: number) => Promise<number> | number

function syncBatch(fn: BenchFn): BatchTimer {
  return (n) => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink = fn()
    return Number(process.hrtime.bigint() - start)
  }
}

function asyncBatch(fn: BenchFn): BatchTimer {
  return async (n) => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink = await fn()
    return Number(process.hrtime.bigint() - start)
  }
}

/** Whether a benchmark's return value is a promise (or any thenable) to await. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

const gc = (globalThis as { gc?: () => void }).gc

/**
 * Bytes the process holds for JavaScript: the V8 heap in use and `external` memory, which
 * includes every ArrayBuffer and Buffer (https://nodejs.org/api/process.html#processmemoryusage).
 * A leak of Buffers lives outside the heap: the heap alone shows none of it.
 */
function retainedBytes(): { heap: number; memory: number } {
  const usage = process.memoryUsage()
  return { heap: usage.heapUsed, memory: usage.heapUsed + usage.external }
}

/**
 * A bench ready to sample: set up, calibrated and warmed. Sampling may come in several
 * slices (an interleaved pair alternates two workers' slices); `finish` summarizes every
 * slice's samples and `close` runs the teardown.
 */
export interface PreparedFunction {
  /** Samples batches for `ms` (at least `minBatches` of them); returns the batches taken. */
  sample(ms: number, minBatches?: number): Promise<number>
  finish(): Promise<FunctionMeasurement>
  close(): Promise<void>
}

/** Sets up, calibrates and warms `fn`; the caller samples, finishes and closes. */
export async function prepareFunction(
  fn: BenchFn,
  benchOptions: BenchOptions,
  options: Omit<EngineOptions, 'timeMs' | 'minSamples' | 'aroundSampling'>
): Promise<PreparedFunction> {
  const minBatchNs = options.minBatchNs ?? DEFAULT_MIN_BATCH_NS
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES

  await benchOptions.setup?.()
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await benchOptions.teardown?.()
  }
  try {
    // One probe call tells sync from async; an async fn is timed with await per call.
    const first = fn()
    const isAsync = isThenable(first)
    if (isAsync) await first
    const batch = isAsync ? asyncBatch(fn) : syncBatch(fn)

    // Calibrate: grow the batch until it runs for minBatchNs three times in a row (a
    // single cold batch can be slow before the JIT kicks in), then keep adjusting during
    // warm-up as the code gets faster. Sampling uses one fixed batch size.
    let batchSize = 1
    const grow = (elapsed: number) => {
      const factor = Math.ceil((minBatchNs / Math.max(elapsed, 1)) * 1.2)
      batchSize = Math.min(MAX_BATCH, batchSize * Math.min(Math.max(factor, 2), 1000))
    }
    for (let longEnough = 0; longEnough < 3 && batchSize < MAX_BATCH;) {
      const elapsed = await batch(batchSize)
      if (elapsed >= minBatchNs) longEnough++
      else {
        longEnough = 0
        grow(elapsed)
      }
    }
    const warmupEnd = performance.now() + options.warmupMs
    while (performance.now() < warmupEnd) {
      const elapsed = await batch(batchSize)
      if (elapsed < minBatchNs && batchSize < MAX_BATCH) grow(elapsed)
    }

    gc?.()
    const before = retainedBytes()
    // GC from the first slice to the summary, also what V8 does between slices (work the
    // bench's own allocations caused, moved out of the timed batches by the pauses).
    const gcEntries: PerformanceEntry[] = []
    const observer = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()))
    let observing = false

    let samples = new Float64Array(Math.min(maxSamples, 1 << 16))
    let count = 0
    let totalNs = 0
    return {
      async sample(ms, minBatches = 1) {
        if (!observing) {
          observer.observe({ entryTypes: ['gc'] })
          observing = true
        }
        const end = performance.now() + ms
        let taken = 0
        while ((performance.now() < end || taken < minBatches) && count < maxSamples) {
          const elapsed = await batch(batchSize)
          if (count === samples.length) {
            const grown = new Float64Array(Math.min(maxSamples, samples.length * 2))
            grown.set(samples)
            samples = grown
          }
          samples[count++] = elapsed / batchSize
          totalNs += elapsed
          taken++
        }
        return taken
      },
      async finish() {
        // GC entries arrive asynchronously: let the observer flush before reading them.
        await new Promise((resolve) => setTimeout(resolve, 0))
        gcEntries.push(...observer.takeRecords())
        observer.disconnect()
        gc?.()
        const after = retainedBytes()
        // ru_maxrss: in KiB on Linux (libuv converts macOS's bytes to the same unit).
        const rss = process.resourceUsage().maxRSS * 1024
        if (count === 0) throw new Error('perfgate engine: finish() before any sample')
        const sorted = samples.subarray(0, count).sort()
        const meanNs = totalNs / (count * batchSize)
        return {
          p50: quantileSorted(sorted, 0.5) / 1e6,
          p95: quantileSorted(sorted, 0.95) / 1e6,
          p99: quantileSorted(sorted, 0.99) / 1e6,
          max: sorted[count - 1]! / 1e6,
          mean: meanNs / 1e6,
          ops: 1e9 / meanNs,
          heap: after.heap - before.heap,
          memory: after.memory - before.memory,
          rss,
          gcCount: gcEntries.length,
          gcTime: gcEntries.reduce((sum, entry) => sum + entry.duration, 0),
          samples: count,
          batchSize,
          async: isAsync
        }
      },
      close
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Measures one function for one trial. Setup and teardown run around it. */
export async function measureFunction(
  fn: BenchFn,
  benchOptions: BenchOptions,
  options: EngineOptions
): Promise<FunctionMeasurement> {
  const prepared = await prepareFunction(fn, benchOptions, options)
  try {
    await options.aroundSampling?.start()
    await prepared.sample(options.timeMs, options.minSamples ?? DEFAULT_MIN_SAMPLES)
    await options.aroundSampling?.stop()
    return await prepared.finish()
  } finally {
    await prepared.close()
  }
}
