/**
 * Shards: one suite spread over several runners (a job matrix). Each benchmark goes to
 * exactly one shard (its pairs must share a runner); shards are balanced by expected
 * duration with the longest-processing-time-first rule (Graham 1969: within 4/3 of the
 * best split), deterministic for the same config and estimates, so every job of a matrix
 * computes the same assignment on its own.
 */
import type { BenchmarkConfig } from '../config/types.js'
import type { Results } from '../results/types.js'
import { RequestError } from './requests.js'

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  readonly index: number
  readonly count: number
}

/** Most shards a suite can be split into (beyond that, a matrix is mostly start-up). */
export const MAX_SHARDS = 256

/** Parses `i/n` (e.g. `2/3`). */
export function parseShard(text: string, what = '--shard'): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = m ? Number(m[1]) : NaN
  const count = m ? Number(m[2]) : NaN
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new RequestError(
      `${what}: expected i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/3), got ${JSON.stringify(text)}`
    )
  }
  return { index, count }
}

/** Rough per-trial overhead of a fresh process (start-up, loading, reporting). */
const PROCESS_MS = 300
/** A command's run time when nothing has been measured yet. */
const UNKNOWN_COMMAND_MS = 1000

/**
 * Expected wall time of one benchmark's trials: from stored results of the same benchmark
 * when there are any (their trials' recorded durations), else from its config.
 */
export function expectedDurationMs(benchmark: BenchmarkConfig, stored?: Results): number {
  const previous = stored?.benchmarks.find((b) => b.name === benchmark.name)
  if (previous && previous.trials.length > 0) {
    const mean = previous.trials.reduce((sum, t) => sum + t.durationMs, 0) / previous.trials.length
    return benchmark.trials * mean
  }
  const spec = benchmark.spec
  const perTrial =
    spec.kind === 'function'
      ? spec.timeMs + spec.warmupMs + PROCESS_MS
      : spec.kind === 'http'
        ? spec.load.durationMs + spec.load.warmupMs + PROCESS_MS * 2
        : (spec.warmupRuns + 1) * UNKNOWN_COMMAND_MS
  return benchmark.trials * perTrial
}

/**
 * Assigns benchmarks to `count` shards: longest first, each to the least loaded shard
 * (ties: the lower shard; equal durations keep config order). Returns, per shard, the
 * benchmarks in config order.
 */
export function assignShards<T extends { readonly name: string }>(
  benchmarks: readonly T[],
  count: number,
  durationMs: (benchmark: T) => number
): T[][] {
  const order = benchmarks
    .map((benchmark, position) => ({ benchmark, position, ms: durationMs(benchmark) }))
    .sort((a, b) => b.ms - a.ms || a.position - b.position)
  const loads = Array.from({ length: count }, () => 0)
  const shards: { benchmark: T; position: number }[][] = Array.from({ length: count }, () => [])
  for (const item of order) {
    let target = 0
    for (let s = 1; s < count; s++) if (loads[s]! < loads[target]!) target = s
    loads[target]! += item.ms
    shards[target]!.push(item)
  }
  return shards.map((shard) =>
    shard.sort((a, b) => a.position - b.position).map((item) => item.benchmark)
  )
}

/** A seed for one benchmark's randomness, so its pair order is the same on any shard. */
export function benchmarkSeed(seed: number, name: string): number {
  // FNV-1a over the name, mixed with the run's seed.
  let hash = 0x811c9dc5 ^ seed
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % 2 ** 31
}

/**
 * The seed of a sharded run when none is given: the same on every runner of the matrix
 * (derived from the measured commit and the config), so the shards' pair orders are those
 * of one run and `merge` accepts them together.
 */
export function sharedSeed(commit: string | undefined, configHash: string): number {
  return benchmarkSeed(0, `${commit ?? 'no commit'}:${configHash}`)
}
