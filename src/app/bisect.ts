/**
 * The bisect use case: the first commit between a good and a bad commit where one
 * benchmark's metric moved, found with the paired A/B of `run --base` at each step (the
 * commit against good, in randomized pairs with planned looks, the same comparison), the
 * error rate split over the planned steps (src/stats/bisect.ts).
 *
 * The candidates are the first-parent commits good..bad, oldest first: a merge on that
 * line is one step carrying its whole branch. Good is checked out once, every probed
 * commit in its own worktree outside the user's tree, set up there and removed after its
 * step (also on failure and Ctrl-C). The working tree's config decides what is measured,
 * its paths mapped into each checkout, as in `run --base`.
 */
import { DEFAULT_LOOKS } from '../config/defaults.js'
import type { BenchmarkConfig, Config } from '../config/types.js'
import { compareResults, metricThreshold } from '../compare/compare.js'
import { mapToBase, prepareBaseCheckout, type BaseCheckout } from '../git/base-checkout.js'
import { gitSync } from '../git/run.js'
import { METRICS, noiseFloorOf, type MetricName } from '../metrics.js'
import { definitionHash } from '../results/hash.js'
import type { TrialRunner } from '../runners/types.js'
import { planLooks, runPairedBenchmark } from '../schedule/paired.js'
import {
  movedThreshold,
  narrow,
  nextProbe,
  plannedSteps,
  stepAlpha,
  stepDecision,
  stepVerdict,
  type BisectRange,
  type StepDecision
} from '../stats/bisect.js'
import { createRandom } from '../stats/random.js'
import type { Verdict } from '../stats/verdict.js'
import { createPairedProgress, type ProgressStream } from './progress.js'
import { benchmarkSeed } from './shards.js'

/** A request that cannot be bisected as asked (bad ref, range, benchmark, metric): exit 2. */
export class BisectError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BisectError'
  }
}

export interface BisectRequest {
  /** The working tree's validated config: it decides what is measured on every commit. */
  readonly config: Config
  readonly good: string
  readonly bad: string
  /** Required when the config has more than one benchmark. */
  readonly benchmark?: string
  /** Default: the benchmark's first gated metric. */
  readonly metric?: string
  /** Overrides the benchmark's trials (pairs per look). */
  readonly trials?: number
  /** Seed of the pair orders. */
  readonly seed: number
  /**
   * Bad against good as already measured (a step of main's history confirmed by a paired
   * A/B across its window, src/app/confirm.ts): the bisection starts from it instead of
   * measuring bad first, and a change in its direction counts as moved, so a step that
   * made the metric better is located like a regression.
   */
  readonly badMeasured?: {
    readonly ratio: number
    readonly ciLow: number
    readonly ciHigh: number
    readonly p: number
    readonly pairs: number
  }
  /** Time for the whole bisection; a probe is started only with time left (default: none). */
  readonly budgetMs?: number
}

export interface BisectDependencies {
  readonly runner: TrialRunner
  /** Progress while measuring. */
  readonly log: ProgressStream
  /** Monotonic clock in ms (tests script it). */
  readonly now?: () => number
}

export interface CommitInfo {
  readonly commit: string
  readonly subject: string
}

export interface BisectStep extends CommitInfo {
  /** 'bad': the first step, does bad move at all; 'probe': a commit of the binary search. */
  readonly role: 'bad' | 'probe'
  /** The commit against good: ratio X / good with its interval, the step's p. */
  readonly ratio: number
  readonly ciLow: number
  readonly ciHigh: number
  readonly p: number
  readonly pairs: number
  /** The ratio past which this step counts as moved (threshold + 1). */
  readonly movedAt: number
  readonly verdict: Verdict
  readonly moved: boolean
  readonly decision: StepDecision | 'errored'
  /** Why the step could not be measured. */
  readonly error?: string
  /** A counted metric's pair set aside as off the others' level (the estimate is the rest's). */
  readonly setAside?: { readonly pair: number; readonly ratio: number }
}

interface Shared {
  readonly benchmark: string
  readonly metric: MetricName
  readonly good: CommitInfo
  readonly bad: CommitInfo
  /** First-parent commits good..bad. */
  readonly candidates: number
  readonly plannedSteps: number
  readonly stepAlpha: number
  readonly steps: readonly BisectStep[]
  /** Notes for the user (merges, a good commit off the first-parent line). */
  readonly notes: readonly string[]
}

export type BisectOutcome =
  | (Shared & {
      readonly kind: 'found'
      readonly culprit: CommitInfo & { readonly parents: number }
      /** The culprit against good. */
      readonly ratio: number
      readonly ciLow: number
      readonly ciHigh: number
      /** The commit before the culprit on the first-parent line (good itself or a probe). */
      readonly lastGood: CommitInfo
    })
  | (Shared & {
      /** no-regression: bad did not move; undecided: a step could not decide. */
      readonly kind: 'no-regression' | 'undecided' | 'errored'
      readonly reason: string
      /** What is known: the culprit lies after `after` up to and including `upTo`. */
      readonly range?: { readonly after: CommitInfo; readonly upTo: CommitInfo }
    })

const git = (cwd: string, args: string[]) => gitSync(cwd, args)

/** The benchmark and metric a request names (defaults: the only one, its first gated). */
function selectTarget(
  config: Config,
  benchmarkName: string | undefined,
  metricName: string | undefined
): { benchmark: BenchmarkConfig; metric: MetricName } {
  const names = config.benchmarks.map((b) => JSON.stringify(b.name)).join(', ')
  let benchmark: BenchmarkConfig | undefined
  if (benchmarkName === undefined) {
    if (config.benchmarks.length !== 1) {
      throw new BisectError(
        `--benchmark is required: ${config.file} has ${config.benchmarks.length} benchmarks (${names})`
      )
    }
    benchmark = config.benchmarks[0]!
  } else {
    benchmark = config.benchmarks.find((b) => b.name === benchmarkName)
    if (!benchmark) {
      throw new BisectError(
        `--benchmark ${JSON.stringify(benchmarkName)}: no such benchmark in ${config.file}; names are: ${names}`
      )
    }
  }
  const kindMetrics = (Object.keys(METRICS) as MetricName[]).filter((m) =>
    (METRICS[m].kinds as readonly string[]).includes(benchmark.kind)
  )
  if (metricName === undefined) {
    const metric = benchmark.compare.gate[0] ?? kindMetrics[0]!
    return { benchmark, metric }
  }
  if (!(kindMetrics as string[]).includes(metricName)) {
    throw new BisectError(
      `--metric ${JSON.stringify(metricName)}: not a metric of ${benchmark.kind} benchmark ` +
        `${JSON.stringify(benchmark.name)}; expected one of ${kindMetrics.join(', ')}`
    )
  }
  return { benchmark, metric: metricName as MetricName }
}

interface Candidate extends CommitInfo {
  readonly parents: number
}

/** Resolves the refs and lists the first-parent commits good..bad, oldest first. */
export function bisectRange(
  dir: string,
  goodRef: string,
  badRef: string
): {
  repoRoot: string
  good: CommitInfo
  bad: CommitInfo
  candidates: Candidate[]
  notes: string[]
} {
  const top = git(dir, ['rev-parse', '--show-toplevel'])
  if (!top.ok) throw new BisectError(`bisect needs a git repository; ${dir} is not in one`)
  const repoRoot = top.out
  const resolve = (flag: string, ref: string): CommitInfo => {
    const sha = ref.startsWith('-')
      ? undefined
      : git(repoRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    if (!sha?.ok) {
      throw new BisectError(
        `--${flag} ${JSON.stringify(ref)}: unknown git ref (fetch it first, e.g. git fetch origin ${ref})`
      )
    }
    const subject = git(repoRoot, ['log', '-1', '--format=%s', sha.out])
    return { commit: sha.out, subject: subject.out }
  }
  const good = resolve('good', goodRef)
  const bad = resolve('bad', badRef)
  if (good.commit === bad.commit) {
    throw new BisectError(`--good and --bad are the same commit (${good.commit.slice(0, 7)})`)
  }
  const ancestor = git(repoRoot, ['merge-base', '--is-ancestor', good.commit, bad.commit])
  if (!ancestor.ok) {
    throw new BisectError(
      `--good ${goodRef} (${good.commit.slice(0, 7)}) is not an ancestor of --bad ${badRef} ` +
        `(${bad.commit.slice(0, 7)}): nothing between them to bisect (shallow clone? fetch more history)`
    )
  }
  const listed = git(repoRoot, [
    'log',
    '--first-parent',
    '--reverse',
    '--format=%H%x1f%P%x1f%s',
    `${good.commit}..${bad.commit}`
  ])
  if (!listed.ok) throw new BisectError(`git log ${goodRef}..${badRef} failed: ${listed.err}`)
  const candidates = listed.out
    .split('\n')
    .filter(Boolean)
    .map((line): Candidate => {
      const [commit = '', parents = '', ...subject] = line.split('\x1f')
      return { commit, subject: subject.join('\x1f'), parents: parents.split(' ').length }
    })
  const notes: string[] = []
  const firstParent = git(repoRoot, ['rev-parse', `${candidates[0]!.commit}^`])
  if (firstParent.out !== good.commit) {
    notes.push(
      `good ${good.commit.slice(0, 7)} is not on bad's first-parent line: the candidates are ` +
        `that line's commits not reachable from good`
    )
  }
  const merges = candidates.filter((c) => c.parents > 1).length
  if (merges > 0) {
    notes.push(
      `${merges} merge commit${merges === 1 ? '' : 's'} on the first-parent line, each one step ` +
        `carrying its whole branch`
    )
  }
  return { repoRoot, good, bad, candidates, notes }
}

/** Bisects; refusals (refs, range, benchmark, metric) throw BisectError before measuring. */
export async function bisectRegression(
  request: BisectRequest,
  deps: BisectDependencies
): Promise<BisectOutcome> {
  const { config } = request
  const { benchmark, metric } = selectTarget(config, request.benchmark, request.metric)
  const range0 = bisectRange(config.dir, request.good, request.bad)
  const { good, bad, candidates, notes } = range0
  const n = candidates.length
  const planned = plannedSteps(n)
  const alpha = stepAlpha(benchmark.compare.alpha, n)
  const measuredBad = request.badMeasured
  // Moved means "moved the way bad moved" when bad was measured before: a lower value for
  // a step down, whatever the metric's better direction.
  const higherIsBetter = measuredBad ? measuredBad.ratio < 1 : METRICS[metric].higherIsBetter
  const now = deps.now ?? (() => performance.now())
  const started = now()
  const log = (line: string) => void deps.log.write(`${line}\n`)
  const short = (c: CommitInfo) => c.commit.slice(0, 7)
  log(
    `bisect ${benchmark.name} ${metric}: ${n} first-parent commit${n === 1 ? '' : 's'} after good ` +
      `${short(good)} up to bad ${short(bad)}; at most ${planned} steps, each at alpha ${alpha.toPrecision(2)}`
  )
  for (const note of notes) log(`bisect: ${note}`)

  const steps: BisectStep[] = []
  const shared = (): Shared => ({
    benchmark: benchmark.name,
    metric,
    good,
    bad,
    candidates: n,
    plannedSteps: planned,
    stepAlpha: alpha,
    steps: [...steps],
    notes
  })
  /** The benchmark as each step measures it: one gated metric, the step's alpha and threshold. */
  const tuned = (b: BenchmarkConfig, threshold: number): BenchmarkConfig => ({
    ...b,
    compare: { gate: [metric], threshold, instructionThreshold: threshold, alpha }
  })
  // A count (instructions) repeats: one pair per step decides (two where it moved), as in
  // `run --base`.
  const counted = noiseFloorOf(metric) !== undefined
  const ownThreshold = metricThreshold(benchmark.compare, metric)
  const timeLeft = () =>
    request.budgetMs === undefined ? Infinity : request.budgetMs - (now() - started)
  /** Bad as the caller measured it: moved, by the caller's own test. */
  const knownStep = (commit: Candidate, measured: NonNullable<typeof measuredBad>): BisectStep => ({
    ...info(commit),
    role: 'bad',
    ...measured,
    movedAt: 1 + ownThreshold,
    verdict: 'regression',
    moved: true,
    decision: 'moved'
  })
  const progress = createPairedProgress(deps.log)

  const goodCheckout = await prepareBaseCheckout(config, good.commit, log, {
    mergeBase: false,
    label: 'good'
  })
  try {
    const onGood = mapToBase(benchmark, config.dir, goodCheckout.configDir)
    if (!onGood) {
      throw new BisectError(
        `benchmark ${JSON.stringify(benchmark.name)} cannot run on good ${short(good)}: its files are not in that commit`
      )
    }
    const measure = async (
      commit: Candidate,
      role: BisectStep['role'],
      threshold: number
    ): Promise<BisectStep> => {
      const position = steps.length + 1
      log(
        `step ${position}/${planned}: ${role === 'bad' ? 'bad ' : ''}${short(commit)} against good`
      )
      let checkout: BaseCheckout | undefined
      const errored = (error: string): BisectStep => ({
        ...info(commit),
        role,
        ratio: NaN,
        ciLow: NaN,
        ciHigh: NaN,
        p: NaN,
        pairs: 0,
        movedAt: 1 + threshold,
        verdict: 'inconclusive',
        moved: false,
        decision: 'errored',
        error
      })
      try {
        checkout = await prepareBaseCheckout(config, commit.commit, log, {
          mergeBase: false,
          label: `step ${position}`
        })
        const onCommit = mapToBase(benchmark, config.dir, checkout.configDir)
        if (!onCommit) return errored(`the benchmark's files are not in commit ${short(commit)}`)
        const atX = tuned(onCommit, threshold)
        const atGood = tuned(onGood, threshold)
        const trials = request.trials ?? (counted ? 1 : benchmark.trials)
        progress.benchmarkStart({ ...atX, trials }, position, planned)
        const pair = await runPairedBenchmark(atX, atGood, {
          runner: deps.runner,
          random: createRandom(benchmarkSeed(request.seed, `${benchmark.name}@${commit.commit}`)),
          lookSizes: planLooks(trials, config.compare.maxPairs, DEFAULT_LOOKS, counted ? 1 : 2),
          maxTimeMs: Math.min(config.compare.maxTimeMs, timeLeft()),
          test: config.compare.test,
          // No stop for futility: a step's rule (moved, or one-sided "did not move") is not
          // the two-sided verdict chanceToDecide predicts, so it would stop steps too soon.
          futility: 0,
          familySize: 1,
          definitionHash: (b) =>
            definitionHash(b, b === atX ? checkout!.configDir : goodCheckout.configDir),
          progress,
          ...(deps.now ? { now: deps.now } : {})
        })
        progress.benchmarkEnd(pair.head, pair.base)
        const comparison = compareResults({
          mode: 'paired',
          head: [pair.head],
          base: [pair.base],
          compare: config.compare
        })
        const compared = comparison.benchmarks[0]!
        if (compared.status === 'errored') {
          const side = compared.error?.side === 'base' ? `good ${short(good)}` : short(commit)
          return errored(`the benchmark failed on ${side}: ${compared.error?.message ?? 'error'}`)
        }
        const test = compared.metrics[0]
        if (!test || compared.status !== 'compared') {
          return errored(`no ${metric} comparison (${compared.status})`)
        }
        const input = {
          ratio: test.ratio,
          ciLow: test.ciLow,
          ciHigh: test.ciHigh,
          p: test.p,
          alpha,
          threshold,
          higherIsBetter
        }
        const verdict = stepVerdict(input)
        const decision = stepDecision(input)
        return {
          ...info(commit),
          role,
          ratio: test.ratio,
          ciLow: test.ciLow,
          ciHigh: test.ciHigh,
          p: test.p,
          pairs: compared.nHead,
          movedAt: 1 + threshold,
          verdict,
          moved: decision === 'moved',
          decision,
          ...(test.note ? { error: test.note } : {}),
          ...(test.setAside
            ? { setAside: { pair: test.setAside.pair, ratio: test.setAside.ratio } }
            : {})
        }
      } finally {
        checkout?.remove()
      }
    }
    const record = (step: BisectStep) => {
      steps.push(step)
      const what =
        step.decision === 'errored'
          ? `could not be measured: ${step.error}`
          : `×${step.ratio.toFixed(3)} [${step.ciLow.toFixed(3)}, ${step.ciHigh.toFixed(3)}] ` +
            `p ${step.p.toPrecision(2)}: ${step.decision === 'not-moved' ? 'did not move' : step.decision}`
      log(`step ${steps.length}/${planned}: ${short(step)} ${what}`)
      return step
    }

    // Step 1: did bad move at all (the benchmark's own threshold, at the step's alpha)?
    const first = record(
      measuredBad
        ? knownStep(candidates[n - 1]!, measuredBad)
        : await measure(candidates[n - 1]!, 'bad', ownThreshold)
    )
    if (first.decision === 'errored') {
      return { ...shared(), kind: 'errored', reason: `bad ${short(bad)} ${first.error}` }
    }
    if (!first.moved) {
      return {
        ...shared(),
        kind: 'no-regression',
        reason:
          `no regression between good and bad for ${benchmark.name} ${metric}: ` +
          `bad against good ×${first.ratio.toFixed(3)} [${first.ciLow.toFixed(3)}, ${first.ciHigh.toFixed(3)}], ` +
          `p ${first.p.toPrecision(2)} (${first.verdict} at alpha ${alpha.toPrecision(2)}, threshold ${formatFraction(ownThreshold)})`
      }
    }
    const threshold = movedThreshold(first.ratio)
    let range: BisectRange = { lo: -1, hi: n - 1 }
    const measuredAt = new Map<number, BisectStep>([[n - 1, first]])
    const commitAt = (index: number): CommitInfo => (index < 0 ? good : info(candidates[index]!))
    for (let probe = nextProbe(range); probe !== undefined; probe = nextProbe(range)) {
      const known = { after: commitAt(range.lo), upTo: commitAt(range.hi) }
      if (timeLeft() <= 0) {
        return {
          ...shared(),
          kind: 'undecided',
          reason: `the time for the bisection was spent after ${steps.length} step${steps.length === 1 ? '' : 's'}`,
          range: known
        }
      }
      const step = record(await measure(candidates[probe]!, 'probe', threshold))
      if (step.decision === 'errored') {
        return {
          ...shared(),
          kind: 'errored',
          reason: `${short(step)} ${step.error}`,
          range: known
        }
      }
      if (step.decision === 'undecided') {
        return {
          ...shared(),
          kind: 'undecided',
          reason:
            `step ${steps.length} could not decide whether ${short(step)} moved: ` +
            `×${step.ratio.toFixed(3)} [${step.ciLow.toFixed(3)}, ${step.ciHigh.toFixed(3)}] after ${step.pairs} pairs ` +
            `(moved needs p < ${alpha.toPrecision(2)} and at least ×${step.movedAt.toFixed(3)}); more trials (--trials) ` +
            `or a quieter machine may decide it`,
          range: known
        }
      }
      measuredAt.set(probe, step)
      range = narrow(range, probe, step.moved)
    }
    const culprit = candidates[range.hi]!
    const at = measuredAt.get(range.hi)!
    return {
      ...shared(),
      kind: 'found',
      culprit: { ...info(culprit), parents: culprit.parents },
      ratio: at.ratio,
      ciLow: at.ciLow,
      ciHigh: at.ciHigh,
      lastGood: commitAt(range.lo)
    }
  } finally {
    goodCheckout.remove()
  }
}

const info = (c: CommitInfo): CommitInfo => ({ commit: c.commit, subject: c.subject })

const formatFraction = (fraction: number) => `${Number((fraction * 100).toPrecision(3))} %`
