/**
 * Regressions accepted on purpose (pure): an acceptance of a benchmark (or of all) with a
 * bound, "up to 9 % worse", takes that benchmark's regressions out of the gate while every
 * regressed gated metric's estimated change stays within the bound. Past the bound the
 * benchmark is judged again, so an acceptance holds for the change it was given for and not
 * for a later push that makes the benchmark slower still. Budgets stay hard limits: an
 * acceptance accepts a change against base, never a violated budget (docs/how-it-decides.md).
 */
import { METRICS, type MetricName } from '../metrics.js'
import type { Acceptance } from '../results/types.js'
import { gateOf } from './gate.js'
import type {
  BenchmarkAcceptance,
  BenchmarkComparison,
  Comparison,
  IgnoredAcceptance,
  MetricComparison
} from './types.js'

/** The benchmark name that stands for every benchmark of the run (`/perfgate accept all`). */
export const ALL_BENCHMARKS = '*'

/** Rounding of suggested bounds: up to the next half percent. */
const BOUND_STEP = 0.005
/** Float slack when a change sits exactly on its bound (e.g. 1.09 vs 1 + 0.09). */
const EPSILON = 1e-9

/**
 * How much worse a ratio head / base is, as a fraction of base: 1.09 → 0.09 for a time;
 * for a higher-is-better metric (requests/s), 0.91 → 0.09.
 */
export function worsening(metric: MetricName, ratio: number): number {
  return METRICS[metric].higherIsBetter ? 1 - ratio : ratio - 1
}

/** The head / base ratio at a bound, on the worse side (the inverse of {@link worsening}). */
export function ratioAtBound(metric: MetricName, bound: number): number {
  return METRICS[metric].higherIsBetter ? 1 - bound : 1 + bound
}

/**
 * The limits an acceptance records for a bound: per gated metric, the ratio at the bound
 * (`Acceptance.limits`).
 */
export function limitsOf(
  metrics: readonly MetricName[],
  bound: number
): NonNullable<Acceptance['limits']> {
  return [...new Set(metrics)].map((metric) => ({ metric, ratio: ratioAtBound(metric, bound) }))
}

/**
 * The bound the report suggests for a benchmark's regressions: the worse end of each
 * regressed metric's interval, the largest of them, rounded up to a whole or half percent
 * (so a re-run that measures the same change again stays covered). undefined when nothing
 * regressed.
 */
export function suggestedBound(bench: BenchmarkComparison): number | undefined {
  const worst = regressed(bench).map((m) =>
    worsening(m.metric, METRICS[m.metric].higherIsBetter ? m.ciLow : m.ciHigh)
  )
  if (worst.length === 0) return undefined
  const largest = Math.max(...worst.filter(Number.isFinite), 0)
  return Math.max(BOUND_STEP, Math.ceil(largest / BOUND_STEP - EPSILON) * BOUND_STEP)
}

/** A bound as the command and the report write it: 0.09 → "+9%", 0.095 → "+9.5%". */
export function formatBound(bound: number): string {
  return `+${Number((bound * 100).toFixed(1))}%`
}

function regressed(bench: BenchmarkComparison): MetricComparison[] {
  return bench.metrics.filter((m) => m.gated && m.verdict === 'regression')
}

/** The bound an acceptance was given with: the largest worsening its limits allow. */
function boundOf(acceptance: Acceptance): number | undefined {
  if (!acceptance.limits) return undefined
  const bounds = acceptance.limits.map((l) => worsening(l.metric, l.ratio))
  return bounds.length ? Math.max(...bounds) : 0
}

/** Whether an acceptance covers every regressed metric's estimated change. */
function covers(acceptance: Acceptance, metrics: readonly MetricComparison[]): boolean {
  if (!acceptance.limits) return true
  return metrics.every((m) => {
    const limit = acceptance.limits!.find((l) => l.metric === m.metric)
    return (
      limit !== undefined &&
      worsening(m.metric, m.ratio) <= worsening(m.metric, limit.ratio) + EPSILON
    )
  })
}

/**
 * The acceptance that applies to one benchmark: among those naming it or all, the latest
 * that covers its regressions, else the latest given (exceeded: judged again).
 */
function acceptanceFor(
  bench: BenchmarkComparison,
  acceptances: readonly Acceptance[]
): BenchmarkAcceptance | undefined {
  const metrics = regressed(bench)
  if (metrics.length === 0) return undefined
  const latestFirst = acceptances
    .filter((a) => a.benchmark === bench.name || a.benchmark === ALL_BENCHMARKS)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
  const chosen = latestFirst.find((a) => covers(a, metrics)) ?? latestFirst[0]
  if (!chosen) return undefined
  return {
    benchmark: chosen.benchmark,
    by: chosen.by,
    reason: chosen.reason,
    at: chosen.at,
    pullRequest: chosen.pullRequest,
    ...(chosen.url === undefined ? {} : { url: chosen.url }),
    bound: boundOf(chosen),
    covers: covers(chosen, metrics)
  }
}

/**
 * The comparison with acceptances applied: each benchmark an acceptance names (or all)
 * carries it (`acceptance`, covering or exceeded); regressions covered move from
 * `counts.regressions` to `counts.accepted`, and the gate is decided again from the counts
 * as compareResults() decides it. Budgets are untouched. Applying again (to the result, with
 * other acceptances) starts from the verdicts, not from a previous application.
 */
export function applyAcceptances(
  comparison: Comparison,
  acceptances: readonly Acceptance[],
  ignored: readonly IgnoredAcceptance[] = []
): Comparison {
  const benchmarks = comparison.benchmarks.map((bench): BenchmarkComparison => {
    const { acceptance: _previous, ...rest } = bench
    const acceptance = acceptanceFor(rest, acceptances)
    return acceptance ? { ...rest, acceptance } : rest
  })
  let accepted = 0
  let regressions = 0
  for (const bench of benchmarks) {
    const n = regressed(bench).length
    if (bench.acceptance?.covers) accepted += n
    else regressions += n
  }
  const counts = { ...comparison.counts, regressions, accepted }
  return {
    ...comparison,
    benchmarks,
    counts,
    gate: gateOf(comparison.gate.failOn, counts),
    ignoredAcceptances: ignored
  }
}
