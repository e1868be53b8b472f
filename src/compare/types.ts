/**
 * The comparison model: what perfgate concluded about head against base, benchmark by
 * benchmark and metric by metric, plus budgets and targets. Built by compareResults()
 * (pure); reports render it and the exit code follows its gate.
 */
import type { Budget, FailOn, PairedTest } from '../config/types.js'
import type { BenchmarkKind, MetricName } from '../metrics.js'
import type { Verdict } from '../stats/verdict.js'

export type { Verdict }

/** paired: same-runner A/B with interleaved pairs; unpaired: against stored results. */
export type ComparisonMode = 'paired' | 'unpaired'

export type StopReason = 'decided' | 'futile' | 'max-pairs' | 'max-time' | 'time-budget' | 'errored'

export interface MetricComparison {
  readonly metric: MetricName
  readonly gated: boolean
  /** Median of the trial values on each side. */
  readonly base: number
  readonly head: number
  /**
   * Estimated ratio head / base with its interval at CONFIDENCE_LEVEL (geometric mean or
   * Hodges-Lehmann).
   */
  readonly ratio: number
  readonly ciLow: number
  readonly ciHigh: number
  /** The test's p-value (over planned looks when sequential: Bonferroni across looks). */
  readonly p: number
  /** After Holm across every gated test of the run. */
  readonly pAdjusted: number
  readonly verdict: Verdict
  readonly threshold: number
  readonly alpha: number
  /** Why no test could be made (e.g. a zero value where ratios are needed). */
  readonly note?: string
  /**
   * Paired mode: a rough count of pairs that would likely decide this metric (80 % power
   * for the observed effect or for equivalence, normal approximation); for inconclusive
   * results, so the report can say how far from a decision they are.
   */
  readonly pairsToDecide?: number
  /**
   * Paired mode, a counted metric: the pair set aside as the one count off the others'
   * level (the run's pair, 1-based), its ratio head / base, and how many pairs counted the
   * metric; ratio and interval are those of the others.
   */
  readonly setAside?: { readonly pair: number; readonly ratio: number; readonly pairs: number }
}

export type BenchmarkStatus = 'compared' | 'new' | 'removed' | 'errored'

export interface BenchmarkComparison {
  readonly name: string
  readonly kind: BenchmarkKind
  readonly status: BenchmarkStatus
  /** Which side could not be measured, and why (status 'errored'). */
  readonly error?: { readonly side: 'base' | 'head'; readonly message: string }
  /** Pairs (paired) or trials per side (unpaired) that went into the comparison. */
  readonly nBase: number
  readonly nHead: number
  /** Paired mode: how the adaptive sampling ended, and after how many looks. */
  readonly stopReason?: StopReason
  readonly looks?: number
  readonly plannedLooks?: number
  /** Paired mode: the pairs of the last planned look (the cap). */
  readonly maxPairs?: number
  /** True when base and head measured the benchmark differently (config changed). */
  readonly definitionChanged: boolean
  readonly metrics: readonly MetricComparison[]
  /**
   * The acceptance that names this benchmark (or all) and applies to its regressions
   * (set by applyAcceptances, accept.ts): covering them, or exceeded (judged again).
   */
  readonly acceptance?: BenchmarkAcceptance
}

/** An acceptance as applied to one benchmark's regressions. */
export interface BenchmarkAcceptance {
  /** The benchmark it was given for, or `*` (all). */
  readonly benchmark: string
  readonly by: string
  /** Untrusted text (the accepter's words): rendered inert. */
  readonly reason: string
  readonly at: string
  readonly pullRequest: number
  readonly url?: string
  /**
   * How much worse it accepts, as a fraction of base (0.09: up to 9 % slower, or 9 % less
   * throughput); undefined: any change (an acceptance recorded without limits).
   */
  readonly bound: number | undefined
  /** True: every regressed gated metric is within the bound, the gate ignores them. */
  readonly covers: boolean
}

/** An acceptance command that was not applied, and why (one line, inert text). */
export interface IgnoredAcceptance {
  /** Who wrote it (a login: untrusted text). */
  readonly by: string
  readonly url?: string
  /** e.g. "someone has read access, not write". */
  readonly reason: string
}

export interface BudgetCheck {
  readonly benchmark: string
  readonly kind: BenchmarkKind
  readonly budget: Budget
  /** Median of head's trials and its distribution-free interval; undefined: not measured. */
  readonly estimate: number | undefined
  readonly low: number | undefined
  readonly high: number | undefined
  readonly passed: boolean | undefined
}

export interface TargetProgress {
  readonly benchmark: string
  readonly kind: BenchmarkKind
  readonly target: Budget
  readonly head: number | undefined
  readonly base: number | undefined
  readonly reached: boolean | undefined
  /** Share of the way from base to the target covered by head (1 = reached). */
  readonly progress: number | undefined
}

export interface ComparisonCounts {
  readonly regressions: number
  readonly improvements: number
  readonly unchanged: number
  readonly inconclusive: number
  readonly budgetsFailed: number
  readonly budgetsPassed: number
  readonly errored: number
  readonly new: number
  readonly removed: number
  /**
   * Regressed gated metrics covered by an acceptance (applyAcceptances): not counted in
   * `regressions`, not failing the gate. Absent: no acceptance was applied.
   */
  readonly accepted?: number
}

export interface Gate {
  readonly failOn: FailOn
  readonly failed: boolean
  readonly reasons: readonly string[]
}

export interface Comparison {
  /** undefined when there was no baseline: only budgets were checked. */
  readonly mode: ComparisonMode | undefined
  readonly test: PairedTest | 'mann-whitney' | undefined
  readonly benchmarks: readonly BenchmarkComparison[]
  readonly budgets: readonly BudgetCheck[]
  readonly targets: readonly TargetProgress[]
  /** Number of gated tests Holm adjusted over. */
  readonly tests: number
  readonly counts: ComparisonCounts
  readonly gate: Gate
  /** Acceptance commands that were read but not applied (applyAcceptances). */
  readonly ignoredAcceptances?: readonly IgnoredAcceptance[]
}
