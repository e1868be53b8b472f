/**
 * The report model (pure): what a report says, in the order a reader asks — can I merge
 * (headline), what changed and how sure are we (changes), which promises broke (budgets),
 * why believe it (method, environment). Renderers turn it into markdown or terminal text.
 */
import { ALL_BENCHMARKS, formatBound, suggestedBound } from '../compare/accept.js'
import { acceptCommandFor, REASON_MAX } from '../compare/accept-command.js'
import type {
  BenchmarkComparison,
  Comparison,
  IgnoredAcceptance,
  MetricComparison,
  StopReason,
  Verdict
} from '../compare/types.js'
import { DEFAULT_INSTRUCTION_THRESHOLD } from '../config/defaults.js'
import { INSTRUCTIONS, METRICS, metricLabel } from '../metrics.js'
import type { Environment, Results } from '../results/types.js'
import { sanitizeChildText } from '../process/text.js'
import { CONFIDENCE_PERCENT, formatBytes, formatMetric } from './format.js'
import type { ProfileSection } from './profile.js'
import type { TrendRow } from './trend.js'

/** doubt: nothing failed, but a gated test ended inconclusive (not an all-clear). */
export type Tone = 'fail' | 'pass' | 'neutral' | 'doubt'

/** A row's verdict: the test's, or `accepted` for a regression an acceptance covers. */
export type RowVerdict = Verdict | 'accepted'

export interface ChangeRow {
  readonly verdict: RowVerdict
  readonly benchmark: string
  readonly metric: string
  readonly base: string
  readonly head: string
  /** e.g. "+13.7 %" and "(+9.8 … +17.9)" */
  readonly change: string
  readonly interval: string
  readonly p: string
  /** The verdict in words, e.g. "unchanged (within ±5 %)". */
  readonly detail: string
  /** A counted metric's pair set aside as off the others' level, in words (numbers only). */
  readonly setAside?: string
}

export interface BudgetRow {
  readonly passed: boolean | undefined
  readonly benchmark: string
  readonly metric: string
  readonly limit: string
  readonly estimate: string
  readonly interval: string
}

export interface TargetRow {
  readonly benchmark: string
  readonly metric: string
  readonly target: string
  readonly base: string
  readonly head: string
  readonly progress: string
}

/** An acceptance applied to a benchmark's regressions (untrusted: by, reason, url). */
export interface AcceptedRow {
  /** The benchmark, or `all`. */
  readonly benchmark: string
  readonly by: string
  readonly reason: string
  readonly pullRequest: number
  /** The comment's address, when it is one of GitHub's (https). */
  readonly url: string | undefined
  /** e.g. "+9 %", or "any change" for an acceptance recorded without limits. */
  readonly bound: string
  /** False: the change is past the bound, and the benchmark was judged again. */
  readonly covers: boolean
  /** The regressed metrics' changes now, e.g. "+16.0 %" (for an exceeded bound). */
  readonly now: string
}

/** A line about one benchmark: "<benchmark> <text>". */
export interface Note {
  readonly benchmark: string
  readonly text: string
  /** An errored benchmark's top stack frame ("at f (src/x.js:3:9)", sanitized), if any. */
  readonly frame?: string
}

/** A benchmark that could not be measured: its failing trial and the end of its stderr. */
export interface FailureDetail {
  readonly benchmark: string
  /** undefined when there was no baseline (one side only). */
  readonly side: 'base' | 'head' | undefined
  /** 1-based. */
  readonly trial: number
  /** The failing trial's stderr tail, sanitized (child text); undefined when there was none. */
  readonly stderrTail: string | undefined
}

/** Longer frames (bundled code, long paths) are cut: the whole stack is in the details. */
const FRAME_CHARS = 160

/**
 * The first `at ...` line of a stack or a stderr tail, so that where it failed is in sight
 * beside the message (the rest stays folded away); undefined when there is none.
 */
export function topFrame(text: string | undefined): string | undefined {
  const line = text
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => /^at\s/.test(l))
  if (!line) return undefined
  return line.length > FRAME_CHARS ? `${line.slice(0, FRAME_CHARS - 1)}…` : line
}

/** What opens the doubt under the headline: an inconclusive test is no all-clear. */
export const NOT_ALL_CLEAR = 'Not an all-clear'

/** Gated tests that ended inconclusive, said under the headline. */
export interface Doubt {
  /** e.g. "3 of 4 gated tests inconclusive (neither a change nor its absence shown)" */
  readonly summary: string
  /** "<benchmark> <metric>: <reason>" for the first few, then "<n> more below". */
  readonly reasons: readonly string[]
}

/** The doubt as one line: "Not an all-clear: <summary> — <reason>; <reason>." */
export function doubtText(doubt: Doubt): string {
  return `${NOT_ALL_CLEAR}: ${doubt.summary} — ${doubt.reasons.join('; ')}.`
}

export interface ReportModel {
  readonly tone: Tone
  readonly headline: string
  /**
   * Under the headline when gated tests ended inconclusive: how many and why (too noisy,
   * cut short, too few pairs). undefined when every gated test decided.
   */
  readonly doubt: Doubt | undefined
  readonly context: string
  readonly changes: readonly ChangeRow[]
  readonly quiet: readonly ChangeRow[]
  readonly budgets: readonly BudgetRow[]
  readonly targets: readonly TargetRow[]
  /** New, removed and errored benchmarks, changed definitions: "<benchmark> <text>". */
  readonly notes: readonly Note[]
  readonly failures: readonly FailureDetail[]
  readonly method: readonly string[]
  readonly environment: readonly string[]
  readonly gateFailed: boolean
  /** "Where the time went" per profiled benchmark (set by withProfiles in profile.ts). */
  readonly profiles?: readonly ProfileSection[]
  /** Main's trend beside this PR, per row of changes (when the data branch was read). */
  readonly trends?: readonly TrendRow[]
  /** Acceptances applied, covering or exceeded (benchmark order). */
  readonly accepted: readonly AcceptedRow[]
  /** Acceptance commands read but not applied, and why. */
  readonly ignored: readonly IgnoredAcceptance[]
  /**
   * Per benchmark whose regressions fail the gate, the command that would accept them:
   * the bound filled in from the interval, the reason left to write.
   */
  readonly acceptCommands: readonly string[]
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

/** A signed percentage of a ratio: 1.137 → "+13.7 %" (`digits` after the point). */
export function formatChange(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return '–'
  const pct = (ratio - 1) * 100
  const shown = Math.abs(pct).toFixed(digits)
  const sign = Number(shown) === 0 ? '±' : pct > 0 ? '+' : '−'
  return `${sign}${shown} %`
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '–'
  if (p < 0.0001) return '< 0.0001'
  return p < 0.001 ? p.toFixed(4) : p.toFixed(3)
}

/**
 * Why a benchmark's sampling ended before its plan, when a limit ended it: the stop reason
 * it carries, so a test left without pairs by the time budget is said to be cut short, not
 * merely short of pairs.
 */
function cutShort(bench: BenchmarkComparison): string | undefined {
  if (bench.stopReason === 'time-budget') return "cut short by the run's time budget"
  if (bench.stopReason === 'max-time') return 'stopped at the time cap (compare.max-time)'
  return undefined
}

/**
 * Which pair's count was set aside as off the others' level: what it read against what
 * the other pairs read (the estimate shown). Numbers only.
 */
function setAsideNote(m: MetricComparison): string | undefined {
  if (!m.setAside) return undefined
  const others = m.setAside.pairs - 1
  return (
    `pair ${m.setAside.pair} set aside, its count off the others' level: it read ` +
    `${formatChange(m.setAside.ratio, 2)}, the other ${plural(others, 'pair')} ${formatChange(m.ratio, 2)}`
  )
}

function verdictDetail(bench: BenchmarkComparison, m: MetricComparison): string {
  const band = `±${(m.threshold * 100).toFixed(m.threshold * 100 < 1 ? 1 : 0)} %`
  switch (m.verdict) {
    case 'regression':
      return `regression (past ${band}, significant)`
    case 'improvement':
      return `improvement (past ${band}, significant)`
    case 'unchanged':
      return `unchanged (within ${band})`
    case 'inconclusive': {
      const cut = cutShort(bench)
      const more =
        m.pairsToDecide === undefined
          ? undefined
          : m.pairsToDecide > 1000
            ? `too noisy to decide at ${band}: over 1000 pairs would be needed`
            : `about ${m.pairsToDecide} pairs would likely decide`
      const aside = m.note ?? more
      if (cut) return `inconclusive: ${cut}${aside ? ` (${aside})` : ''}`
      if (m.note) return `inconclusive: ${m.note}`
      return more ? `inconclusive (${more})` : 'inconclusive'
    }
  }
}

/**
 * The head column of a change row: base's median × the estimated ratio, not head's own
 * median. The change column is the test's estimate (the paired ratio, or the Hodges-Lehmann
 * shift of an unpaired comparison), which is not the ratio of the two sides' medians: a few
 * trials slowed as a whole move one side's median and not the estimate, and the row read
 * "4.75 ms → 5.14 ms, −4.4 %". Anchoring on base's median (what the code did before) and
 * applying the estimate keeps every row's three figures in agreement, in paired and
 * unpaired mode alike. Without an estimate (no test could be made) it is head's median.
 */
function headColumn(m: MetricComparison): number {
  return Number.isFinite(m.ratio) && Number.isFinite(m.base) ? m.base * m.ratio : m.head
}

/** Whether a metric's regression is covered by the benchmark's acceptance. */
function acceptedMetric(bench: BenchmarkComparison, m: MetricComparison): boolean {
  return m.verdict === 'regression' && bench.acceptance?.covers === true
}

function changeRow(bench: BenchmarkComparison, m: MetricComparison): ChangeRow {
  const accepted = acceptedMetric(bench, m)
  const headShown = headColumn(m)
  const interval = Number.isFinite(m.ciLow)
    ? `(${formatChange(m.ciLow).replace(' %', '')} … ${formatChange(m.ciHigh).replace(' %', '')})`
    : ''
  const aside = setAsideNote(m)
  return {
    verdict: accepted ? 'accepted' : m.verdict,
    benchmark: bench.name,
    metric: metricLabel(m.metric, bench.kind),
    base: Number.isFinite(m.base) ? formatMetric(m.metric, m.base) : '–',
    head: Number.isFinite(headShown) ? formatMetric(m.metric, headShown) : '–',
    change: formatChange(m.ratio),
    interval,
    p: formatP(m.pAdjusted),
    detail:
      (accepted
        ? `accepted by ${bench.acceptance!.by}: ${verdictDetail(bench, m)}`
        : verdictDetail(bench, m)) + (aside ? `; ${aside}` : ''),
    ...(aside ? { setAside: aside } : {})
  }
}

function shortCommit(env: Environment | undefined): string | undefined {
  return env?.git ? env.git.commit.slice(0, 7) : undefined
}

function describeSide(env: Environment): string {
  const commit = shortCommit(env)
  const branch = env.git?.branch
  if (!commit) return 'the working directory'
  return `${branch ? `\`${branch}\` ` : ''}(${commit}${env.git?.dirty ? ', uncommitted changes' : ''})`
}

function headline(comparison: Comparison): { tone: Tone; text: string } {
  const c = comparison.counts
  const parts: string[] = []
  if (comparison.mode) {
    parts.push(plural(c.regressions, 'regression'))
    if (c.accepted) parts.push(plural(c.accepted, 'accepted regression'))
    parts.push(plural(c.improvements, 'improvement'))
  }
  if (c.budgetsFailed > 0) parts.push(`${plural(c.budgetsFailed, 'budget')} exceeded`)
  if (c.errored > 0) parts.push(`${c.errored} errored`)
  const rest: string[] = []
  if (comparison.mode) rest.push(`${c.unchanged} unchanged`)
  if (c.inconclusive > 0) rest.push(`${c.inconclusive} inconclusive`)
  if (!comparison.mode) rest.push(`${plural(c.budgetsPassed, 'budget')} met`)
  // Red only for what failed; an inconclusive gated test is doubt, never a green all-clear.
  const tone: Tone =
    comparison.gate.failed || c.errored > 0
      ? 'fail'
      : c.regressions > 0 || (c.accepted ?? 0) > 0
        ? 'neutral'
        : c.inconclusive > 0
          ? 'doubt'
          : 'pass'
  const text = [parts.join(', '), rest.join(' · ')].filter(Boolean).join(' · ')
  return { tone, text: text || 'no budgets, no baseline' }
}

/** Why one gated test ended inconclusive, in a few words. */
function doubtReason(bench: BenchmarkComparison, m: MetricComparison, paired: boolean): string {
  const unit = paired ? 'pairs' : 'trials'
  const n = paired ? bench.nHead : Math.min(bench.nBase, bench.nHead)
  const cut = cutShort(bench)
  if (m.note?.startsWith('fewer than 2')) {
    if (!cut) return `too few ${unit} to test`
    return n === 0
      ? `${cut} before its first ${unit.slice(0, -1)}`
      : `${cut} after ${plural(n, unit.slice(0, -1), unit)}, too few to test`
  }
  if (m.note) return `no test (${m.note})`
  if (cut) return cut
  const early =
    bench.stopReason === 'futile' && bench.maxPairs !== undefined
      ? ` (stopped early: unlikely to decide by ${bench.maxPairs} pairs)`
      : ''
  const more =
    m.pairsToDecide === undefined || m.pairsToDecide <= n
      ? ''
      : m.pairsToDecide > 1000
        ? ', over 1000 pairs would be needed'
        : `, about ${m.pairsToDecide} pairs would likely decide`
  return `too noisy for ${n} ${unit}${early}${more}`
}

/** How many metrics in a list of "<benchmark> <metric>: <reason>" parts the line names. */
const DOUBT_LISTED = 4

/**
 * What goes under the headline of a run with inconclusive gated tests: how many, and why
 * each (the first few), so a reader sees above the fold that no all-clear was given.
 */
function doubtOf(comparison: Comparison): Doubt | undefined {
  const paired = comparison.mode === 'paired'
  const parts: string[] = []
  let gated = 0
  for (const bench of comparison.benchmarks) {
    gated += bench.metrics.length
    for (const m of bench.metrics) {
      if (m.verdict !== 'inconclusive') continue
      parts.push(
        `${bench.name} ${metricLabel(m.metric, bench.kind)}: ${doubtReason(bench, m, paired)}`
      )
    }
  }
  if (parts.length === 0) return undefined
  const listed = parts.slice(0, DOUBT_LISTED)
  if (parts.length > listed.length) listed.push(`${parts.length - listed.length} more below`)
  return {
    summary: `${parts.length} of ${gated} gated tests inconclusive (neither a change nor its absence shown)`,
    reasons: listed
  }
}

/** How a paired benchmark's sampling ended, for the method lines (every stop reason). */
const STOP_TEXT: Record<StopReason, (b: BenchmarkComparison) => string> = {
  decided: (b) => `stopped at look ${b.looks} of ${b.plannedLooks}, decided`,
  futile: (b) =>
    `stopped at look ${b.looks} of ${b.plannedLooks}, too unlikely to decide by the last`,
  'max-pairs': (b) => `ran all ${b.plannedLooks} looks`,
  'max-time': () => 'stopped at the time cap',
  'time-budget': () => "cut short by the run's time budget (compare.max-duration)",
  errored: () => 'stopped by an error'
}

function methodLines(results: Results, comparison: Comparison): string[] {
  const lines: string[] = []
  const paired = comparison.benchmarks.filter((b) => b.status === 'compared' && b.stopReason)
  if (comparison.mode === 'paired') {
    const stops = paired.map(
      (b) => `${b.name}: ${plural(b.nHead, 'pair')}, ${STOP_TEXT[b.stopReason!](b)}`
    )
    lines.push(
      `Same-runner A/B: base and head trials interleaved in pairs, order randomized (seed ${results.seed}); ` +
        `${PAIRED_METHOD_TEXT[comparison.test ?? 't'] ?? 'paired t-test on log ratios'}, ` +
        `p over planned looks (Bonferroni), Holm over ${plural(comparison.tests, 'gated test')}.`
    )
    if (stops.length > 0) lines.push(stops.join('; ') + '.')
  } else if (comparison.mode === 'unpaired') {
    lines.push(
      `Cross-run comparison against stored results (not measured side by side: runner-to-runner noise is ` +
        `included): Mann-Whitney U on trial values, Hodges-Lehmann shift of log values with its interval, ` +
        `Holm over ${plural(comparison.tests, 'gated test')}.`
    )
  } else {
    lines.push('No baseline: budgets only.')
  }
  // The time threshold of benchmarks gated on more than counts (the count's own threshold is
  // on its method line below).
  const thresholds = new Set(
    results.benchmarks
      .filter((b) => b.settings.compare.gate.some((metric) => metric !== INSTRUCTIONS))
      .map((b) => b.settings.compare.threshold)
  )
  const alphas = new Set(results.benchmarks.map((b) => b.settings.compare.alpha))
  if (comparison.mode) {
    const thresholdText =
      thresholds.size === 0
        ? ''
        : `Threshold ${[...thresholds].map((t) => `±${(t * 100).toFixed(0)} %`).join('/')}, `
    lines.push(
      thresholdText +
        `α ${[...alphas].join('/')}; budgets judged on the median of head's trials with a ` +
        `distribution-free ${CONFIDENCE_PERCENT} interval. Each trial is a fresh process. ` +
        "Base is the median of base's trials; head is base × the estimated change, so the columns agree with it."
    )
  } else {
    lines.push(
      `Budgets judged on the median of the trials with a distribution-free ${CONFIDENCE_PERCENT} interval; each trial is a fresh process.`
    )
  }
  const costGated = results.benchmarks.some(
    (b) => b.kind === 'http' && b.settings.compare.gate.includes('cpuPerRequest')
  )
  if (comparison.mode && costGated) {
    lines.push(
      "HTTP endpoints are gated on the server's CPU time per request (user + system CPU of its " +
        'process tree over the measured load ÷ responses); latency and throughput are measured ' +
        'and reported with intervals, and gated only where configured.'
    )
  }
  const counted = results.benchmarks.filter((b) => b.settings.compare.gate.includes(INSTRUCTIONS))
  if (counted.length > 0) {
    const threshold =
      counted[0]!.settings.compare.instructionThreshold ?? DEFAULT_INSTRUCTION_THRESHOLD
    lines.push(
      'Instructions counted under valgrind without cache simulation, every Node process with ' +
        '--predictable and fixed seeds (commands and servers get them through a node first on PATH): ' +
        'per call in one worker under callgrind, the median of five windows of N calls after 2N of ' +
        'warm-up, start-up outside every counted window; per request from two fresh servers given ' +
        '50 and 250 requests; per run the whole process tree less the shell; ' +
        `one pair decides unchanged and two that agree a change, while counts repeat within ±${(METRICS.instructions.noiseFloor * 100).toFixed(2)} % ` +
        '(one pair off the level of two or more others is set aside); ' +
        `threshold ±${(threshold * 100).toFixed(1)} %.`
    )
  }
  // CPU lists as perfgate wrote them; anything else in a results file is not shown.
  const cpuList = (value: unknown) =>
    typeof value === 'string' && /^[0-9][0-9,-]{0,63}$/.test(value) ? value : undefined
  const pinned = new Set<string>()
  for (const trial of results.benchmarks
    .filter((b) => b.kind === 'http')
    .flatMap((b) => b.trials)) {
    const server = cpuList(trial.details?.serverCpus)
    const loadgen = cpuList(trial.details?.loadgenCpus)
    if (server && loadgen) pinned.add(`load generator on CPU ${loadgen}, servers on ${server}`)
  }
  if (pinned.size > 0) {
    lines.push(`HTTP trials pinned (load.pin): ${[...pinned].join('; ')}.`)
  }
  if (results.base?.dependencies)
    lines.push(`Base checkout dependencies: ${results.base.dependencies}.`)
  return lines
}

/** How the method line names each paired procedure (compare.test). */
const PAIRED_METHOD_TEXT: Partial<Record<string, string>> = {
  t: 'paired t-test on log ratios',
  'sign-flip': 'exact sign-flip test on log ratios',
  trimmed:
    '20 % trimmed mean of log ratios with its trimmed-t interval, t-test of the pairs within ' +
    '3× the median |log ratio| (trials slowed as a whole left out)'
}

function environmentLines(results: Results): string[] {
  const env = results.environment
  const lines = [
    `${env.os} ${env.arch}, ${env.cpuModel} (${plural(env.cores, 'core')}, ${formatBytes(env.totalMemoryBytes)}), Node ${env.node}${env.ci ? ', CI' : ''}.`
  ]
  const base = results.base?.environment
  if (
    base &&
    (base.cpuModel !== env.cpuModel || base.node !== env.node || base.cores !== env.cores)
  ) {
    lines.push(
      `Base measured on ${base.os} ${base.arch}, ${base.cpuModel} (${plural(base.cores, 'core')}), Node ${base.node}.`
    )
  }
  return lines
}

/**
 * Processes a benchmark's trials left running outside their process group (perfgate
 * stopped them), from the trials' details; or that it could not look (no /proc).
 */
function leftoverNotes(
  bench: Results['benchmarks'][number],
  side: string
): { benchmark: string; text: string }[] {
  const left = bench.trials.flatMap((t) =>
    typeof t.details?.leftProcesses === 'string' ? [t.details.leftProcesses] : []
  )
  const notes: { benchmark: string; text: string }[] = []
  if (left.length > 0) {
    notes.push({
      benchmark: bench.name,
      text: `${sanitizeChildText(left[0]!)}${side} (in ${left.length} of ${bench.trials.length} trials). A benchmark should stop what it starts.`
    })
  }
  if (bench.trials.some((t) => t.details?.processCheck === 'unavailable')) {
    notes.push({
      benchmark: bench.name,
      text: `ran${side} where processes leaving a trial's process group cannot be found (no /proc): any such process was not stopped.`
    })
  }
  return notes
}

/** The failing trial of an errored result and the end of its stderr (sanitized). */
function failureOf(
  bench: Results['benchmarks'][number] | undefined,
  side: 'base' | 'head' | undefined
): FailureDetail | undefined {
  if (bench?.state !== 'errored') return undefined
  const tail = bench.error.detail?.trimEnd()
  return {
    benchmark: bench.name,
    side,
    trial: bench.error.trial + 1,
    stderrTail: tail ? sanitizeChildText(tail) : undefined
  }
}

/** Builds the report model of a run (results with their comparison). */
export function buildReport(results: Results, comparison: Comparison): ReportModel {
  const changes: ChangeRow[] = []
  const quiet: ChangeRow[] = []
  const notes: Note[] = []
  const failures: FailureDetail[] = []
  for (const bench of comparison.benchmarks) {
    for (const m of bench.metrics) {
      const row = changeRow(bench, m)
      // Inconclusive rows stay in sight beside the changes: only "unchanged" is folded away.
      if (m.verdict === 'unchanged') quiet.push(row)
      else changes.push(row)
    }
    const note = (text: string) => notes.push({ benchmark: bench.name, text })
    if (bench.status === 'new') {
      note(
        bench.error
          ? `is new: the base could not run it (${bench.error.message}); head measured, budgets checked.`
          : 'is new: measured, budgets checked, nothing to compare with.'
      )
    }
    if (bench.status === 'removed') note('was removed (measured on base only).')
    if (bench.status === 'errored') {
      const side = bench.error!.side
      const failure = failureOf(
        (side === 'head' ? results.benchmarks : (results.base?.benchmarks ?? [])).find(
          (b) => b.name === bench.name
        ),
        side
      )
      if (failure) failures.push(failure)
      const at = failure ? ` (failed in pair ${failure.trial})` : ''
      notes.push({
        benchmark: bench.name,
        text: `could not be measured on ${side}${at}: ${bench.error!.message}`,
        frame: topFrame(failure?.stderrTail)
      })
    }
    if (bench.definitionChanged) {
      note(
        'is measured differently on base and head (its config changed): the comparison mixes that in.'
      )
    }
  }
  if (!comparison.mode) {
    for (const bench of results.benchmarks) {
      if (bench.state === 'errored') {
        const failure = failureOf(bench, undefined)!
        failures.push(failure)
        notes.push({
          benchmark: bench.name,
          text: `could not be measured (trial ${failure.trial} failed): ${bench.error.message}`,
          frame: topFrame(failure.stderrTail)
        })
      }
    }
  }
  for (const name of results.incomplete?.missing ?? []) {
    const why = results.incomplete?.reasons?.find((r) => r.benchmark === name)?.reason
    notes.push({
      benchmark: name,
      text: `was not measured: ${why ?? 'the run stopped before reaching it'}.`
    })
  }
  for (const bench of results.benchmarks) {
    const saturated = bench.trials.filter((t) => t.details?.loadgenSaturated === true).length
    if (saturated > bench.trials.length / 2) {
      notes.push({
        benchmark: bench.name,
        text:
          `is limited by the load generator, not the server: perfgate used over 90 % of a core in ` +
          `${saturated} of ${bench.trials.length} trials, so requests/s understates what the server can do. ` +
          'Compare latency at a fixed `load.rate` instead.'
      })
    }
  }
  for (const [side, benches] of [
    ['', results.benchmarks],
    [' on base', results.base?.benchmarks ?? []]
  ] as const) {
    for (const bench of benches) notes.push(...leftoverNotes(bench, side))
  }
  // Regressions first, then improvements, then inconclusive (stable: config order inside each).
  const order = (r: ChangeRow) =>
    r.verdict === 'regression'
      ? 0
      : r.verdict === 'accepted'
        ? 1
        : r.verdict === 'improvement'
          ? 2
          : 3
  changes.sort((a, b) => order(a) - order(b))

  const budgets: BudgetRow[] = comparison.budgets.map((check) => ({
    passed: check.passed,
    benchmark: check.benchmark,
    metric: metricLabel(check.budget.metric, check.kind),
    limit: `${check.budget.comparator} ${formatMetric(check.budget.metric, check.budget.limit)}`,
    estimate:
      check.estimate === undefined
        ? 'not measured'
        : formatMetric(check.budget.metric, check.estimate),
    interval:
      check.low === undefined || check.high === undefined
        ? ''
        : `(${formatMetric(check.budget.metric, check.low)} … ${formatMetric(check.budget.metric, check.high)})`
  }))
  const targets: TargetRow[] = comparison.targets.map((t) => ({
    benchmark: t.benchmark,
    metric: metricLabel(t.target.metric, t.kind),
    target: `${t.target.comparator} ${formatMetric(t.target.metric, t.target.limit)}`,
    base: t.base === undefined ? '–' : formatMetric(t.target.metric, t.base),
    head: t.head === undefined ? '–' : formatMetric(t.target.metric, t.head),
    progress: t.reached
      ? 'reached'
      : t.progress === undefined
        ? '–'
        : t.progress < 0
          ? 'further from it than base'
          : `${Math.round(t.progress * 100)} % of the way from base`
  }))

  const { tone, text } = headline(comparison)
  const headSide = describeSide(results.environment)
  const runners = results.merged?.shards
  const where = runners
    ? `on ${runners} runners (each benchmark's pairs on one; judged as one run)`
    : 'on this runner'
  const shardNote = results.shard
    ? ` Shard ${results.shard.index}/${results.shard.count} of the suite: the merged results decide the gate.`
    : ''
  const context =
    (comparison.mode === 'paired'
      ? `${headSide} vs ${results.base?.source ?? 'base'}, measured side by side ${where} in randomized pairs.`
      : comparison.mode === 'unpaired'
        ? `${headSide} vs stored results ${results.base?.source ?? ''}${shortCommit(results.base?.environment) ? ` (${shortCommit(results.base?.environment)})` : ''}, measured in separate runs.`
        : `${headSide}: budgets checked, no baseline to compare with${runners ? ` (measured on ${runners} runners)` : ''}.`) +
    shardNote
  return {
    tone,
    headline: text,
    doubt: doubtOf(comparison),
    context,
    changes,
    quiet,
    budgets,
    targets,
    notes,
    failures,
    method: methodLines(results, comparison),
    environment: environmentLines(results),
    gateFailed: comparison.gate.failed,
    ...acceptanceParts(comparison)
  }
}

/**
 * A pull request comment's address (`https://<host>/<owner>/<repo>/pull/<n>#issuecomment-<id>`,
 * as GitHub gives `html_url`): the only link an acceptance may carry. A stored results file
 * is data, so any other address (javascript:, an arbitrary page) is left out, not linked.
 */
const COMMENT_URL =
  /^https:\/\/[a-z\d.-]+(?::\d{1,5})?\/[a-z\d-]{1,39}\/[\w.-]{1,100}\/(?:pull|issues)\/\d{1,9}#issuecomment-\d{1,15}$/i

function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && COMMENT_URL.test(url) ? url : undefined
}

/** Longest login kept in the report (GitHub's are at most 39 characters, bots' a few more). */
const LOGIN_CHARS = 60

/** Untrusted text of an acceptance, inert and at most `max` characters (a stored file may hold more). */
function acceptanceText(text: string, max: number): string {
  const chars = [...text]
  return sanitizeChildText(chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text)
}

/** The report's acceptance parts: applied acceptances, ignored ones, commands to accept. */
function acceptanceParts(
  comparison: Comparison
): Pick<ReportModel, 'accepted' | 'ignored' | 'acceptCommands'> {
  const accepted: AcceptedRow[] = []
  const acceptCommands: string[] = []
  for (const bench of comparison.benchmarks) {
    const a = bench.acceptance
    const regressed = bench.metrics.filter((m) => m.gated && m.verdict === 'regression')
    if (a) {
      accepted.push({
        benchmark: a.benchmark === ALL_BENCHMARKS ? 'all' : a.benchmark,
        by: acceptanceText(a.by, LOGIN_CHARS),
        reason: acceptanceText(a.reason, REASON_MAX),
        pullRequest: a.pullRequest,
        url: safeUrl(a.url),
        bound: a.bound === undefined ? 'any change' : formatBound(a.bound).replace('%', ' %'),
        covers: a.covers,
        now: regressed.map((m) => formatChange(m.ratio)).join(', ')
      })
    }
    const bound = a?.covers ? undefined : suggestedBound(bench)
    if (bound !== undefined) acceptCommands.push(acceptCommandFor(bench.name, formatBound(bound)))
  }
  const ignored = (comparison.ignoredAcceptances ?? []).map((i) => ({
    by: acceptanceText(i.by, LOGIN_CHARS),
    url: safeUrl(i.url),
    reason: acceptanceText(i.reason, REASON_MAX)
  }))
  return { accepted, ignored, acceptCommands }
}
