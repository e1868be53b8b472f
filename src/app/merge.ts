/**
 * `perfgate merge`: the results of a suite's shards, measured on several runners, become
 * one results file judged as one run — the union of benchmarks, one Holm family over every
 * gated test of the suite, one gate. Shards that do not belong together are refused with
 * the reason, never merged into a misleading verdict.
 */
import { printable } from '../config/errors.js'
import type {
  BaseResults,
  BenchmarkResult,
  Incomplete,
  JudgedResults,
  Results,
  ShardInfo
} from '../results/types.js'
import { comparisonMode, judge } from './judge.js'
import { RequestError } from './requests.js'

export interface ShardFile {
  /** The file's name, as shown in messages. */
  readonly source: string
  readonly results: Results
}

/**
 * The run the merged results will be published as (the action's merge job): every shard
 * must have measured this commit against this base, else artifacts of another commit
 * would pass for this one's.
 */
export interface MergeExpectation {
  readonly commit: string
  /** Where `commit` comes from, e.g. "GITHUB_SHA" or "the checked-out HEAD". */
  readonly commitSource: string
  /** The base commit, when known; null: the run has no base. Absent: not checked. */
  readonly base?: { readonly commit: string | null; readonly source: string }
}

const short = (sha: string | undefined | null) => (sha ? sha.slice(0, 7) : 'no commit')
/** Text from a shard file or its name, safe in a one-line message. */
const shown = (text: string) => printable(text)
const quoted = (name: string) => `"${printable(name)}"`

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
        `${shown(first.source)} and ${shown(other.source)} are shards of different runs: ` +
          `${what} ${show(fact(first.results))} and ${show(fact(other.results))}`
      )
    }
  }
}

/** The first name given twice, if any. */
function repeated(names: readonly string[]): string | undefined {
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) return name
    seen.add(name)
  }
  return undefined
}

/**
 * Checks what one shard file says about itself: a shard of a suite, its index within the
 * count, no benchmark twice, and only benchmarks of the suite (and of its own share,
 * when it records that). Refusals name the file and the field.
 */
function checkShardFile(file: ShardFile): ShardInfo {
  const info = file.results.shard
  const refuse = (field: string, problem: string): never => {
    throw new RequestError(`${shown(file.source)}: ${field}: ${problem}`)
  }
  if (!info) {
    throw new RequestError(
      `${shown(file.source)} is not a shard's results (expected a file written by run --shard i/n)`
    )
  }
  if (info.index > info.count) {
    refuse('shard.index', `expected at most shard.count (${info.count}), got ${info.index}`)
  }
  const twiceInSuite = repeated(info.suite)
  if (twiceInSuite !== undefined) {
    refuse('shard.suite', `expected each benchmark once, got ${quoted(twiceInSuite)} twice`)
  }
  const suite = new Set(info.suite)
  if (info.assigned) {
    const twice = repeated(info.assigned)
    if (twice !== undefined) {
      refuse('shard.assigned', `expected each benchmark once, got ${quoted(twice)} twice`)
    }
    const foreign = info.assigned.find((name) => !suite.has(name))
    if (foreign !== undefined) {
      refuse('shard.assigned', `expected benchmarks of shard.suite, got ${quoted(foreign)}`)
    }
  }
  const assigned = new Set(info.assigned ?? info.suite)
  file.results.benchmarks.forEach((b, i) => {
    if (!suite.has(b.name)) {
      refuse(`benchmarks[${i}].name`, `expected a benchmark of shard.suite, got ${quoted(b.name)}`)
    }
    if (!assigned.has(b.name)) {
      refuse(
        `benchmarks[${i}].name`,
        `${quoted(b.name)} was not given to shard ${info.index}/${info.count} (shard.assigned)`
      )
    }
  })
  const twice = repeated(file.results.benchmarks.map((b) => b.name))
  if (twice !== undefined) refuse('benchmarks', `${quoted(twice)} is measured twice`)
  return info
}

/** Refuses a shard measured at another commit, or against another base, than the run's. */
function checkExpected(file: ShardFile, expected: MergeExpectation): void {
  const commit = file.results.environment.git?.commit
  if (commit !== expected.commit) {
    throw new RequestError(
      `${shown(file.source)} measured commit ${short(commit)}, but this run is of ` +
        `${short(expected.commit)} (${expected.commitSource}): refusing results of another commit`
    )
  }
  if (!expected.base) return
  const base = file.results.base?.environment.git?.commit ?? null
  const hasBase = file.results.base !== undefined
  if (expected.base.commit === null ? hasBase : base !== expected.base.commit) {
    throw new RequestError(
      `${shown(file.source)} compared with base ${hasBase ? short(base) : 'none'}, but this run's ` +
        `base is ${expected.base.commit === null ? 'none' : short(expected.base.commit)} ` +
        `(${expected.base.source}): refusing results of another comparison`
    )
  }
}

/**
 * Where each benchmark of the suite was measured. A benchmark no shard holds makes the
 * merged run incomplete, with the shard that lost it when the shards say who had it.
 */
function accountFor(files: readonly ShardFile[], suite: readonly string[]): Incomplete | undefined {
  const measuredBy = new Map<string, string>()
  const givenTo = new Map<string, ShardFile>()
  for (const file of files) {
    for (const name of file.results.shard!.assigned ?? []) {
      const other = givenTo.get(name)
      if (other) {
        const { count } = file.results.shard!
        throw new RequestError(
          `${shown(other.source)} and ${shown(file.source)} disagree on the split: ` +
            `${quoted(name)} was given to shard ${other.results.shard!.index}/${count} and ${file.results.shard!.index}/${count}`
        )
      }
      givenTo.set(name, file)
    }
    for (const b of file.results.benchmarks) {
      const earlier = measuredBy.get(b.name)
      if (earlier) {
        throw new RequestError(
          `benchmark ${quoted(b.name)} was measured by two shards: ${shown(earlier)} and ${shown(file.source)}`
        )
      }
      measuredBy.set(b.name, file.source)
    }
  }
  const reasons = suite
    .filter((name) => !measuredBy.has(name))
    .map((benchmark) => {
      const owner =
        givenTo.get(benchmark) ??
        files.find((f) => f.results.incomplete?.missing.includes(benchmark))
      const shard = owner && `shard ${owner.results.shard!.index}/${owner.results.shard!.count}`
      const stopped = owner?.results.incomplete?.missing.includes(benchmark)
      return {
        benchmark,
        reason: !owner
          ? 'no shard file holds a result for it'
          : stopped
            ? `${shard} (${shown(owner.source)}) stopped before measuring it`
            : `${shard} (${shown(owner.source)}) was given it but holds no result for it`
      }
    })
  return reasons.length > 0
    ? { total: suite.length, missing: reasons.map((r) => r.benchmark), reasons }
    : undefined
}

/**
 * Merges shard results into one judged results file. Every benchmark of the suite is
 * accounted for: one that no shard measured leaves the merged run incomplete (exit 3),
 * never silently out of the gate. With `expected`, shards of another commit or base are
 * refused.
 */
export function mergeShards(
  files: readonly ShardFile[],
  expected?: MergeExpectation
): JudgedResults {
  if (files.length === 0) throw new RequestError('merge needs the results files of the shards')
  for (const file of files) {
    checkShardFile(file)
    if (expected) checkExpected(file, expected)
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
        `shard ${index}/${count} is given twice: ${shown(twice.source)} and ${shown(file.source)}`
      )
    }
    byIndex.set(index, file)
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i))
  if (missing.length > 0) {
    throw new RequestError(
      `${missing.map((i) => `shard ${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; ` +
        `got ${files.map((f) => `${f.results.shard!.index}/${count} (${shown(f.source)})`).join(', ')}`
    )
  }

  const suite = files[0]!.results.shard!.suite
  const incomplete = accountFor(files, suite)
  const head = new Map<string, BenchmarkResult>()
  const base = new Map<string, BenchmarkResult>()
  for (const file of files) {
    for (const b of file.results.benchmarks) head.set(b.name, b)
    for (const b of file.results.base?.benchmarks ?? []) base.set(b.name, b)
  }
  const inSuite = (map: Map<string, BenchmarkResult>) =>
    suite.flatMap((name) => (map.has(name) ? [map.get(name)!] : []))
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
    ...(incomplete ? { incomplete } : {})
  }
  // A paired shard may hold only benchmarks new on base (no pairs): ask every shard.
  const paired = files.some((f) => comparisonMode(f.results) === 'paired')
  return judge(merged, merged.base ? (paired ? 'paired' : 'unpaired') : undefined)
}
