/**
 * The run use case: measure the selected benchmarks (head alone, or head against a base
 * side by side), hand partial results out after each benchmark so an interrupted run keeps
 * what it measured, and return the judged results.
 */
import path from 'node:path'
import { DEFAULT_LOOKS } from '../config/defaults.js'
import type { BenchmarkConfig, Config } from '../config/types.js'
import type { ComparisonMode } from '../compare/types.js'
import { mapToBase, type BaseCheckout } from '../git/base-checkout.js'
import { readEnvironment } from '../results/environment.js'
import { configHash } from '../results/hash.js'
import {
  RESULTS_SCHEMA_VERSION,
  type BaseResults,
  type BenchmarkResult,
  type JudgedResults,
  type Results
} from '../results/types.js'
import type { TrialRunner } from '../runners/types.js'
import { createRandom } from '../stats/random.js'
import { VERSION } from '../version.js'
import { judge } from './judge.js'
import { measureAgainstBase, measureHead, type MeasuredSoFar } from './measure.js'
import {
  benchmarksToProfile,
  measuredPerUnit,
  profileBenchmarks,
  type BenchmarkProfile,
  type ProfileDependencies
} from './profile.js'
import type { ProgressStream } from './progress.js'
import { RequestError, type RunRequest } from './requests.js'
import { assignShards, benchmarkSeed, expectedDurationMs } from './shards.js'

export interface RunDependencies {
  /** Starts trials (the real one spawns processes; tests script it). */
  readonly runner: TrialRunner
  /** Progress and notes while measuring. */
  readonly log: ProgressStream
  /**
   * Called with valid, unjudged results after each benchmark (marked `incomplete` until
   * the last): the caller writes them, so Ctrl-C or a crash keeps what was measured.
   */
  readonly onPartial?: (partial: Results) => void
  /** Monotonic clock in ms for time limits (tests script it). */
  readonly now?: () => number
  /**
   * Profiles base and head after an A/B run is judged (per the config's or request's
   * `profile`), in extra trials the verdict never reads; what it found goes to onProfiles.
   * Absent: no profiling.
   */
  readonly profiler?: ProfileDependencies & {
    readonly onProfiles: (profiles: BenchmarkProfile[]) => void
  }
}

/** The benchmarks a request selects; a filter that matches none is a request error. */
function selectBenchmarks(config: Config, filter: RegExp | undefined): BenchmarkConfig[] {
  const selected = config.benchmarks.filter((b) => !filter || filter.test(b.name))
  if (selected.length === 0) {
    throw new RequestError(
      `--filter ${JSON.stringify(filter?.source)} matches no benchmark; names are: ` +
        config.benchmarks.map((b) => JSON.stringify(b.name)).join(', ')
    )
  }
  return selected
}

/** The config a request is judged by: its fail-on override applied. */
function effectiveConfig(request: RunRequest): Config {
  const { config, failOn } = request
  return failOn ? { ...config, compare: { ...config.compare, failOn } } : config
}

/** Measures and judges a run request. */
export async function runBenchmarks(
  request: RunRequest,
  deps: RunDependencies
): Promise<JudgedResults> {
  const config = effectiveConfig(request)
  const suite = selectBenchmarks(config, request.filter)
  // Early stops are planned for Holm over the whole suite, also when a shard runs part of it.
  const familySize = suite.reduce((sum, b) => sum + b.compare.gate.length, 0)
  const stored = request.baseline.kind === 'stored' ? request.baseline.results : undefined
  const selected = request.shard
    ? assignShards(suite, request.shard.count, (b) => expectedDurationMs(b, stored))[
        request.shard.index - 1
      ]!
    : suite
  if (request.shard) {
    deps.log.write(
      `shard ${request.shard.index}/${request.shard.count}: ${selected.length} of ${suite.length} benchmarks` +
        (selected.length > 0 ? ` (${selected.map((b) => b.name).join(', ')})` : '') +
        '\n'
    )
  }
  const started: Omit<Results, 'benchmarks'> = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    createdAt: new Date().toISOString(),
    seed: request.seed,
    environment: readEnvironment(config.dir, configHash(config)),
    compare: config.compare,
    ...(request.shard
      ? {
          shard: {
            ...request.shard,
            suite: suite.map((b) => b.name),
            familySize,
            assigned: selected.map((b) => b.name)
          }
        }
      : {})
  }
  const assemble = (head: readonly BenchmarkResult[], base: BaseResults | undefined): Results => ({
    ...started,
    benchmarks: head,
    ...(base ? { base } : {})
  })
  const partial = (soFar: MeasuredSoFar) => {
    if (!deps.onPartial) return
    const done = new Set(soFar.head.map((b) => b.name))
    const missing = selected.filter((b) => !done.has(b.name)).map((b) => b.name)
    deps.onPartial({
      ...assemble(soFar.head, soFar.base),
      ...(missing.length > 0 ? { incomplete: { total: selected.length, missing } } : {})
    })
  }
  const measure = {
    runner: deps.runner,
    stderr: deps.log,
    trials: request.trials,
    setupHead: request.setupHead,
    onBenchmark: partial
  }

  const profileMode = request.profile ?? config.profile ?? 'on-regression'
  const profiler = profileMode === 'never' ? undefined : deps.profiler
  /** Judges what was measured and profiles what the mode asks for, before the worktree goes. */
  const profileJudged = async (
    checkout: BaseCheckout,
    measured: { head: BenchmarkResult[]; base: BaseResults }
  ) => {
    if (!profiler) return
    const names = benchmarksToProfile(
      judge(assemble(measured.head, measured.base), 'paired'),
      profileMode
    )
    if (names.length === 0) return
    const pairs = selected.flatMap((head) => {
      const base = mapToBase(head, config.dir, checkout.configDir)
      return base ? [{ head, base }] : []
    })
    const headRoot = path.resolve(config.dir, path.relative(checkout.configDir, checkout.root))
    const perUnit = new Map(
      names.map((name) => {
        const of = (list: readonly BenchmarkResult[]) => list.find((b) => b.name === name)
        return [name, measuredPerUnit(of(measured.head), of(measured.base.benchmarks))]
      })
    )
    try {
      profiler.onProfiles(
        await profileBenchmarks(
          names,
          { pairs, headRoot, baseRoot: checkout.root, measured: perUnit },
          profiler
        )
      )
    } catch (error) {
      deps.log.write(`profiling failed: ${(error as Error).message}\n`)
    }
  }

  const baseline = request.baseline
  let mode: ComparisonMode | undefined
  let results: Results
  if (baseline.kind === 'merge-base' || baseline.kind === 'commit') {
    const measured = await measureAgainstBase(config, selected, baseline, {
      ...measure,
      // Per benchmark, so its pair order is the same whichever shard measures it.
      random: (b) => createRandom(benchmarkSeed(request.seed, b.name)),
      lookCount: DEFAULT_LOOKS,
      familySize,
      ...(profiler ? { beforeRemove: profileJudged } : {}),
      ...(request.maxDurationMs !== undefined ? { maxDurationMs: request.maxDurationMs } : {}),
      ...(deps.now ? { now: deps.now } : {})
    })
    mode = 'paired'
    results = assemble(measured.head, measured.base)
  } else {
    const head = await measureHead(config, selected, measure)
    if (baseline.kind === 'stored') {
      mode = 'unpaired'
      results = assemble(head, {
        source: baseline.source,
        environment: baseline.results.environment,
        benchmarks: baseline.results.benchmarks
      })
    } else {
      results = assemble(head, undefined)
    }
  }
  return judge(results, mode)
}

/** `perfgate compare`: head's results against a base's, both read from files. */
export function compareStored(base: Results, head: Results, baseSource: string): JudgedResults {
  return judge(
    {
      ...head,
      base: { source: baseSource, environment: base.environment, benchmarks: base.benchmarks }
    },
    'unpaired'
  )
}
