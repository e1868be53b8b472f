// Main's trend beside a PR (pure): which rows get a chart, the chart's exact text, names
// that try to break out of mermaid or markdown, and the section as the first part dropped
// to fit a size limit.
import type { Series } from '../src/history/series.js'
import {
  renderMarkdownReport,
  renderMarkdownWithin,
  escapeMarkdown
} from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import {
  mermaidText,
  renderTrends,
  trendChart,
  trendsOf,
  TREND_POINTS,
  type TrendRow
} from '../src/report/trend.js'
import { COMPARED_RESULTS, COMPARISON } from '../__fixtures__/results/comparison.js'

const sha = (i: number) => i.toString(16).padStart(2, '0').repeat(20)

function series(benchmark: string, medians: number[]): Series {
  return {
    benchmark,
    kind: 'function',
    metric: 'p50',
    unit: 'duration',
    higherIsBetter: false,
    points: medians.map((median, i) => ({
      commit: sha(i + 1),
      createdAt: '2026-01-01T00:00:00.000Z',
      median,
      values: [median]
    }))
  }
}

describe('trendsOf', () => {
  it('charts the rows of the table of changes that have a stored series, newest points only', () => {
    const long = Array.from({ length: 30 }, (_, i) => 0.1 + i / 1000)
    const rows = trendsOf(
      [
        series('GET /users <script>', long),
        series('stable', [0.1, 0.1, 0.1]), // unchanged: no chart
        series('parse | large @team #12', [0.2])
      ],
      COMPARISON
    )
    expect(rows.map((r) => r.benchmark)).toEqual(['GET /users <script>', 'parse | large @team #12'])
    expect(rows[0]!.main).toHaveLength(TREND_POINTS)
    expect(rows[0]!.main[0]).toEqual({ commit: sha(11).slice(0, 7), value: long[10] })
    expect(rows[0]!.main.at(-1)!.value).toBe(long[29])
    const compared = COMPARISON.benchmarks.find((b) => b.name === 'GET /users <script>')!
    expect(rows[0]!.head).toBe(compared.metrics.find((m) => m.metric === 'p50')!.head)
    expect(rows[0]!.label).toBe('time/op p50')
  })

  it('gives no rows without a series of main', () => {
    expect(trendsOf([], COMPARISON)).toEqual([])
  })
})

const row = (benchmark: string): TrendRow => ({
  benchmark,
  metric: 'p50',
  label: 'time/op p50',
  main: [
    { commit: 'aaaaaaa', value: 0.1 },
    { commit: 'bbbbbbb', value: 0.10234567 }
  ],
  head: 0.12
})

describe('the trend chart', () => {
  it('is a mermaid xychart of main then the PR (exact text)', () => {
    expect(trendChart(row('GET /users'))).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "GET /users time/op p50"',
        '  x-axis ["aaaaaaa", "bbbbbbb", "PR"]',
        '  y-axis "time/op p50 (ms)"',
        '  line [0.1, 0.1023, 0.12]',
        '```'
      ].join('\n')
    )
  })

  it.each([
    ['a quote', 'say "hi"', 'say _hi_'],
    ['a bracket and semicolon', 'x]; line [1]', 'x__ line _1_'],
    ['a mermaid comment', 'fast %% slow', 'fast __ slow'],
    ['backticks (a fence)', 'a ```b``` c', 'a ___b___ c'],
    ['a newline', 'one\ntwo\r\nthree', 'one_two__three'],
    [
      'an HTML comment',
      '<!-- perfgate:report id=default -->',
      '__-- perfgate:report id=default --_'
    ],
    ['a mention', '@octocat', '_octocat']
  ])('keeps %s inside the quoted title', (_what, name, shown) => {
    const chart = trendChart(row(name))
    expect(chart).toContain(`  title "${shown} time/op p50"`)
    const lines = chart.split('\n')
    expect(lines).toHaveLength(7)
    expect(lines.filter((l) => l.includes('`'))).toEqual(['```mermaid', '```'])
    expect(lines[2]).toMatch(/^ {2}title "[^"`;%\][<>@\n]*"$/)
  })

  it('shortens long names', () => {
    expect(mermaidText('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`)
  })

  it('renders a collapsed section whose text escapes the name (exact text)', () => {
    expect(renderTrends([row('GET /users @team')], escapeMarkdown)).toBe(
      [
        '<details><summary>Trend on main (1 chart: the newest stored commits, then this PR)</summary>',
        '',
        '**GET /users @\u200bteam** time/op p50: this PR 120 µs, main 102 µs at bbbbbbb (2 stored commits)',
        '',
        trendChart(row('GET /users @team')),
        '',
        '</details>'
      ].join('\n')
    )
  })
})

describe('the trend in the report', () => {
  const model = {
    ...buildReport(COMPARED_RESULTS, COMPARISON),
    trends: [row('GET /users <script>')]
  }

  it('sits under the table of changes', () => {
    const text = renderMarkdownReport(model)
    expect(text.indexOf('Trend on main')).toBeGreaterThan(text.indexOf('| benchmark'))
    expect(text.indexOf('Trend on main')).toBeLessThan(text.indexOf('Method and environment'))
  })

  it('is the first part left out to fit a size limit', () => {
    const full = renderMarkdownReport(model)
    const fitted = renderMarkdownWithin(model, full.length - 1)
    expect(fitted).not.toContain('Trend on main')
    expect(fitted).toContain('unchanged</summary>')
    expect(fitted).toBe(renderMarkdownReport(model, { omit: new Set(['trends']) }))
  })

  it('is absent without trends, so reports without a data branch are unchanged', () => {
    const plain = buildReport(COMPARED_RESULTS, COMPARISON)
    expect(renderMarkdownReport({ ...plain, trends: [] })).toBe(renderMarkdownReport(plain))
  })
})
