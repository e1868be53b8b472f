/**
 * The terminal view of main's history (pure; returns a string): per series, a sparkline of
 * the recent commits' medians with the latest value, then its change points. Headline
 * metrics are shown, and any other series that has a change point; `--json` has them all.
 * Each step says where it stands: confirmed by a paired re-measure across its window
 * (with the commits compared and that A/B's ratio), not confirmed, accepted, or a candidate.
 */
import { whereText } from '../history/confirmation.js'
import type { HistoryChangePoint, HistoryReport, HistorySeries } from '../history/series.js'
import { HEADLINE_METRICS, METRICS, metricLabel } from '../metrics.js'
import { formatMetric } from './format.js'

const DEFAULT_TREND_POINTS = 30
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/** Control characters (escape sequences) removed: names are untrusted text. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

/** One bar per value, scaled between the smallest and largest of them. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return ''
  const low = Math.min(...values)
  const high = Math.max(...values)
  return values
    .map((value) => {
      if (!(high > low)) return BARS[3]
      const level = Math.round(((value - low) / (high - low)) * (BARS.length - 1))
      return BARS[level]
    })
    .join('')
}

/** The first 10 characters of a commit (from a results file: cleaned like any text). */
function shortSha(commit: string): string {
  return clean(commit.slice(0, 10))
}

function formatP(p: number): string {
  if (p === 0) return 'p < 1e-300'
  return p < 0.001 ? `p = ${p.toExponential(1)}` : `p = ${p.toFixed(3)}`
}

/** "confirmed: between 1a2b3c4 and 5d6e7f8 +9.8 % [+8.1 %, +11.5 %], 30 pairs" and the like. */
function describeStatus(step: HistoryChangePoint): string {
  const measured = step.confirmed
  const pairs =
    measured && measured.verdict !== 'unmeasured'
      ? `: ${whereText(measured)} ${percent(measured.ratio)} ` +
        `[${percent(measured.low)}, ${percent(measured.high)}], ${measured.pairs} pairs`
      : ''
  switch (step.status) {
    case 'confirmed':
      return `confirmed${pairs}`
    case 'not-confirmed':
      return `not confirmed by a paired re-measure${pairs}`
    case 'accepted':
      return (
        `accepted on pull request ${step.accepted?.pullRequest ?? '?'} by ${clean(step.accepted?.by ?? '?')}: ` +
        clean(step.accepted?.reason ?? '')
      )
    default:
      return measured?.verdict === 'unmeasured'
        ? 'candidate: the paired re-measure could not be made'
        : 'candidate: not re-measured (perfgate history --confirm)'
  }
}

/** Which series found a step, as the step's line says it. */
const FOUND_ON: Readonly<Record<HistoryChangePoint['foundOn'], string>> = {
  raw: 'found on the stored values',
  relative: 'found relative to the other benchmarks of each run',
  both: 'found on the stored values and relative to the other benchmarks'
}

/** Why a series has no relative values to judge (src/history/relative.ts). */
const RAW_ONLY = 'stored values only: no other benchmark of its kind to compare within a run'

const percent = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`

function describeStep(series: HistorySeries, step: HistoryChangePoint): string {
  const position = series.points.findIndex((point) => point.commit === step.commit)
  const worse = METRICS[series.metric].higherIsBetter ? step.ratio < 1 : step.ratio > 1
  const change = `${step.ratio >= 1 ? '+' : ''}${((step.ratio - 1) * 100).toFixed(1)} %`
  const interval = `[${((step.ciLow - 1) * 100).toFixed(1)} %, ${((step.ciHigh - 1) * 100).toFixed(1)} %]`
  return (
    `    ${worse ? '▲ worse' : '▼ better'} ${change} ${interval} at ${shortSha(step.commit)} ` +
    `(commit ${position + 1} of ${series.points.length}): ` +
    `${formatMetric(series.metric, step.before)} → ${formatMetric(series.metric, step.after)}, ` +
    `${formatP(step.p)}, ${FOUND_ON[step.foundOn]}\n      ${describeStatus(step)}`
  )
}

/** Renders the history for the terminal; `trendPoints` commits per sparkline. */
export function renderHistoryTerminal(
  report: HistoryReport,
  trendPoints = DEFAULT_TREND_POINTS
): string {
  const commits = new Set(report.series.flatMap((s) => s.points.map((p) => p.commit))).size
  const lines: string[] = []
  const benchmarks = new Set(report.series.map((s) => s.benchmark))
  const confirmed = report.changePoints.filter((step) => step.status === 'confirmed').length
  lines.push(
    `perfgate history: ${commits} commit${commits === 1 ? '' : 's'}, ` +
      `${benchmarks.size} benchmark${benchmarks.size === 1 ? '' : 's'}, ` +
      `${report.changePoints.length} change point${report.changePoints.length === 1 ? '' : 's'} ` +
      `(${confirmed} confirmed)`
  )
  if (report.series.length === 0) {
    lines.push('no stored results to show')
    return lines.join('\n') + '\n'
  }
  const judged = report.series.filter((series) => !series.skipped)
  const rawOnly = judged.every((series) => series.relativeTo === 0)
  if (judged.length > 0 && rawOnly) lines.push(`each series judged on its ${RAW_ONLY}`)
  let current = ''
  for (const series of report.series) {
    const steps = report.changePoints.filter(
      (step) => step.benchmark === series.benchmark && step.metric === series.metric
    )
    if (!HEADLINE_METRICS[series.kind].includes(series.metric) && steps.length === 0) continue
    if (series.benchmark !== current) {
      current = series.benchmark
      lines.push('', clean(series.benchmark))
    }
    const recent = series.points.slice(-trendPoints)
    const latest = recent[recent.length - 1]!
    lines.push(
      `  ${metricLabel(series.metric, series.kind).padEnd(16)} ${sparkline(recent.map((p) => p.median)).padEnd(trendPoints)}  ` +
        `${formatMetric(series.metric, latest.median)} at ${shortSha(latest.commit)}` +
        (series.skipped
          ? ` (not tested: ${series.skipped})`
          : !rawOnly && series.relativeTo === 0
            ? ` (${RAW_ONLY})`
            : '')
    )
    for (const step of steps) lines.push(describeStep(series, step))
  }
  return lines.join('\n') + '\n'
}
