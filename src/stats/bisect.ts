/**
 * The decisions of `perfgate bisect` (pure): how many steps a bisection plans, the
 * significance level of each step, what "moved" means at a step, and how the range narrows.
 *
 * Every step compares one commit X against the good commit with paired trials. The first
 * step checks that bad moved at all; then a binary search over the first-parent commits
 * between good and bad keeps the invariant "the commit at `lo` (or good itself) did not
 * move, the commit at `hi` did". With n candidates that is at most ⌈log2 n⌉ more steps,
 * so K = ⌈log2 n⌉ + 1 steps are planned and each tests at alpha / K (Bonferroni over the
 * steps): the chance that any step calls an unchanged commit "moved" stays below alpha.
 *
 * "Moved" at X needs significance at alpha / K AND an estimate at least half-way (on the
 * log scale) from good to bad: X carries the regression when it is closer to bad than to
 * good. "Did not move" needs the interval to lie below that half-way mark (one-sided: X
 * carries less than half of the change; being faster counts). Anything else is undecided,
 * and the bisection stops there rather than guess.
 */
import { classify, type Verdict } from './verdict.js'

/** Steps planned for n candidate commits: the check of bad plus ⌈log2 n⌉ probes. */
export function plannedSteps(candidates: number): number {
  if (!Number.isSafeInteger(candidates) || candidates < 1) {
    throw new RangeError(`candidates must be a whole number >= 1, got ${candidates}`)
  }
  return Math.ceil(Math.log2(candidates)) + 1
}

/** The significance level of one step: alpha split equally over the planned steps. */
export function stepAlpha(alpha: number, candidates: number): number {
  return alpha / plannedSteps(candidates)
}

/**
 * The threshold (as a fraction) past which a commit counts as moved: half the good→bad
 * change on the log scale, e.g. 0.0488 for a total ratio of 1.10 (√1.10 = 1.0488).
 * Symmetric on the log scale, so it serves higher-is-better metrics (ratio below 1) too.
 */
export function movedThreshold(totalRatio: number): number {
  if (!(totalRatio > 0) || !Number.isFinite(totalRatio)) {
    throw new RangeError(`total ratio must be a finite number above zero, got ${totalRatio}`)
  }
  return Math.exp(Math.abs(Math.log(totalRatio)) / 2) - 1
}

export type StepDecision = 'moved' | 'not-moved' | 'undecided'

/** What deciding one step needs: the step's estimate against good and its test. */
export interface StepInput {
  readonly ratio: number
  readonly ciLow: number
  readonly ciHigh: number
  /** The step's p-value (sequential over its planned looks; one test per step). */
  readonly p: number
  readonly alpha: number
  readonly threshold: number
  readonly higherIsBetter: boolean
}

/** The verdict of a step against good, with the step's alpha and threshold. */
export function stepVerdict(input: StepInput): Verdict {
  return classify({ ...input, pAdjusted: input.p })
}

/**
 * Moved: a regression past the threshold (significant at the step's alpha, estimate at
 * least half-way). Not moved: the interval lies below the half-way mark, i.e. X carries
 * less than half of the change (one-sided: a faster X did not carry it either).
 * Otherwise undecided.
 */
export function stepDecision(input: StepInput): StepDecision {
  const verdict = stepVerdict(input)
  if (verdict === 'regression') return 'moved'
  const mark = 1 + input.threshold
  const below = input.higherIsBetter ? input.ciLow > 1 / mark : input.ciHigh < mark
  if (below || verdict === 'improvement') return 'not-moved'
  return 'undecided'
}

/**
 * The open range of a bisection over candidates 0..n-1 (bad is n-1): `lo` is the last
 * index known not to have moved (-1 for good itself), `hi` the first known to have moved.
 */
export interface BisectRange {
  readonly lo: number
  readonly hi: number
}

/** The next commit to measure, or undefined when hi is the first moved commit. */
export function nextProbe(range: BisectRange): number | undefined {
  if (range.hi - range.lo <= 1) return undefined
  return Math.floor((range.lo + range.hi) / 2)
}

/** The range after measuring `probe`. */
export function narrow(range: BisectRange, probe: number, moved: boolean): BisectRange {
  if (!(probe > range.lo && probe < range.hi)) {
    throw new RangeError(`probe ${probe} is outside the open range (${range.lo}, ${range.hi})`)
  }
  return moved ? { lo: range.lo, hi: probe } : { lo: probe, hi: range.hi }
}
