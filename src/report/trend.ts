/**
 * Main's trend beside this PR (pure): for each benchmark × metric in the table of changes,
 * the medians of main's newest stored commits (the data branch's series) and this PR's
 * median, drawn as a mermaid `xychart-beta` chart that GitHub renders in a comment.
 *
 * Mermaid has no escaping that every renderer honours, so a benchmark name goes into the
 * chart only as a quoted title whose characters are limited to letters, digits, spaces
 * and `_ . , : / ( ) + = -`; anything else becomes `_` (a `"` that would end the string, a
 * `]` or `;` that would end a statement, `%%` that starts a comment, a backtick that would
 * close the fence). The name is shown escaped, as in the table, in the text above the chart.
 */
import type { Comparison } from '../compare/types.js'
import type { Series } from '../history/series.js'
import { metricLabel, METRICS, type MetricInfo, type MetricName } from '../metrics.js'
import { formatMetric } from './format.js'

/** Main's newest points shown per chart. */
export const TREND_POINTS = 20
/** Charts at most (the first rows of the table of changes). */
const TREND_ROWS = 10

export interface TrendRow {
  readonly benchmark: string
  readonly metric: MetricName
  /** Label for the metric, as in the table. */
  readonly label: string
  /** Main's stored commits, oldest first: short sha and median. */
  readonly main: readonly { readonly commit: string; readonly value: number }[]
  /** This PR's (head's) median. */
  readonly head: number
}

/**
 * Trends for the rows of the table of changes (metrics whose verdict is not "unchanged",
 * as the report model sorts them), each with main's newest TREND_POINTS points; rows
 * without a stored series are left out.
 */
export function trendsOf(series: readonly Series[], comparison: Comparison): TrendRow[] {
  const byKey = new Map(series.map((s) => [`${s.benchmark}\u0000${s.metric}`, s]))
  const rows: TrendRow[] = []
  for (const bench of comparison.benchmarks) {
    for (const m of bench.metrics) {
      if (m.verdict === 'unchanged' || !Number.isFinite(m.head)) continue
      const found = byKey.get(`${bench.name}\u0000${m.metric}`)
      if (!found || found.points.length === 0) continue
      rows.push({
        benchmark: bench.name,
        metric: m.metric,
        label: metricLabel(m.metric, bench.kind),
        main: found.points
          .slice(-TREND_POINTS)
          .map((p) => ({ commit: p.commit.slice(0, 7), value: p.median })),
        head: m.head
      })
    }
  }
  return rows.slice(0, TREND_ROWS)
}

/** Text safe inside a mermaid quoted string (see the module comment). */
export function mermaidText(text: string, max = 60): string {
  const safe = text.replace(/[^\p{L}\p{N} _.,:/()+=-]/gu, '_').replace(/\s+/g, ' ')
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe
}

/** Scale of a metric's values in the chart: durations in ms, the rest in their unit. */
function axis(metric: MetricName): { scale: number; unit: string } {
  switch (METRICS[metric].unit) {
    case 'duration':
      return { scale: 1, unit: 'ms' }
    case 'bytes':
      return { scale: 1 / 1024, unit: 'KiB' }
    case 'share':
      return { scale: 100, unit: '%' }
    case 'rate':
      return { scale: 1, unit: (METRICS[metric] as MetricInfo).per ?? '/s' }
    default:
      return { scale: 1, unit: '' }
  }
}

const number = (value: number) => String(Number(value.toPrecision(4)))

/** One chart: main's points then this PR's, as a line; the PR's point labelled "PR". */
export function trendChart(row: TrendRow): string {
  const { scale, unit } = axis(row.metric)
  const labels = [...row.main.map((p) => `"${p.commit}"`), '"PR"']
  const values = [...row.main.map((p) => p.value), row.head].map((v) => number(v * scale))
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(`${row.benchmark} ${row.label}`)}"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "${mermaidText(unit ? `${row.label} (${unit})` : row.label)}"`,
    `  line [${values.join(', ')}]`,
    '```'
  ].join('\n')
}

/**
 * The collapsed section of charts. `escape` is the report's markdown escaping (passed in
 * so this module stays below markdown.ts).
 */
export function renderTrends(rows: readonly TrendRow[], escape: (text: string) => string): string {
  const out = [
    `<details><summary>Trend on main (${rows.length === 1 ? '1 chart' : `${rows.length} charts`}: the newest stored commits, then this PR)</summary>`,
    ''
  ]
  for (const row of rows) {
    const last = row.main[row.main.length - 1]!
    out.push(
      `**${escape(row.benchmark)}** ${escape(row.label)}: this PR ${formatMetric(row.metric, row.head)}, ` +
        `main ${formatMetric(row.metric, last.value)} at ${last.commit} (${row.main.length} stored commits)`,
      '',
      trendChart(row),
      ''
    )
  }
  out.push('</details>')
  return out.join('\n')
}
