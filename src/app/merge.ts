/**
 * `perfgate merge`: the results of a suite's shards, measured on several runners, become
 * one results file judged as one run — the union of benchmarks, one Holm family over every
 * gated test of the suite, one gate. Shards that do not belong together are refused with
 * the reason, never merged into a misleading verdict.
 */
import type { BaseResults, BenchmarkResult, Results } from '../results/types.js'
import { comparisonMode, judge } from './judge.js'
import { RequestError } from './requests.js'

export interface ShardFile {
  /** The file's name, as shown in messages. */
  readonly source: string
  readonly results: Results
}

const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : 'no commit')

/** Refuses with a message when one fact differs between shards. */
function same(
  files: readonly ShardFile[],
  what: string,
  fact: (r: Results) => string | number | undefined,
  show: (v: string | number | undefined) => string = String
) {
  const first = files[0]!
  for (const other of files.slice(1)) {
    if (fact(other.results) !== fact(first.results)) {
      throw new RequestError(
        `${first.source} and ${other.source} are shards of different runs: ` +
          `${what} ${show(fact(first.results))} and ${show(fact(other.results))}`
      )
    }
  }
}

/** Merges shard results into one judged results file. */
export function mergeShards(files: readonly ShardFile[]): Results {
  if (files.length === 0) throw new RequestError('merge needs the results files of the shards')
  for (const file of files) {
    if (!file.results.shard) {
      throw new RequestError(
        `${file.source} is not a shard's results (expected a file written by run --shard i/n)`
      )
    }
  }
  same(files, 'shard counts', (r) => r.shard!.count)
  same(
    files,
    'commits',
    (r) => r.environment.git?.commit,
    (v) => short(v as string)
  )
  same(
    files,
    'configs (hashes)',
    (r) => r.environment.configHash,
    (v) => short(v as string)
  )
  same(files, 'seeds', (r) => r.seed)
  same(files, 'suites', (r) => JSON.stringify(r.shard!.suite))
  same(files, 'baselines', (r) => (r.base ? `${r.base.source}` : 'none'))
  same(
    files,
    'base commits',
    (r) => r.base?.environment.git?.commit,
    (v) => short(v as string)
  )

  const count = files[0]!.results.shard!.count
  const byIndex = new Map<number, ShardFile>()
  for (const file of files) {
    const index = file.results.shard!.index
    const twice = byIndex.get(index)
    if (twice) {
      throw new RequestError(
        `shard ${index}/${count} is given twice: ${twice.source} and ${file.source}`
      )
    }
    byIndex.set(index, file)
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i))
  if (missing.length > 0) {
    throw new RequestError(
      `${missing.map((i) => `shard ${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; ` +
        `got ${files.map((f) => `${f.results.shard!.index}/${count} (${f.source})`).join(', ')}`
    )
  }

  const suite = files[0]!.results.shard!.suite
  const head = new Map<string, BenchmarkResult>()
  const base = new Map<string, BenchmarkResult>()
  const measuredBy = new Map<string, string>()
  for (const file of files) {
    for (const b of file.results.benchmarks) {
      const earlier = measuredBy.get(b.name)
      if (earlier) {
        throw new RequestError(
          `benchmark ${JSON.stringify(b.name)} was measured by two shards: ${earlier} and ${file.source}`
        )
      }
      measuredBy.set(b.name, file.source)
      head.set(b.name, b)
    }
    for (const b of file.results.base?.benchmarks ?? []) base.set(b.name, b)
  }
  const inSuite = (map: Map<string, BenchmarkResult>) =>
    suite.flatMap((name) => (map.has(name) ? [map.get(name)!] : []))
  const missingBenchmarks = [...new Set(files.flatMap((f) => f.results.incomplete?.missing ?? []))]
  const first = files[0]!.results
  const mergedBase: BaseResults | undefined = first.base
    ? { ...first.base, benchmarks: inSuite(base) }
    : undefined
  const { shard: _shard, comparison: _comparison, incomplete: _incomplete, ...common } = first
  const merged: Results = {
    ...common,
    benchmarks: inSuite(head),
    ...(mergedBase ? { base: mergedBase } : {}),
    merged: { shards: count },
    ...(missingBenchmarks.length > 0
      ? { incomplete: { total: suite.length, missing: missingBenchmarks } }
      : {})
  }
  // A paired shard may hold only benchmarks new on base (no pairs): ask every shard.
  const paired = files.some((f) => comparisonMode(f.results) === 'paired')
  return judge(merged, merged.base ? (paired ? 'paired' : 'unpaired') : undefined)
}
