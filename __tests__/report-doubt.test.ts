// A report never hides doubt: inconclusive gated tests are said above the fold with their
// reasons, the base/head columns agree with the change beside them, and an errored
// benchmark's failing trial and stderr tail reach the markdown (escaped).
import { readFileSync, writeFileSync } from 'node:fs'
import { compareResults } from '../src/compare/compare.js'
import { codeBlock, renderMarkdownReport, reportMarker } from '../src/report/markdown.js'
import { buildReport, doubtText, topFrame } from '../src/report/model.js'
import { renderTerminalVerdict } from '../src/report/terminal.js'
import type { BenchmarkResult, Results } from '../src/results/types.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { BASE, benchResult, NOISE, WILD } from '../__fixtures__/results/comparison.js'

function golden(name: string, text: string): void {
  const file = new URL(`../__fixtures__/report/${name}`, import.meta.url)
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text)
  expect(text).toBe(readFileSync(file, 'utf8'))
}

function judged(head: BenchmarkResult[], base: BenchmarkResult[] | undefined): Results {
  const mode = base ? ('paired' as const) : undefined
  const comparison = compareResults({ mode, head, base, compare: SAMPLE_RESULTS.compare })
  return {
    ...SAMPLE_RESULTS,
    benchmarks: head,
    ...(base
      ? {
          base: {
            source: 'the merge-base with main (e4f5a6b)',
            environment: SAMPLE_RESULTS.environment,
            benchmarks: base
          }
        }
      : {}),
    comparison
  }
}

describe('a run whose only doubt is inconclusive gated tests', () => {
  const scaled = (factor: number, noise: number[]) => BASE.map((v, i) => v * factor + noise[i]!)
  const head = [
    benchResult('stable', scaled(1.004, NOISE), 'decided'),
    benchResult('noisy', scaled(1.02, WILD), 'max-pairs'),
    benchResult('slow endpoint', scaled(1.03, WILD), 'time-budget'),
    benchResult('one pair', [100], 'time-budget')
  ]
  const base = head.map((h) => benchResult(h.name, h.name === 'one pair' ? [100] : BASE, undefined))
  const results = judged(head, base)
  const model = buildReport(results, results.comparison!)

  it('is not green: its tone is doubt, and the line under the headline says why', () => {
    expect(results.comparison!.gate.failed).toBe(false)
    expect(model.tone).toBe('doubt')
    expect(model.headline).toBe('0 regressions, 0 improvements · 1 unchanged · 3 inconclusive')
    const doubt = doubtText(model.doubt!)
    expect(doubt).toContain('3 of 4 gated tests inconclusive')
    expect(doubt).toContain('noisy time/op p50: too noisy for 10 pairs')
    expect(doubt).toContain("slow endpoint time/op p50: cut short by the run's time budget")
    // Cut short by the budget after one pair: the budget is the reason, not the pair count.
    expect(doubt).toContain(
      "one pair time/op p50: cut short by the run's time budget after 1 pair, too few to test"
    )
    expect(doubt).not.toContain('too few pairs to test')
  })

  it('shows inconclusive rows in the open table, only "unchanged" folded away', () => {
    expect(model.changes.map((r) => r.verdict)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive'
    ])
    expect(model.quiet.map((r) => r.benchmark)).toEqual(['stable'])
  })

  it('renders markdown with a yellow headline and the reasons above the table (golden)', () => {
    const markdown = renderMarkdownReport(model, { version: '0.1.0' })
    const lines = markdown.split('\n')
    expect(lines[1]).toBe(
      '### 🟡 perfgate — 0 regressions, 0 improvements · 1 unchanged · 3 inconclusive'
    )
    expect(lines[3]).toMatch(/^\*\*Not an all-clear:\*\* 3 of 4 gated tests inconclusive/)
    expect(lines.slice(5, 8)).toEqual([
      '- noisy time/op p50: too noisy for 10 pairs, about 77 pairs would likely decide',
      "- slow endpoint time/op p50: cut short by the run's time budget",
      "- one pair time/op p50: cut short by the run's time budget after 1 pair, too few to test"
    ])
    expect(markdown).not.toContain('✅ perfgate')
    golden('inconclusive.golden.md', markdown)
  })

  it('renders the terminal verdict with the same line (golden)', () => {
    const text = renderTerminalVerdict(model)
    expect(text.split('\n')[0]).toBe(
      '? perfgate — 0 regressions, 0 improvements · 1 unchanged · 3 inconclusive'
    )
    golden('inconclusive.golden.txt', text)
  })

  it('says the reason when the run was cut at the time cap, and lists at most four', () => {
    const many = [1, 2, 3, 4, 5].map((i) =>
      benchResult(`capped ${i}`, scaled(1.02, WILD), 'max-time')
    )
    const r = judged(
      many,
      many.map((h) => benchResult(h.name, BASE, undefined))
    )
    const doubt = doubtText(buildReport(r, r.comparison!).doubt!)
    expect(doubt).toContain('capped 1 time/op p50: stopped at the time cap (compare.max-time)')
    expect(doubt).not.toContain('capped 5')
    expect(doubt).toContain('1 more below')
  })

  it('says when a benchmark stopped early because its last look was unlikely to decide', () => {
    const futile = benchResult('hopeless', scaled(1.02, WILD), 'futile')
    const r = judged([futile], [benchResult('hopeless', BASE, undefined)])
    const m = buildReport(r, r.comparison!)
    expect(m.tone).toBe('doubt')
    expect(doubtText(m.doubt!)).toContain(
      'hopeless time/op p50: too noisy for 10 pairs (stopped early: unlikely to decide by 30 pairs)'
    )
    expect(renderMarkdownReport(m, { version: '0.1.0' })).toContain(
      'hopeless: 10 pairs, stopped at look 1 of 3, too unlikely to decide by the last'
    )
  })

  it('has no doubt line, and a green tone, when every gated test decided', () => {
    const r = judged([head[0]!], [base[0]!])
    const m = buildReport(r, r.comparison!)
    expect(m.doubt).toBeUndefined()
    expect(m.tone).toBe('pass')
  })
})

describe('base and head columns', () => {
  it('agree with the change beside them, paired and unpaired, when medians disagree', () => {
    // Head's median is above base's, but most pairs are faster: the estimate is negative.
    const baseValues = [4.75, 4.7, 4.8, 4.76, 4.74, 4.72, 4.78, 4.73, 4.77, 4.75]
    const headValues = [4.6, 4.55, 4.65, 4.6, 30, 41.6, 25, 9, 12, 4.58]
    for (const mode of ['paired', 'unpaired'] as const) {
      const head = [benchResult('parser', headValues, mode === 'paired' ? 'max-pairs' : undefined)]
      const base = [benchResult('parser', baseValues, undefined)]
      const comparison = compareResults({ mode, head, base, compare: SAMPLE_RESULTS.compare })
      const m = comparison.benchmarks[0]!.metrics[0]!
      const row = buildReport({ ...SAMPLE_RESULTS, benchmarks: head }, comparison).changes[0]!
      const number = (text: string) => Number.parseFloat(text)
      const shownRatio = number(row.head) / number(row.base)
      // The figures shown agree in sign and, to their rounding, in size with the change.
      expect(Math.sign(shownRatio - 1)).toBe(Math.sign(m.ratio - 1))
      expect(Math.abs(shownRatio - m.ratio)).toBeLessThan(0.01)
      expect(row.base).toBe('4.75 µs')
      expect(m.head).toBeGreaterThan(m.base) // the medians alone would say "slower"
    }
  })
})

describe('an errored benchmark in the markdown report', () => {
  const tail =
    'Error: boom\n    at parse (bench/x.ts:3:9)\n<!-- perfgate:report id=other -->\n' +
    '```\n# not a heading @team\n````` five\n\u001b[31mred\u001b[0m'
  const failing = {
    ...benchResult('explodes', [100, 100], 'errored'),
    state: 'errored' as const,
    error: { message: 'trial 3 threw: Error: boom', detail: tail, trial: 2 }
  }

  it('gives the failing trial and the stderr tail in a fence nothing inside can close', () => {
    const head = [benchResult('fine', BASE, 'decided'), failing as BenchmarkResult]
    const base = [
      benchResult('fine', BASE, undefined),
      benchResult('explodes', [100, 100], undefined)
    ]
    const results = judged(head, base)
    const model = buildReport(results, results.comparison!)
    expect(model.tone).toBe('fail')
    expect(model.failures).toEqual([
      {
        benchmark: 'explodes',
        side: 'head',
        trial: 3,
        stderrTail: expect.stringContaining('\\x1b[31mred') as unknown as string
      }
    ])
    const markdown = renderMarkdownReport(model, { version: '0.1.0' })
    // The top frame in sight under the message, as code on a line of its own.
    expect(model.notes[0]!.frame).toBe('at parse (bench/x.ts:3:9)')
    expect(markdown).toContain(
      '> **explodes** could not be measured on head (failed in pair 3): trial 3 threw: Error: boom\\\n' +
        '> `at parse (bench/x.ts:3:9)`\n'
    )
    expect(markdown).toContain('``````text\nError: boom')
    // One HTML comment only: the marker on the first line.
    expect(markdown.split('\n')[0]).toBe(reportMarker())
    expect(markdown.match(/<!/g)).toHaveLength(1)
    expect(markdown).not.toContain('\u001b')
    golden('errored.golden.md', markdown)
  })

  it('gives them without a baseline too', () => {
    const results = judged([failing as BenchmarkResult], undefined)
    const model = buildReport(results, results.comparison!)
    const markdown = renderMarkdownReport(model)
    expect(markdown).toContain('> **explodes** could not be measured (trial 3 failed)')
    expect(markdown).toContain("The end of the failing trial's stderr (trial 3)")
    expect(markdown).toContain('> `at parse (bench/x.ts:3:9)`')
  })

  it('keeps a hostile top frame a code span that nothing inside can close', () => {
    const frame = 'at `x` <!-- perfgate:report id=other --> @team (bench/x.ts:1:1)'
    const results = judged(
      [{ ...failing, error: { ...failing.error, detail: `Error: boom\n    ${frame}` } }],
      undefined
    )
    const markdown = renderMarkdownReport(buildReport(results, results.comparison!))
    expect(markdown).toContain(
      '> ``at `x` <\u200b!-- perfgate:report id=other --\u200b> @team (bench/x.ts:1:1)``'
    )
    expect(markdown.match(/<!/g)).toHaveLength(1)
  })

  it('takes the first "at" line as the top frame, cut when very long', () => {
    expect(topFrame('Error: x\n    at a (f.js:1:2)\n    at b (f.js:3:4)')).toBe('at a (f.js:1:2)')
    expect(topFrame('Error: x\nno stack here')).toBeUndefined()
    expect(topFrame(undefined)).toBeUndefined()
    const long = topFrame(`    at ${'x'.repeat(300)}`)!
    expect(long).toHaveLength(160)
    expect(long.endsWith('…')).toBe(true)
  })

  it('leaves the stderr out before the notes when the comment must shrink', () => {
    const results = judged([failing as BenchmarkResult], undefined)
    const model = buildReport(results, results.comparison!)
    const markdown = renderMarkdownReport(model, { omit: new Set(['stderr']) })
    expect(markdown).toContain('could not be measured (trial 3 failed)')
    expect(markdown).not.toContain("The end of the failing trial's stderr")
    expect(markdown).not.toContain('Error: boom\n')
    // The top frame belongs to the note: it stays.
    expect(markdown).toContain('> `at parse (bench/x.ts:3:9)`')
  })
})

describe('codeBlock', () => {
  it('fences with more backticks than the longest run inside, at least three', () => {
    expect(codeBlock('plain')).toBe('```text\nplain\n```')
    expect(codeBlock('a ```` b')).toBe('`````text\na ```` b\n`````')
    expect(codeBlock('<!-- x -->')).toBe('```text\n<\u200b!-- x --\u200b>\n```')
  })
})
