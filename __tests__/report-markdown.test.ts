import { readFileSync, writeFileSync } from 'node:fs'
import { escapeMarkdown, renderMarkdownReport, reportMarker } from '../src/report/markdown.js'
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
