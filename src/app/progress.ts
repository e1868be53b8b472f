/**
 * Progress on stderr while measuring. On a terminal one live line is rewritten per trial;
 * elsewhere (CI logs) each benchmark gets a start and an end line, and each slow or failed
 * trial its own, so a long run is never silent and logs stay short.
 */
import type { StopReason } from '../compare/types.js'
import type { PairedTest } from '../config/types.js'
import type { LookState, PairedProgressListener } from '../schedule/paired.js'
import { metricLookRule, metricPairs, pairedChange } from '../compare/compare.js'
import { decidedAtLook } from '../stats/sequential.js'
import { classify } from '../stats/verdict.js'
import type { ProgressListener } from '../schedule/suite.js'
import { HEADLINE_METRICS, METRICS, noiseFloorOf, type MetricName } from '../metrics.js'
import type { BenchmarkResult } from '../results/types.js'
import type { TrialOutcome } from '../runners/types.js'
import { formatMetric } from '../report/format.js'
import { formatChange } from '../report/model.js'
import { terminalName } from '../process/text.js'

/** In logs, trials slower than this get their own line, so long runs show they move. */
const SLOW_TRIAL_MS = 2000

export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
}

/**
 * One status line: on a terminal rewritten in place; in logs, a line is printed only when
 * the caller gives its log text (so logs keep what matters).
 */
function statusLine(stream: ProgressStream) {
  const live = stream.isTTY === true
  return {
    show(text: string, logText?: string) {
      if (live) stream.write(`\r\x1b[K${text}`)
      else if (logText !== undefined) stream.write(`${logText}\n`)
    },
    /** A final line, kept on the terminal and in logs alike. */
    done(text: string) {
      stream.write(`${live ? '\r\x1b[K' : ''}${text}\n`)
    }
  }
}

function trialText(label: string, what: string, outcome: TrialOutcome) {
  const text = `${label}: ${what} ${outcome.ok ? 'ok' : 'failed'} (${(outcome.durationMs / 1000).toFixed(1)} s)`
  const logged = !outcome.ok || outcome.durationMs >= SLOW_TRIAL_MS
  return [text, logged ? text : undefined] as const
}

/**
 * Each benchmark's label, `[i/n] name`, kept from its start. A scheduler that interleaves
 * benchmarks (the time budget) ends them in another order than it started them, and ends
 * ones it never started: every line names its own benchmark, never the last one started.
 */
function benchmarkLabels() {
  const labels = new Map<string, string>()
  return {
    start(benchmark: { readonly name: string }, position: number, total: number): string {
      const label = `[${position}/${total}] ${terminalName(benchmark.name)}`
      labels.set(benchmark.name, label)
      return label
    },
    of(benchmark: { readonly name: string }): string {
      return labels.get(benchmark.name) ?? terminalName(benchmark.name)
    }
  }
}

/** The median of `metric` (default: the kind's headline metric), formatted. */
function headlineMedian(
  result: BenchmarkResult,
  // The kind's first headline metric that was measured (instructions alone: the count).
  metric: MetricName = HEADLINE_METRICS[result.kind].find((m) => result.summary[m]) ??
    HEADLINE_METRICS[result.kind][0]!
): [MetricName, string] {
  const s = result.summary[metric]
  return [metric, s ? formatMetric(metric, s.median) : '–']
}

export function createProgress(stream: ProgressStream): ProgressListener {
  const line = statusLine(stream)
  const labels = benchmarkLabels()
  return {
    benchmarkStart(benchmark, position, total) {
      const label = labels.start(benchmark, position, total)
      line.show(
        `${label}: starting…`,
        `${label}: ${benchmark.kind} benchmark, ${benchmark.trials} trials`
      )
    },
    trialEnd(benchmark, trial, trials, outcome) {
      line.show(...trialText(labels.of(benchmark), `trial ${trial + 1}/${trials}`, outcome))
    },
    benchmarkEnd(result) {
      const label = labels.of(result)
      if (result.state === 'errored')
        return line.done(`${label}: ✗ errored: ${result.error.message}`)
      const [metric, value] = headlineMedian(result)
      line.done(`${label}: ✓ ${metric} ${value}`)
    }
  }
}

/** What the A/B's sequential rule needs to judge a benchmark at its end. */
export interface PairedRuleOptions {
  readonly test: PairedTest
  /** Gated tests of the whole suite (Holm's family). */
  readonly familySize: number
}

/**
 * The gated metrics a finished A/B benchmark left undecided: neither decided by the
 * scheduler's own rule (decidedAtLook at its last pair count, the look it reached) nor
 * "unchanged" in the report (its interval inside ±threshold), so progress never calls a
 * result settled that the report leaves open, nor open one the report settles.
 */
export function undecidedMetrics(
  head: BenchmarkResult,
  base: BenchmarkResult,
  rule: PairedRuleOptions
): MetricName[] {
  if (head.paired?.stopReason === 'decided') return []
  const settings = head.settings.compare
  return settings.gate.filter((metric) => {
    const look = metricLookRule(settings, metric, {
      test: rule.test,
      plannedLooks: head.paired?.lookSizes.length ?? 1,
      familySize: rule.familySize
    })
    const { b, h } = metricPairs(base.trials, head.trials, metric)
    if (decidedAtLook(b, h, look)) return false
    // The report's "unchanged" needs only the interval (no p-value: no change to flag).
    const change = pairedChange(b, h, rule.test, look.noiseFloor)
    const verdict =
      change &&
      classify({
        ...change,
        pAdjusted: 1,
        alpha: settings.alpha,
        threshold: look.threshold,
        higherIsBetter: METRICS[metric].higherIsBetter
      })
    return verdict !== 'unchanged'
  })
}

const LOOK_TEXT: Record<LookState, string> = {
  decided: 'decided, stopping',
  futile: 'too unlikely to decide by the last look, stopping',
  open: 'not decided yet, continuing'
}

const UNDECIDED_WHY: Record<StopReason, string> = {
  decided: '',
  futile: 'stopped early: too unlikely to decide by the last look',
  'max-pairs': 'all planned looks run',
  'max-time': 'stopped at the time cap',
  'time-budget': 'cut short by the time budget',
  errored: 'stopped by an error'
}

/**
 * Progress of an A/B run: pairs instead of trials, and each planned look. With `rule`, a
 * benchmark that ends undecided is said to be inconclusive rather than done.
 */
export function createPairedProgress(
  stream: ProgressStream,
  rule?: PairedRuleOptions
): PairedProgressListener {
  const line = statusLine(stream)
  const labels = benchmarkLabels()
  return {
    benchmarkStart(benchmark, position, total) {
      const label = labels.start(benchmark, position, total)
      line.show(`${label}: starting…`, `${label}: A/B, base and head in randomized pairs`)
    },
    trialEnd(benchmark, side, pair, maxPairs, outcome) {
      line.show(...trialText(labels.of(benchmark), `pair ${pair + 1}/${maxPairs} ${side}`, outcome))
    },
    look(benchmark, pairs, state) {
      const text = `${labels.of(benchmark)}: look at ${pairs} pairs: ${LOOK_TEXT[state]}`
      line.show(text, text)
    },
    benchmarkEnd(head, base) {
      const label = labels.of(head)
      if (head.trials.length === 0 && head.paired?.stopReason === 'time-budget') {
        return line.done(
          `${label}: ? not measured: the time budget was spent before its first pair`
        )
      }
      const failed = head.state === 'errored' ? head : base.state === 'errored' ? base : undefined
      if (failed?.state === 'errored') {
        return line.done(
          `${label}: ✗ errored on ${failed === head ? 'head' : 'base'}: ${failed.error.message}`
        )
      }
      // The first gated metric: what the verdict is about. Base is its median, head base ×
      // the estimated change, as in the report, so the two never disagree in sign.
      const gated = head.settings.compare.gate.find((m) => head.summary[m] !== undefined)
      const [metric, baseValue] = headlineMedian(base, gated)
      const { b, h } = metricPairs(base.trials, head.trials, metric)
      const estimate = rule ? pairedChange(b, h, rule.test, noiseFloorOf(metric)) : undefined
      const baseMedian = base.summary[metric]?.median
      const medians =
        estimate && baseMedian !== undefined
          ? `${metric} base ${baseValue} → head ${formatMetric(metric, baseMedian * estimate.ratio)} ` +
            `(${formatChange(estimate.ratio)})`
          : `${metric} base ${baseValue} → head ${headlineMedian(head, gated)[1]}`
      const pairs = `${head.trials.length} pair${head.trials.length === 1 ? '' : 's'}`
      const undecided = rule ? undecidedMetrics(head, base, rule) : []
      if (undecided.length > 0) {
        const why = UNDECIDED_WHY[head.paired?.stopReason ?? 'max-pairs']
        return line.done(
          `${label}: ? inconclusive after ${pairs}${why ? ` (${why})` : ''} on ${undecided.join(', ')}; ${medians}`
        )
      }
      const decided = rule ? ', decided' : ''
      line.done(`${label}: ✓ ${pairs}${decided}, ${medians}`)
    }
  }
}
