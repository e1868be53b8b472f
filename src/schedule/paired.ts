/**
 * Same-runner A/B for one benchmark: base and head trials in pairs, the order inside each
 * pair randomized from the seed (randomized multiple interleaved trials, Abedi & Brecht,
 * ICPE 2017), so drift on a shared runner hits both sides alike. Sampling is adaptive:
 * at each planned look (every `trials` pairs) it stops once every gated metric is decided
 * (or, with `futility`, once the undecided ones are too unlikely to be decided by the last
 * look), and always at the last look or the time cap.
 */
import type { BenchmarkConfig, CompareSettings, PairedTest } from '../config/types.js'
import type { StopReason } from '../compare/types.js'
import { metricLookRule, metricPairs } from '../compare/compare.js'
import type { BenchmarkResult, TrialResult } from '../results/types.js'
import { summarizeTrials } from '../results/summary.js'
import type { Side, TrialOutcome, TrialRunner } from '../runners/types.js'
import type { Random } from '../stats/random.js'
import { chanceToDecide, decidedAtLook } from '../stats/sequential.js'
import { settingsOf } from './suite.js'

export type { Side }

/**
 * What a planned look found: every gated metric decided; or each either decided or futile
 * (too unlikely to be decided by the last look, see PairedOptions.futility); or still open.
 */
export type LookState = 'decided' | 'futile' | 'open'

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
  look(benchmark: BenchmarkConfig, pairs: number, state: LookState): void
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
  /**
   * Stop an undecided benchmark at a look when, for each metric not yet decided, the chance
   * that the last look decides it ({@link chanceToDecide}) is below this. It ends
   * inconclusive sooner, judged like any stop on the pairs taken (the sequential p stays
   * valid however sampling stops, so false alarms stay bounded by alpha).
   * 0 or absent: never (every look up to the last is taken).
   */
  readonly futility?: number
  readonly definitionHash: (benchmark: BenchmarkConfig) => string
  readonly progress?: PairedProgressListener
  /** Monotonic clock in ms (injected by tests). */
  readonly now?: () => number
}

/** Look sizes: every `trials` pairs up to maxPairs (default three looks), e.g. 10/20/30. */
export function planLooks(
  trials: number,
  maxPairs: number | undefined,
  defaultLooks: number,
  leastPairs = 2
): number[] {
  const step = Math.max(leastPairs, trials)
  const max = Math.max(step, maxPairs ?? step * defaultLooks)
  const sizes: number[] = []
  for (let size = step; size < max; size += step) sizes.push(size)
  sizes.push(max)
  return sizes
}

/** At a planned look before the last: decided, futile or open (see LookState). */
function lookState(
  base: readonly TrialResult[],
  head: readonly TrialResult[],
  settings: CompareSettings,
  options: PairedOptions
): LookState {
  const capPairs = options.lookSizes[options.lookSizes.length - 1]!
  const futility = options.futility ?? 0
  let state: LookState = 'decided'
  for (const metric of settings.gate) {
    const rule = metricLookRule(settings, metric, {
      test: options.test,
      plannedLooks: options.lookSizes.length,
      familySize: options.familySize
    })
    const { b, h } = metricPairs(base, head, metric)
    if (decidedAtLook(b, h, rule)) continue
    // NaN (no chance can be told) is never futile.
    if (futility <= 0 || !(chanceToDecide(b, h, rule, capPairs) < futility)) return 'open'
    state = 'futile'
  }
  return state
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
  const session = new PairedSession(head, base, options)
  try {
    while (await session.runToNextLook()) {
      // each call runs the pairs up to the next planned look
    }
    return await session.finish()
  } finally {
    await session.release()
  }
}

/**
 * One benchmark's A/B, run look by look: a scheduler can interleave benchmarks (run every
 * benchmark to its first look, then the undecided ones further) and stop them all at a
 * deadline. Pair order and stopping rules are those of runPairedBenchmark.
 */
export class PairedSession {
  readonly #head: BenchmarkConfig
  readonly #base: BenchmarkConfig
  readonly #options: PairedOptions
  readonly #now: () => number
  readonly #started: number
  readonly #maxPairs: number
  readonly #trials: Record<Side, TrialResult[]> = { base: [], head: [] }
  readonly #failures: Partial<
    Record<Side, { message: string; detail: string | undefined; trial: number }>
  > = {}
  readonly #firstInPair: Side[] = []
  #stopReason: StopReason = 'max-pairs'
  #pair = 0
  #done = false

  constructor(head: BenchmarkConfig, base: BenchmarkConfig, options: PairedOptions) {
    this.#head = head
    this.#base = base
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    this.#started = this.#now()
    this.#maxPairs = options.lookSizes[options.lookSizes.length - 1]!
  }

  get name(): string {
    return this.#head.name
  }

  /** Pairs complete so far. */
  get pairs(): number {
    return Math.min(this.#trials.base.length, this.#trials.head.length)
  }

  get isDone(): boolean {
    return this.#done
  }

  /**
   * Runs pairs up to the next planned look and takes it. Returns whether the benchmark
   * goes on (false once decided, errored, at the last look, the time cap or `deadline`,
   * a time on the `now` clock checked before every trial).
   */
  async runToNextLook(deadline?: number): Promise<boolean> {
    if (this.#done) return false
    const options = this.#options
    while (this.#pair < this.#maxPairs) {
      const pair = this.#pair
      const order: Side[] = options.random.next() < 0.5 ? ['base', 'head'] : ['head', 'base']
      this.#firstInPair.push(order[0]!)
      if (deadline !== undefined && this.#now() >= deadline) return this.#stop('time-budget')
      // A runner that measures both sides together (interleaved HTTP) does the pair at once.
      const both = await options.runner.runPair?.(
        { base: this.#base, head: this.#head },
        order[0]!,
        pair
      )
      for (const side of order) {
        if (!both && deadline !== undefined && this.#now() >= deadline) {
          return this.#stop('time-budget')
        }
        const config = side === 'head' ? this.#head : this.#base
        const outcome = both ? both[side] : await options.runner.runTrial(config, pair)
        options.progress?.trialEnd(this.#head, side, pair, this.#maxPairs, outcome)
        if (!outcome.ok) {
          this.#failures[side] = {
            message: outcome.message,
            detail: outcome.stderrTail,
            trial: pair
          }
          return this.#stop('errored')
        }
        this.#trials[side].push({
          metrics: outcome.metrics,
          durationMs: outcome.durationMs,
          details: outcome.details
        })
      }
      const done = (this.#pair = pair + 1)
      const atLook = options.lookSizes.includes(done) && done < this.#maxPairs
      if (atLook) {
        const state = lookState(this.#trials.base, this.#trials.head, this.#head.compare, options)
        options.progress?.look(this.#head, done, state)
        if (state !== 'open') return this.#stop(state)
      }
      if (this.#now() - this.#started > options.maxTimeMs && done < this.#maxPairs) {
        return this.#stop('max-time')
      }
      if (atLook) return true
    }
    return this.#stop('max-pairs')
  }

  /** Stops before the next look (the run's time budget is spent). */
  stopForBudget(): void {
    if (!this.#done) this.#stop('time-budget')
  }

  #stop(reason: StopReason): false {
    this.#stopReason = reason
    this.#done = true
    return false
  }

  /** Stops whatever the runner keeps across trials (a server kept with restart: once). */
  async release(): Promise<void> {
    await this.#options.runner.release?.(this.#head)
    await this.#options.runner.release?.(this.#base)
  }

  /** The two sides' results (the session must be done). */
  async finish(): Promise<{ head: BenchmarkResult; base: BenchmarkResult }> {
    const { head, base } = { head: this.#head, base: this.#base }
    const options = this.#options
    const trials = this.#trials
    const failures = this.#failures
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
    const pairs = this.pairs
    trials.base.length = pairs
    trials.head.length = pairs
    const headResult = resultOf(head, trials.head, options.definitionHash(head), failures.head)
    return {
      head: {
        ...headResult,
        paired: {
          pairs,
          lookSizes: options.lookSizes,
          stopReason: this.#stopReason,
          firstInPair: this.#firstInPair.slice(0, pairs)
        }
      },
      base: resultOf(base, trials.base, options.definitionHash(base), failures.base)
    }
  }
}
