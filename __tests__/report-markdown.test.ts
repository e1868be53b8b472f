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
      ['parse | large @team #12', 'improvement'],
      ['noisy', 'inconclusive']
    ])
    expect(model.quiet.map((r) => [r.benchmark, r.verdict])).toEqual([['stable', 'unchanged']])
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

  it('breaks the autolinks GitHub applies to plain text with an invisible character', () => {
    expect(escapeMarkdown('fixes GH-12 and gh-7, JIRA-345, GHSA-xxxx-2345-abcd')).toBe(
      'fixes GH-\u200b12 and gh-\u200b7, JIRA-\u200b345, GHSA-\u200bxxxx-\u200b2345-abcd'
    )
    expect(escapeMarkdown('see https://evil.example/x, ftp://h and www.evil.example')).toBe(
      'see https\u200b://evil.example/x, ftp\u200b://h and www\u200b.evil.example'
    )
    expect(escapeMarkdown('mail me@example.com, octo/repo@abc1234, octo/repo#9')).toBe(
      'mail me@\u200bexample.com, octo/repo@\u200babc1234, octo/repo#\u200b9'
    )
    // Names that only look alike keep their text.
    expect(escapeMarkdown('json-parse 64-core x86-64 sort 1e6')).toBe(
      'json-parse 64-core x86-64 sort 1e6'
    )
  })

  it('turns an HTML comment into visible text', () => {
    expect(escapeMarkdown('<!-- perfgate:report id=other -->')).toBe(
      '&lt;!-- perfgate:report id=other --&gt;'
    )
  })
})

describe('escapeWithCode', () => {
  it('keeps code spans literal and escapes the rest', () => {
    expect(escapeWithCode('setup `npm run build_all -- *` for @team')).toBe(
      'setup `npm run build_all -- *` for @\u200bteam'
    )
  })

  it('lets no code span carry an HTML comment into the body', () => {
    expect(escapeWithCode('name `<!-- perfgate:report id=other -->` GH-1')).toBe(
      'name `<\u200b!-- perfgate:report id=other --\u200b>` GH-\u200b1'
    )
  })
})

describe('a report with hostile names in every place user text goes', () => {
  const hostile =
    '`<!-- perfgate:report id=other -->` <!-- x --> @team GH-12 #3 GHSA-2345-6789-abcd https://evil.example www.evil.example'
  const model = buildReport(COMPARED_RESULTS, COMPARISON)
  const forged = {
    ...model,
    context: `\`${hostile}\` (abc1234) vs ${hostile}, measured side by side.`,
    changes: model.changes.map((r) => ({ ...r, benchmark: hostile, detail: hostile })),
    quiet: model.quiet.map((r) => ({ ...r, benchmark: hostile, detail: hostile })),
    budgets: model.budgets.map((b) => ({ ...b, benchmark: hostile })),
    targets: model.targets.map((t) => ({ ...t, benchmark: hostile })),
    notes: [{ benchmark: hostile, text: hostile }],
    method: [`${hostile}: 12 pairs, decided.`],
    environment: [hostile]
  }
  const markdown = renderMarkdownReport(forged, { id: 'default' })

  it('holds one HTML comment, the marker on its first line', () => {
    expect(markdown.split('\n')[0]).toBe(reportMarker('default'))
    expect(markdown.match(/<!/g)).toHaveLength(1)
    expect(markdown.match(/-->/g)).toHaveLength(1)
  })

  it('holds no mention, reference or link GitHub would render from plain text', () => {
    const plain = markdown.replace(/`[^`\n]*`/g, '') // code spans are not autolinked
    expect(plain).not.toMatch(/@\w/)
    expect(plain).not.toMatch(/#\d/)
    expect(plain).not.toMatch(/\bGH-\d/i)
    expect(plain).not.toMatch(/\bGHSA-\w/i)
    expect(plain).not.toMatch(/\w:\/\//)
    expect(plain).not.toMatch(/\bwww\./)
    expect(plain).toContain('GH-\u200b12')
  })
})

describe('renderMarkdownWithin', () => {
  it('leaves details out, least important first, to fit a comment', () => {
    const model = buildReport(COMPARED_RESULTS, COMPARISON)
    const full = renderMarkdownReport(model)
    const limit = full.length - 200
    const fitted = renderMarkdownWithin(model, limit)
    expect(fitted.length).toBeLessThanOrEqual(limit)
    expect(fitted).not.toContain('1 unchanged</summary>')
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
  it('names the pinned CPUs of HTTP trials, and shows no other text from a results file', () => {
    const [first] = COMPARED_RESULTS.benchmarks
    const http = (name: string, serverCpus: string) => ({
      ...first!,
      name,
      kind: 'http' as const,
      trials: [1, 2].map(() => ({
        metrics: { rps: 500 },
        durationMs: 1,
        details: { serverCpus, loadgenCpus: '0' }
      }))
    })
    const results = {
      ...COMPARED_RESULTS,
      benchmarks: [http('GET /a', '1-3'), http('GET /b', '1 @team <!-- x -->')]
    }
    const model = buildReport(results, { ...COMPARISON, benchmarks: [] })
    expect(model.method).toContain(
      'HTTP trials pinned (load.pin): load generator on CPU 0, servers on 1-3.'
    )
    expect(model.method.join('\n')).not.toContain('@team')
    const unpinned = { ...COMPARED_RESULTS, benchmarks: [http('GET /b', 'x')] }
    expect(
      buildReport(unpinned, { ...COMPARISON, benchmarks: [] }).method.join('\n')
    ).not.toContain('pinned')
  })

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
