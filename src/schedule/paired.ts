/**
 * Same-runner A/B for one benchmark: base and head trials in pairs, the order inside each
 * pair randomized from the seed (randomized multiple interleaved trials, Abedi & Brecht,
 * ICPE 2017), so drift on a shared runner hits both sides alike. Sampling is adaptive:
 * at each planned look (every `trials` pairs) it stops once every gated metric is decided,
 * and always at the last look or the time cap.
 */
import type { BenchmarkConfig, CompareSettings, PairedTest } from '../config/types.js'
import type { StopReason } from '../compare/types.js'
import type { MetricName } from '../metrics.js'
import type { BenchmarkResult, TrialResult } from '../results/types.js'
import { summarizeTrials } from '../results/summary.js'
import type { TrialOutcome, TrialRunner } from '../runners/types.js'
import type { Random } from '../stats/random.js'
import { decidedAtLook } from '../stats/sequential.js'
import { settingsOf } from './suite.js'

export type Side = 'base' | 'head'

/** Progress of an A/B run; the CLI renders it. */
export interface PairedProgressListener {
  benchmarkStart(benchmark: BenchmarkConfig, position: number, total: number): void
  trialEnd(
    benchmark: BenchmarkConfig,
    side: Side,
    pair: number,
    maxPairs: number,
    outcome: TrialOutcome
  ): void
  look(benchmark: BenchmarkConfig, pairs: number, decided: boolean): void
  benchmarkEnd(head: BenchmarkResult, base: BenchmarkResult): void
}

export interface PairedOptions {
  readonly runner: TrialRunner
  readonly random: Random
  /** Pair counts of the planned looks, e.g. [10, 20, 30]. */
  readonly lookSizes: readonly number[]
  readonly maxTimeMs: number
  readonly test: PairedTest
  /** Gated tests in the whole run (Holm's family): early stops must survive its adjustment. */
  readonly familySize: number
  readonly definitionHash: (benchmark: BenchmarkConfig) => string
  readonly progress?: PairedProgressListener
  /** Monotonic clock in ms (injected by tests). */
  readonly now?: () => number
}

/** Look sizes: every `trials` pairs up to maxPairs (default three looks), e.g. 10/20/30. */
export function planLooks(
  trials: number,
  maxPairs: number | undefined,
  defaultLooks: number
): number[] {
  const step = Math.max(2, trials)
  const max = Math.max(step, maxPairs ?? step * defaultLooks)
  const sizes: number[] = []
  for (let size = step; size < max; size += step) sizes.push(size)
  sizes.push(max)
  return sizes
}

/** At a planned look: true when every gated metric is decided (see decidedAtLook). */
function isDecided(
  base: readonly TrialResult[],
  head: readonly TrialResult[],
  settings: CompareSettings,
  options: PairedOptions
): boolean {
  const rule = {
    alpha: settings.alpha,
    threshold: settings.threshold,
    test: options.test,
    plannedLooks: options.lookSizes.length,
    familySize: options.familySize
  }
  const valuesOf = (trials: readonly TrialResult[], metric: MetricName) =>
    trials.map((t) => t.metrics[metric] ?? NaN)
  return settings.gate.every((metric) =>
    decidedAtLook(valuesOf(base, metric), valuesOf(head, metric), rule)
  )
}

function resultOf(
  benchmark: BenchmarkConfig,
  trials: TrialResult[],
  definitionHash: string,
  failure: { message: string; detail: string | undefined; trial: number } | undefined
): BenchmarkResult {
  const base = {
    name: benchmark.name,
    kind: benchmark.kind,
    definitionHash,
    settings: settingsOf(benchmark),
    trials,
    summary: summarizeTrials(trials)
  }
  if (!failure) return { ...base, state: 'ok' }
  return {
    ...base,
    state: 'errored',
    error: {
      message: failure.message,
      ...(failure.detail ? { detail: failure.detail } : {}),
      trial: failure.trial
    }
  }
}

/**
 * Runs one benchmark as interleaved pairs. `head` and `base` are the same benchmark as
 * configured for each checkout (paths point into each side's tree).
 */
export async function runPairedBenchmark(
  head: BenchmarkConfig,
  base: BenchmarkConfig,
  options: PairedOptions
): Promise<{ head: BenchmarkResult; base: BenchmarkResult }> {
  try {
    return await measurePairs(head, base, options)
  } finally {
    await options.runner.release?.(head)
    await options.runner.release?.(base)
  }
}

async function measurePairs(
  head: BenchmarkConfig,
  base: BenchmarkConfig,
  options: PairedOptions
): Promise<{ head: BenchmarkResult; base: BenchmarkResult }> {
  const now = options.now ?? (() => performance.now())
  const started = now()
  const maxPairs = options.lookSizes[options.lookSizes.length - 1]!
  const trials: Record<Side, TrialResult[]> = { base: [], head: [] }
  const failures: Partial<
    Record<Side, { message: string; detail: string | undefined; trial: number }>
  > = {}
  const firstInPair: Side[] = []
  let stopReason: StopReason = 'max-pairs'

  pairs: for (let pair = 0; pair < maxPairs; pair++) {
    const order: Side[] = options.random.next() < 0.5 ? ['base', 'head'] : ['head', 'base']
    firstInPair.push(order[0]!)
    for (const side of order) {
      const config = side === 'head' ? head : base
      const outcome = await options.runner.runTrial(config, pair)
      options.progress?.trialEnd(head, side, pair, maxPairs, outcome)
      if (!outcome.ok) {
        failures[side] = { message: outcome.message, detail: outcome.stderrTail, trial: pair }
        stopReason = 'errored'
        break pairs
      }
      trials[side].push({
        metrics: outcome.metrics,
        durationMs: outcome.durationMs,
        details: outcome.details
      })
    }
    const done = pair + 1
    if (options.lookSizes.includes(done) && done < maxPairs) {
      const decided = isDecided(trials.base, trials.head, head.compare, options)
      options.progress?.look(head, done, decided)
      if (decided) {
        stopReason = 'decided'
        break
      }
    }
    if (now() - started > options.maxTimeMs && done < maxPairs) {
      stopReason = 'max-time'
      break
    }
  }

  if (failures.base && !failures.head) {
    // The base cannot run this benchmark (e.g. an endpoint the PR adds): measure head on
    // its own, as many trials as a first look, so it is reported as new with its budgets.
    const wanted = options.lookSizes[0]!
    for (let trial = trials.head.length; trial < wanted; trial++) {
      const outcome = await options.runner.runTrial(head, trial)
      options.progress?.trialEnd(head, 'head', trial, wanted, outcome)
      if (!outcome.ok) {
        failures.head = { message: outcome.message, detail: outcome.stderrTail, trial }
        break
      }
      trials.head.push({
        metrics: outcome.metrics,
        durationMs: outcome.durationMs,
        details: outcome.details
      })
    }
    return {
      head: resultOf(head, trials.head, options.definitionHash(head), failures.head),
      base: resultOf(base, trials.base, options.definitionHash(base), failures.base)
    }
  }

  // A pair is complete only with both sides: drop a lone trial of an interrupted pair.
  const pairs = Math.min(trials.base.length, trials.head.length)
  trials.base.length = pairs
  trials.head.length = pairs
  const headResult = resultOf(head, trials.head, options.definitionHash(head), failures.head)
  return {
    head: {
      ...headResult,
      paired: {
        pairs,
        lookSizes: options.lookSizes,
        stopReason,
        firstInPair: firstInPair.slice(0, pairs)
      }
    },
    base: resultOf(base, trials.base, options.definitionHash(base), failures.base)
  }
}
