/**
 * Confirming a step of main's history on one runner: the change-point search over stored
 * commits (each measured at another time, often on another machine) names candidate steps;
 * the commit it names is off by a stored commit or two in some series (its location error),
 * so each is re-measured as ONE paired A/B across a window: the stored commit two after the
 * named commit against the stored commit two before the named commit's predecessor
 * (confirmationWindow), for that benchmark only, with the machinery of `run --base` and bisect (both
 * commits checked out in worktrees outside the user's tree, randomized pairs with planned
 * looks, removed after, also on failure). The pairs share the runner's moment, so a runner
 * that was slower for a while cannot confirm a step (docs/how-it-decides.md, "History").
 *
 * The working tree's config decides what is measured, its paths mapped into each checkout.
 * A confirmation that cannot be measured (no parent, the benchmark missing in a commit or
 * failing) is recorded with the reason, so it is not tried on every push.
 */
import { DEFAULT_LOOKS } from '../config/defaults.js'
import type { BenchmarkConfig, Config } from '../config/types.js'
import { compareResults } from '../compare/compare.js'
import { mapToBase, prepareBaseCheckout, type BaseCheckout } from '../git/base-checkout.js'
import { gitSync } from '../git/run.js'
import {
  comparedCommits,
  confirmationPath,
  confirmationVerdict,
  type ConfirmationMetric,
  type StepConfirmation,
  type StepLocation
} from '../history/confirmation.js'
import type { HistoryChangePoint, HistoryEntry, HistoryReport, Series } from '../history/series.js'
import type { MetricName } from '../metrics.js'
import { definitionHash } from '../results/hash.js'
import type { TrialRunner } from '../runners/types.js'
import { terminalName } from '../process/text.js'
import { planLooks, runPairedBenchmark } from '../schedule/paired.js'
import { createRandom } from '../stats/random.js'
import { bisectRegression } from './bisect.js'
import { benchmarkSeed } from './shards.js'

/** A step to re-measure: one benchmark at one commit, the metrics that stepped there. */
export interface StepToConfirm {
  readonly benchmark: string
  /** Full sha of the step's first commit as the change-point search named it. */
  readonly commit: string
  readonly metrics: readonly MetricName[]
  /**
   * The stored commits the A/B compares (base older than head, the step's commit after
   * base and at or before head). Default: the commit against its first parent.
   */
  readonly base?: string
  readonly head?: string
}

/**
 * Stored commits on each side of a named step that the confirmation's window spans: the
 * change-point search places a real +5 % step one stored commit off in 18 % of series at a
 * 2 % run-to-run spread, two off in 4 %, three or more off in under 3 %
 * (docs/PERFORMANCE.md, "Change points on main"; bench/changepoints.ts).
 */
export const CONFIRMATION_WINDOW = 2

/**
 * The window of the step named at `index` of a series of `length` stored commits (oldest
 * first), as indices: base `reach` stored commits before the named commit's predecessor
 * (the step may lie that early), head `reach` stored commits after the named one (the step
 * may lie that late), each clamped to the series. A real step at any commit in (base, head]
 * is in the pairs' ratio; the runner's drift between stored runs is not, as both sides
 * are measured at one moment on one runner. `reach` (stored commits each side) is for the
 * simulation that chose it.
 */
export function confirmationWindow(
  index: number,
  length: number,
  reach = CONFIRMATION_WINDOW
): { readonly base: number; readonly head: number } {
  if (!Number.isInteger(index) || index < 1 || index >= length) {
    throw new RangeError(`a step's index must be in 1..${length - 1}, got ${index}`)
  }
  return {
    base: Math.max(0, index - 1 - reach),
    head: Math.min(length - 1, index + reach)
  }
}

export interface ConfirmDependencies {
  readonly runner: TrialRunner
  /** Progress lines. */
  readonly log: (line: string) => void
  /** Monotonic clock in ms (tests script it). */
  readonly now?: () => number
  /** Wall clock of the record's `at` (tests fix it). */
  readonly date?: () => Date
}

/**
 * The stored commits of the series a step was found in (oldest first: the points the
 * search saw, without commits where the benchmark failed or was absent), else `order`.
 */
function commitsOfSeries(
  series: readonly Series[] | undefined,
  point: HistoryChangePoint,
  order: readonly string[]
): readonly string[] {
  const own = series?.find((s) => s.benchmark === point.benchmark && s.metric === point.metric)
  return own ? own.points.map((p) => p.commit) : order
}

/**
 * The candidates worth a paired re-measure, at most `limit`, each with its window's base
 * and head among the stored commits of its series (or of `order`). The budget goes first
 * to steps found on both the raw and the relative series (a real step of one benchmark
 * under drift; a relative-only one may be another benchmark's step mirrored), then to the
 * larger step (the largest of its metrics), then to the newest commit.
 */
export function stepsToConfirm(
  changePoints: readonly HistoryChangePoint[],
  options: {
    /** Only steps at these commits (the push's newest stored ones). Default: any. */
    readonly commits?: ReadonlySet<string>
    /** Order of the commits, oldest first (to take the newest first). */
    readonly order: readonly string[]
    readonly limit: number
    /** The series searched: a step's window is taken among its own series' commits. */
    readonly series?: readonly Series[]
  }
): StepToConfirm[] {
  const byKey = new Map<string, StepToConfirm & { metrics: MetricName[] }>()
  const priority = new Map<string, { both: boolean; size: number }>()
  const rank = new Map(options.order.map((commit, index) => [commit, index]))
  for (const point of changePoints) {
    if (point.status !== 'candidate' || !point.gated) continue
    if (point.confirmed !== null) continue // measured before; could not be: not retried
    if (options.commits && !options.commits.has(point.commit)) continue
    const key = confirmationPath(point.commit, point.benchmark)
    const seen = priority.get(key)
    const size = Math.abs(Math.log(point.ratio))
    priority.set(key, {
      both: (seen?.both ?? false) || point.foundOn === 'both',
      size: Math.max(seen?.size ?? 0, size)
    })
    const step = byKey.get(key)
    if (step) {
      step.metrics.push(point.metric)
      continue
    }
    const commits = commitsOfSeries(options.series, point, options.order)
    const index = commits.indexOf(point.commit)
    const window = index > 0 ? confirmationWindow(index, commits.length) : null
    byKey.set(key, {
      benchmark: point.benchmark,
      commit: point.commit,
      metrics: [point.metric],
      ...(window ? { base: commits[window.base]!, head: commits[window.head]! } : {})
    })
  }
  const first = (a: StepToConfirm, b: StepToConfirm) => {
    const [pa, pb] = [a, b].map((s) => priority.get(confirmationPath(s.commit, s.benchmark))!)
    if (pa!.both !== pb!.both) return pa!.both ? -1 : 1
    if (pa!.size !== pb!.size) return pb!.size - pa!.size
    return (rank.get(b.commit) ?? -1) - (rank.get(a.commit) ?? -1)
  }
  return [...byKey.values()].sort(first).slice(0, options.limit)
}

/** The benchmark as the A/B measures it: the step's metrics gated, its own threshold. */
function tuned(benchmark: BenchmarkConfig, metrics: readonly MetricName[]): BenchmarkConfig {
  const gate = [...new Set([...metrics, ...benchmark.compare.gate])]
  return { ...benchmark, compare: { ...benchmark.compare, gate } }
}

/**
 * Re-measures `step` as a paired A/B of its window's head against its base (default the
 * commit against its first parent; the base must be an ancestor of the head), within
 * `maxTimeMs` (default the config's compare.max-time). Never throws for a failed
 * measurement: the record says why (`error`) and has no metrics.
 */
export async function confirmStep(
  config: Config,
  step: StepToConfirm,
  deps: ConfirmDependencies,
  options: { readonly maxTimeMs?: number; readonly seed?: number } = {}
): Promise<StepConfirmation> {
  const short = step.commit.slice(0, 7)
  const name = terminalName(step.benchmark) // untrusted text on a terminal or a log
  const parentOf = gitSync(config.dir, ['rev-parse', '--verify', '--quiet', `${step.commit}^1`])
  const parent = parentOf.ok ? parentOf.out : step.commit
  const sides = { base: step.base ?? parent, head: step.head ?? step.commit }
  const at = (deps.date ?? (() => new Date()))().toISOString()
  const base = {
    schemaVersion: 1 as const,
    benchmark: step.benchmark,
    commit: step.commit,
    parent,
    ...sides,
    at
  }
  const benchmark = config.benchmarks.find((b) => b.name === step.benchmark)
  const failed = (error: string): StepConfirmation => {
    deps.log(`confirm ${name} at ${short}: could not be measured: ${error}`)
    return { ...base, pairs: 0, alpha: benchmark?.compare.alpha ?? 0.05, metrics: [], error }
  }
  if (!parentOf.ok) return failed(`commit ${short} has no parent in this repository`)
  if (!benchmark) return failed(`no benchmark of that name in ${config.file}`)
  const [from, to] = [sides.base.slice(0, 7), sides.head.slice(0, 7)]
  if (!isWindow(config.dir, sides.base, step.commit, sides.head)) {
    return failed(`commit ${short} is not after ${from} and at or before ${to} on this history`)
  }
  deps.log(`confirm ${name} at ${short}: paired A/B of ${to} against ${from} (the step between)`)
  const checkouts: BaseCheckout[] = []
  try {
    const measured: BenchmarkConfig[] = []
    for (const [commit, label] of [
      [sides.head, `head ${to}`],
      [sides.base, `base ${from}`]
    ] as const) {
      const checkout = await prepareBaseCheckout(config, commit, deps.log, {
        mergeBase: false,
        label
      })
      checkouts.push(checkout)
      const mapped = mapToBase(benchmark, config.dir, checkout.configDir)
      if (!mapped) return failed(`the benchmark's files are not in commit ${commit.slice(0, 7)}`)
      measured.push(tuned(mapped, step.metrics))
    }
    const [atCommit, atParent] = measured as [BenchmarkConfig, BenchmarkConfig]
    const dirOf = new Map([
      [atCommit, checkouts[0]!.configDir],
      [atParent, checkouts[1]!.configDir]
    ])
    const pair = await runPairedBenchmark(atCommit, atParent, {
      runner: deps.runner,
      random: createRandom(benchmarkSeed(options.seed ?? 1, `${benchmark.name}@${step.commit}`)),
      lookSizes: planLooks(benchmark.trials, config.compare.maxPairs, DEFAULT_LOOKS),
      maxTimeMs: options.maxTimeMs ?? config.compare.maxTimeMs,
      test: config.compare.test,
      familySize: 1,
      definitionHash: (b) => definitionHash(b, dirOf.get(b) ?? config.dir),
      ...(deps.now ? { now: deps.now } : {})
    })
    const compared = compareResults({
      mode: 'paired',
      head: [pair.head],
      base: [pair.base],
      compare: config.compare
    }).benchmarks[0]!
    if (compared.status !== 'compared') {
      return failed(compared.error?.message ?? `no comparison (${compared.status})`)
    }
    const metrics: ConfirmationMetric[] = compared.metrics
      .filter((m) => step.metrics.includes(m.metric) && Number.isFinite(m.ratio))
      .map((m) => ({
        metric: m.metric,
        ratio: m.ratio,
        low: m.ciLow,
        high: m.ciHigh,
        p: m.p,
        threshold: m.threshold
      }))
    for (const m of metrics) {
      deps.log(
        `confirm ${name} at ${short}: ${to} against ${from} ${m.metric} ×${m.ratio.toFixed(3)} ` +
          `[${m.low.toFixed(3)}, ${m.high.toFixed(3)}] p ${m.p.toPrecision(2)} over ${compared.nHead} pairs`
      )
    }
    return { ...base, pairs: compared.nHead, alpha: benchmark.compare.alpha, metrics }
  } catch (error) {
    return failed((error as Error).message)
  } finally {
    for (const checkout of checkouts) checkout.remove()
  }
}

/** Whether `base` is a strict ancestor of `commit`, itself an ancestor of (or) `head`. */
function isWindow(dir: string, base: string, commit: string, head: string): boolean {
  const ancestor = (a: string, b: string) =>
    a === b || gitSync(dir, ['merge-base', '--is-ancestor', a, b]).ok
  return base !== commit && ancestor(base, commit) && ancestor(commit, head)
}

/**
 * Where in its window a confirmed step lies (`record.located`): the window's first-parent
 * commits bisected with `perfgate bisect`'s machinery (each probe a paired A/B against the
 * window's base, alpha split over the planned probes), starting from the window's own A/B
 * (not measured again) and counting a move the way it moved, on the confirmed metric with
 * the largest change. A window of one commit is that commit. At most ⌈log2 n⌉ more A/Bs,
 * only for a step the pairs confirmed (a real change, rare), within `budgetMs`. A record
 * with nothing confirmed is returned as it is.
 */
export async function locateStep(
  config: Config,
  record: StepConfirmation,
  deps: ConfirmDependencies,
  options: { readonly budgetMs: number; readonly seed?: number }
): Promise<StepConfirmation> {
  const confirmed = record.metrics.filter(
    (m) => confirmationVerdict(record, m.metric, m.ratio).verdict === 'confirmed'
  )
  if (confirmed.length === 0) return record
  const strongest = confirmed.reduce((a, b) =>
    Math.abs(Math.log(b.ratio)) > Math.abs(Math.log(a.ratio)) ? b : a
  )
  const located = (location: StepLocation): StepConfirmation => ({ ...record, located: location })
  const { base, head } = comparedCommits(record)
  const count = gitSync(config.dir, ['rev-list', '--first-parent', '--count', `${base}..${head}`])
  if (count.ok && count.out === '1') return located({ commit: head, probes: 0 })
  if (options.budgetMs <= 0) {
    return located({ probes: 0, reason: 'no time was left to locate it in its window' })
  }
  const name = terminalName(record.benchmark)
  deps.log(`locate ${name}: bisecting ${betweenShort(base, head)} on ${strongest.metric}`)
  try {
    const outcome = await bisectRegression(
      {
        config,
        good: base,
        bad: head,
        benchmark: record.benchmark,
        metric: strongest.metric,
        seed: options.seed ?? 1,
        badMeasured: {
          ratio: strongest.ratio,
          ciLow: strongest.low,
          ciHigh: strongest.high,
          p: strongest.p,
          pairs: record.pairs
        },
        budgetMs: options.budgetMs
      },
      {
        runner: deps.runner,
        log: { write: (text: string) => text.split('\n').filter(Boolean).forEach(deps.log) },
        ...(deps.now ? { now: deps.now } : {})
      }
    )
    const probes = outcome.steps.length - 1
    if (outcome.kind === 'found') {
      deps.log(`locate ${name}: first at ${outcome.culprit.commit.slice(0, 7)} (${probes} A/Bs)`)
      return located({ commit: outcome.culprit.commit, probes })
    }
    return located({ probes, reason: outcome.reason })
  } catch (error) {
    return located({ probes: 0, reason: (error as Error).message })
  }
}

const betweenShort = (base: string, head: string) => `${base.slice(0, 7)}..${head.slice(0, 7)}`

/**
 * Confirms `steps` one after another while `budgetMs` lasts (a step is started only with
 * time left; one A/B is bounded by its own max time), and locates each confirmed one in
 * its window within `locateBudgetMs` per step (default: no limit). `onConfirmed` gets
 * each record as it is made (to store it at once).
 */
export async function confirmSteps(
  config: Config,
  steps: readonly StepToConfirm[],
  deps: ConfirmDependencies,
  options: {
    readonly budgetMs: number
    readonly locateBudgetMs?: number
    readonly seed?: number
    readonly onConfirmed?: (confirmation: StepConfirmation) => Promise<void> | void
  }
): Promise<StepConfirmation[]> {
  const now = deps.now ?? (() => performance.now())
  const start = now()
  const done: StepConfirmation[] = []
  for (const step of steps) {
    const left = options.budgetMs - (now() - start)
    if (left <= 0) {
      deps.log(`confirm: time budget spent; ${steps.length - done.length} step(s) left for later`)
      break
    }
    const measured = await confirmStep(config, step, deps, {
      maxTimeMs: Math.min(left, config.compare.maxTimeMs),
      seed: options.seed
    })
    const record = await locateStep(config, measured, deps, {
      budgetMs: options.locateBudgetMs ?? Number.POSITIVE_INFINITY,
      seed: options.seed
    })
    done.push(record)
    await options.onConfirmed?.(record)
  }
  return done
}

/**
 * A change point is new while its first commit is among the newest NEW_WINDOW stored
 * commits. The detector needs 3 points after a step (its minimum segment), so a step is
 * first seen when 3 commits after it are stored; a window of 5 leaves room for a step that
 * needs a point or two more to pass the test, and for a push whose store failed. It is
 * stateless (nothing remembers what was reported), so a step stays "new" for up to three
 * pushes: the summary says so each time, and its issue is the same one, updated.
 */
export const NEW_WINDOW = 5

/**
 * Most candidates re-measured on one push (newest commits first); the rest wait for the
 * next push, while still new. With the budget, this bounds what confirmation adds to a
 * push: at most this many single-benchmark A/Bs, and the locating of those confirmed.
 */
export const MAX_CONFIRMATIONS_PER_PUSH = 2

/** What confirming a push's new candidates needs (the front end's config, runner, store). */
export interface NewStepsDependencies {
  /** The working tree's config, read only when there is something to confirm. */
  readonly config: () => Config
  readonly runner: () => TrialRunner
  /** Time for all the push's confirmations (default: the config's compare.max-time). */
  readonly budgetMs?: number
  readonly log: (line: string) => void
  /** Stores one record as soon as it is made (a failure to store is the caller's to report). */
  readonly save: (confirmation: StepConfirmation) => Promise<void>
  readonly warn: (message: string) => void
}

/**
 * On a push to main: re-measures the new candidates of `report` (first commit among the
 * newest NEW_WINDOW of `entries`; at most MAX_CONFIRMATIONS_PER_PUSH, one A/B across each
 * window, a confirmed one then located within one more compare.max-time) and saves each
 * outcome; returns the new records. Never throws: a failure is a warning, and the
 * candidates then stay candidates, alerting nothing.
 */
export async function confirmNewSteps(
  entries: readonly HistoryEntry[],
  report: HistoryReport,
  deps: NewStepsDependencies
): Promise<StepConfirmation[]> {
  const order = entries.map((e) => e.commit)
  const steps = stepsToConfirm(report.changePoints, {
    commits: new Set(order.slice(-NEW_WINDOW)),
    order,
    limit: MAX_CONFIRMATIONS_PER_PUSH,
    series: report.series
  })
  if (steps.length === 0) return []
  try {
    const config = deps.config()
    const budgetMs = deps.budgetMs ?? config.compare.maxTimeMs
    return await confirmSteps(
      config,
      steps,
      { runner: deps.runner(), log: deps.log },
      { budgetMs, locateBudgetMs: budgetMs, onConfirmed: deps.save }
    )
  } catch (error) {
    deps.warn(`could not confirm new change points: ${(error as Error).message}`)
    return []
  }
}
