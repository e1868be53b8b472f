import { readFileSync, writeFileSync } from 'node:fs'
import {
  escapeMarkdown,
  escapeWithCode,
  renderMarkdownReport,
  renderMarkdownWithin,
  reportMarker
} from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import { renderTerminalVerdict } from '../src/report/terminal.js'
import { COMPARED_RESULTS, COMPARISON } from '../__fixtures__/results/comparison.js'

function golden(name: string, text: string): void {
  const file = new URL(`../__fixtures__/report/${name}`, import.meta.url)
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text)
  expect(text).toBe(readFileSync(file, 'utf8'))
}

describe('report of an A/B comparison', () => {
  const model = buildReport(COMPARED_RESULTS, COMPARISON)

  it('has the verdicts the fixture plants', () => {
    expect(model.changes.map((r) => [r.benchmark, r.verdict])).toEqual([
      ['GET /users <script>', 'regression'],
      ['parse | large @team #12', 'improvement']
    ])
    expect(model.quiet.map((r) => [r.benchmark, r.verdict])).toEqual([
      ['stable', 'unchanged'],
      ['noisy', 'inconclusive']
    ])
    expect(model.tone).toBe('fail')
    expect(model.headline).toBe(
      '1 regression, 1 improvement, 1 budget exceeded · 1 unchanged · 1 inconclusive'
    )
  })

  it('renders markdown (golden file; UPDATE_GOLDEN=1 npm test rewrites it)', () => {
    const markdown = renderMarkdownReport(model, { version: '0.1.0' })
    expect(markdown.startsWith(reportMarker() + '\n')).toBe(true)
    expect(markdown).not.toContain('<script>')
    expect(markdown).not.toMatch(/@team/)
    golden('comparison.golden.md', markdown)
  })

  it('renders the terminal verdict (golden file)', () => {
    golden('comparison.golden.txt', renderTerminalVerdict(model))
  })
})

describe('escapeMarkdown', () => {
  it('neutralizes HTML, tables, emphasis, links, mentions and issue references', () => {
    expect(escapeMarkdown('<img src=x> | *bold* _it_ [link](u) `code` @octocat #42 a&b')).toBe(
      '&lt;img src=x&gt; \\| \\*bold\\* \\_it\\_ \\[link\\](u) \\`code\\` @\u200boctocat #\u200b42 a&amp;b'
    )
  })
})

describe('escapeWithCode', () => {
  it('keeps code spans literal and escapes the rest', () => {
    expect(escapeWithCode('setup `npm run build_all -- *` for @team')).toBe(
      'setup `npm run build_all -- *` for @\u200bteam'
    )
  })
})

describe('renderMarkdownWithin', () => {
  it('leaves details out, least important first, to fit a comment', () => {
    const model = buildReport(COMPARED_RESULTS, COMPARISON)
    const full = renderMarkdownReport(model)
    const limit = full.length - 200
    const fitted = renderMarkdownWithin(model, limit)
    expect(fitted.length).toBeLessThanOrEqual(limit)
    expect(fitted).not.toContain('unchanged · 1 inconclusive</summary>')
    expect(fitted).toContain('### 🔴 perfgate — 1 regression')
    expect(fitted).toContain('GET /users &lt;script&gt;')
    expect(fitted).toContain('Some details were left out to fit the size limit')
  })

  it('never drops the headline or the changes, and cuts only as a last resort', () => {
    const model = buildReport(COMPARED_RESULTS, COMPARISON)
    const tiny = renderMarkdownWithin(model, 900)
    expect(tiny.length).toBeLessThanOrEqual(900)
    expect(tiny.startsWith(reportMarker())).toBe(true)
    expect(tiny).toContain('report cut to fit the size limit')
  })
})

describe('load generator saturation', () => {
  it('is said in the report when most HTTP trials saturated perfgate itself', () => {
    const [first] = COMPARED_RESULTS.benchmarks
    const http = {
      ...first!,
      name: 'GET /fast',
      kind: 'http' as const,
      trials: [true, true, false].map((saturated) => ({
        metrics: { rps: 50000 },
        durationMs: 1,
        details: { loadgenSaturated: saturated, loadgenCpu: saturated ? 0.97 : 0.5 }
      }))
    }
    const results = { ...COMPARED_RESULTS, benchmarks: [http] }
    const model = buildReport(results, { ...COMPARISON, benchmarks: [] })
    expect(model.notes).toEqual([
      {
        benchmark: 'GET /fast',
        text: expect.stringContaining(
          'is limited by the load generator, not the server'
        ) as unknown as string
      }
    ])
    expect(model.notes[0]!.text).toContain('a core in 2 of 3 trials')
  })
})
