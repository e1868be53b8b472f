/**
 * Measuring a run: head alone, or head against a base checkout side by side. Wires the
 * config, the base worktree, the trial runner and the schedulers together.
 */
import type { BenchmarkConfig, Config } from '../config/types.js'
import {
  mapToBase,
  prepareBaseCheckout,
  runSetup,
  SETUP_TIMEOUT_MS,
  type BaseCheckout
} from '../git/base-checkout.js'
import { readEnvironment } from '../results/environment.js'
import { configHash, definitionHash } from '../results/hash.js'
import type { BaseResults, BenchmarkResult, Environment } from '../results/types.js'
import { noiseFloorOf } from '../metrics.js'
import type { TrialRunner } from '../runners/types.js'
import { PairedSession, planLooks } from '../schedule/paired.js'
import { runBenchmark, runSuite } from '../schedule/suite.js'
import type { Random } from '../stats/random.js'
import { createPairedProgress, createProgress, type ProgressStream } from './progress.js'

/** What has been measured so far (after each benchmark). */
export interface MeasuredSoFar {
  readonly head: readonly BenchmarkResult[]
  readonly base?: BaseResults
}

export interface MeasureOptions {
  readonly runner: TrialRunner
  readonly stderr: ProgressStream
  readonly trials: number | undefined
  readonly setupHead: boolean
  readonly onBenchmark?: (soFar: MeasuredSoFar) => void
}

async function setupHead(config: Config, options: MeasureOptions): Promise<void> {
  if (!options.setupHead || !config.setup) return
  options.stderr.write(`head: running setup \`${config.setup}\`\n`)
  const left = await runSetup(config.setup, config.dir, SETUP_TIMEOUT_MS)
  if (left) options.stderr.write(`head: ${left}\n`)
}

/** Head only (no baseline, or a stored one). */
export async function measureHead(
  config: Config,
  selected: readonly BenchmarkConfig[],
  options: MeasureOptions
): Promise<BenchmarkResult[]> {
  await setupHead(config, options)
  return runSuite(selected, {
    runner: options.runner,
    progress: createProgress(options.stderr),
    trials: options.trials,
    definitionHash: (b) => definitionHash(b, config.dir),
    onResults: (head) => options.onBenchmark?.({ head })
  })
}

/** The base side of an A/B: the merge-base of a ref with HEAD, or one exact commit. */
export type BaseSpec =
  | { readonly kind: 'merge-base'; readonly ref: string }
  | { readonly kind: 'commit'; readonly commit: string }

/**
 * Same-runner A/B against a base checkout: every selected benchmark as interleaved pairs;
 * one the base cannot run (its file is missing there) is measured on head only and
 * reported as new. The worktree is removed before returning.
 */
export async function measureAgainstBase(
  config: Config,
  selected: readonly BenchmarkConfig[],
  spec: BaseSpec,
  options: MeasureOptions & {
    random: (benchmark: BenchmarkConfig) => Random
    lookCount: number
    /** Overrides compare.max-duration (the --max-duration flag). */
    maxDurationMs?: number
    /** Monotonic clock in ms (injected by tests). */
    now?: () => number
    /** Gated tests of the whole suite (Holm's family for early stops). */
    familySize: number
    /** Called once everything is measured, while the base worktree still exists (profiling). */
    beforeRemove?: (
      checkout: BaseCheckout,
      measured: { head: BenchmarkResult[]; base: BaseResults }
    ) => Promise<void>
  }
): Promise<{ head: BenchmarkResult[]; base: BaseResults }> {
  const log = (line: string) => void options.stderr.write(`${line}\n`)
  await setupHead(config, options)
  const checkout = await prepareBaseCheckout(
    config,
    spec.kind === 'merge-base' ? spec.ref : spec.commit,
    log,
    { mergeBase: spec.kind === 'merge-base' }
  )
  try {
    const head: BenchmarkResult[] = []
    const base: BenchmarkResult[] = []
    const progress = createPairedProgress(options.stderr, {
      test: config.compare.test,
      familySize: options.familySize
    })
    const hashHead = (b: BenchmarkConfig) => definitionHash(b, config.dir)
    const hashBase = (b: BenchmarkConfig) => definitionHash(b, checkout.configDir)
    // Read once (git and os calls), when the first results are handed out.
    let baseEnvironment: Environment | undefined
    const baseResults = (): BaseResults => ({
      source:
        spec.kind === 'commit' || spec.ref === checkout.commit
          ? `base commit ${checkout.commit.slice(0, 7)}`
          : `the merge-base with ${spec.ref} (${checkout.commit.slice(0, 7)})`,
      environment: (baseEnvironment ??= readEnvironment(checkout.configDir, configHash(config))),
      benchmarks: base,
      dependencies: checkout.dependencies
    })
    // Progress names the pairs per look this run makes (--trials overrides the config's).
    const asRun = (benchmark: BenchmarkConfig): BenchmarkConfig => ({
      ...benchmark,
      trials: options.trials ?? benchmark.trials
    })
    const sessionOf = (benchmark: BenchmarkConfig, onBase: BenchmarkConfig) =>
      new PairedSession(benchmark, onBase, {
        runner: options.runner,
        random: options.random(benchmark),
        lookSizes: planLooks(
          options.trials ?? benchmark.trials,
          config.compare.maxPairs,
          options.lookCount,
          // Counts alone (instructions) decide from one pair: a look may come after one.
          benchmark.compare.gate.every((metric) => noiseFloorOf(metric) !== undefined) ? 1 : 2
        ),
        maxTimeMs: config.compare.maxTimeMs,
        test: config.compare.test,
        futility: config.compare.futility,
        familySize: options.familySize,
        definitionHash: (b) => (b === benchmark ? hashHead(b) : hashBase(b)),
        progress,
        ...(options.now ? { now: options.now } : {})
      })
    const ended = (pair: { head: BenchmarkResult; base: BenchmarkResult }) => {
      progress.benchmarkEnd(pair.head, pair.base)
      head.push(pair.head)
      base.push(pair.base)
      options.onBenchmark?.({ head: [...head], base: { ...baseResults(), benchmarks: [...base] } })
    }
    const headOnly = async (benchmark: BenchmarkConfig, index: number, trials?: number) => {
      log(
        `[${index + 1}/${selected.length}] ${benchmark.name}: not in the base checkout, measuring head only`
      )
      head.push(
        await runBenchmark(benchmark, {
          runner: options.runner,
          trials: trials ?? options.trials,
          definitionHash: hashHead
        })
      )
      options.onBenchmark?.({ head: [...head], base: { ...baseResults(), benchmarks: [...base] } })
    }

    const maxDurationMs = options.maxDurationMs ?? config.compare.maxDurationMs
    if (maxDurationMs === undefined) {
      // One benchmark after another, each to its end.
      for (const [index, benchmark] of selected.entries()) {
        const onBase = mapToBase(benchmark, config.dir, checkout.configDir)
        if (!onBase) {
          await headOnly(benchmark, index)
          continue
        }
        progress.benchmarkStart(asRun(benchmark), index + 1, selected.length)
        const session = sessionOf(benchmark, onBase)
        try {
          while (await session.runToNextLook()) {
            // to the next planned look
          }
          ended(await session.finish())
        } finally {
          await session.release()
        }
      }
    } else {
      await withinBudget(maxDurationMs)
    }
    // Results in config order, however the budget scheduled them.
    const order = new Map(selected.map((b, i) => [b.name, i]))
    const byConfig = (a: BenchmarkResult, b: BenchmarkResult) =>
      order.get(a.name)! - order.get(b.name)!
    head.sort(byConfig)
    base.sort(byConfig)

    /**
     * A run-wide time budget: every benchmark runs to its first look, then the undecided
     * ones go on look by look, round after round, so pairs go where they still decide
     * something. At the deadline (checked before every trial) whatever is still running is
     * cut short and reported as such; benchmarks never reached get no pairs.
     */
    async function withinBudget(budgetMs: number) {
      const now = options.now ?? (() => performance.now())
      const deadline = now() + budgetMs
      log(`time budget: ${Math.round(budgetMs / 1000)} s for the whole A/B run`)
      const running: { session: PairedSession; benchmark: BenchmarkConfig; index: number }[] = []
      for (const [index, benchmark] of selected.entries()) {
        const onBase = mapToBase(benchmark, config.dir, checkout.configDir)
        if (!onBase) {
          await headOnly(benchmark, index, now() >= deadline ? 0 : undefined)
          continue
        }
        running.push({ session: sessionOf(benchmark, onBase), benchmark, index })
      }
      while (running.length > 0) {
        for (const entry of [...running]) {
          const { session, benchmark, index } = entry
          if (now() >= deadline) session.stopForBudget()
          else {
            progress.benchmarkStart(asRun(benchmark), index + 1, selected.length)
            await session.runToNextLook(deadline)
          }
          // A server kept across trials is not left running while other benchmarks measure.
          await session.release()
          if (session.isDone) {
            running.splice(running.indexOf(entry), 1)
            ended(await session.finish())
          }
        }
      }
    }
    const measured = { head, base: baseResults() }
    await options.beforeRemove?.(checkout, measured)
    return measured
  } finally {
    checkout.remove()
  }
}
