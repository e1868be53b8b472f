// "Where the time went" in the report, and the differential flame graph page: exact text,
// and hostile function names (they come from the code under test) kept inert.
import { renderFlameGraph } from '../src/profile/flamegraph.js'
import type { CallTree } from '../src/profile/aggregate.js'
import type { FunctionChange, ProfileDiff } from '../src/profile/diff.js'
import type { BenchmarkProfile } from '../src/profile/types.js'
import { renderMarkdownReport, renderMarkdownWithin, reportMarker } from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import {
  profileSections,
  renderProfileMarkdown,
  renderProfileTerminal,
  withProfiles
} from '../src/report/profile.js'
import { renderTerminalVerdict } from '../src/report/terminal.js'
import { COMPARED_RESULTS, COMPARISON } from '../__fixtures__/results/comparison.js'

const change = (over: Partial<FunctionChange> & { name: string }): FunctionChange => ({
  key: `code:${over.name}`,
  kind: 'code',
  base: 1,
  head: 2,
  delta: 1,
  share: 0.5,
  isNew: false,
  ...over
})

function diff(grew: FunctionChange[]): ProfileDiff {
  return { unit: 'op', baseCpu: 10, headCpu: 12.5, grew, baseSamples: 900, headSamples: 1000 }
}

const PROFILED: BenchmarkProfile = {
  benchmark: 'parse',
  status: 'profiled',
  trials: { base: 2, head: 2 },
  diff: diff([
    change({
      name: 'slowHelper',
      file: 'src/helper.js',
      line: 12,
      base: 1.2,
      head: 3.1,
      delta: 1.9,
      share: 0.76
    }),
    change({
      name: 'extraStep',
      file: 'src/x.js',
      line: 3,
      base: 0,
      head: 0.4,
      delta: 0.4,
      share: 0.16,
      isNew: true
    }),
    change({
      key: 'dep:fast-json',
      name: 'fast-json',
      kind: 'dependency',
      base: 0.5,
      head: 0.6,
      delta: 0.1,
      share: 0.04
    })
  ]),
  files: {
    base: ['/out/profiles/parse/base-1.cpuprofile'],
    head: ['/out/profiles/parse/head-1.cpuprofile'],
    flameGraph: '/out/profiles/parse/flamegraph.html'
  }
}

const UNAVAILABLE: BenchmarkProfile = {
  benchmark: 'GET /users',
  status: 'unavailable',
  message: 'the server wrote no CPU profile: it does not run on Node (or ignores NODE_OPTIONS)'
}

describe('Where the time went', () => {
  const sections = profileSections([PROFILED, UNAVAILABLE], (dir) => dir.replace('/out/', ''))

  it('lists the functions that grew, base → head per op, with their share', () => {
    expect(renderProfileMarkdown(sections).join('\n')).toBe(
      [
        '**Where the time went** · parse — CPU time per op 10.0 µs → 12.5 µs',
        '',
        '- `slowHelper` in `src/helper.js:12`: 1.20 µs → 3.10 µs per op, 76 % of the change',
        '- `extraStep` in `src/x.js:3` (new): – → 400 ns per op, 16 % of the change',
        '- `fast-json` in `node_modules`: 500 ns → 600 ns per op, 4 % of the change',
        '',
        '<sub>2 profiled trials per side, outside the measured ones. CPU profiles (Chrome DevTools, speedscope) and a differential flame graph: `profiles/parse`.</sub>',
        '',
        '**Where the time went** · GET /users',
        '',
        '<sub>no profile: the server wrote no CPU profile: it does not run on Node (or ignores NODE\\_OPTIONS)</sub>',
        ''
      ].join('\n')
    )
  })

  it("gives Node's own work as one line beside the list, not in it", () => {
    const http: BenchmarkProfile = {
      ...PROFILED,
      benchmark: 'GET /orders',
      diff: {
        ...diff([change({ name: 'total', file: 'src/orders.js', line: 4 })]),
        unit: 'request',
        node: { base: 61, head: 70.2 }
      }
    }
    const [section] = profileSections([http])
    expect(section!.node).toBe('61.0 µs → 70.2 µs')
    expect(renderProfileMarkdown([section!])).toContain(
      "<sub>Node's own work (its modules and their native calls; not ranked): 61.0 µs → 70.2 µs per request. 2 profiled trials per side, outside the measured ones. CPU profiles (Chrome DevTools, speedscope) and a differential flame graph: `/out/profiles/parse`.</sub>"
    )
    expect(renderProfileTerminal([section!])).toContain(
      "  Node's own work (its modules and their native calls; not ranked): 61.0 µs → 70.2 µs per request"
    )
  })

  it('shows at most five functions', () => {
    const many = {
      ...PROFILED,
      diff: diff(Array.from({ length: 8 }, (_, i) => change({ name: `f${i}` })))
    }
    expect(profileSections([many])[0]!.rows.map((r) => r.name)).toEqual([
      'f0',
      'f1',
      'f2',
      'f3',
      'f4'
    ])
  })

  it('says when no function grew', () => {
    const none = { ...PROFILED, diff: diff([]) }
    expect(renderProfileMarkdown(profileSections([none]))).toContain(
      "<sub>2 profiled trials per side, outside the measured ones; no function's own time per op grew noticeably. CPU profiles (Chrome DevTools, speedscope) and a differential flame graph: `/out/profiles/parse`.</sub>"
    )
  })

  it('goes under the changes table in the comment and in the terminal', () => {
    const model = withProfiles(buildReport(COMPARED_RESULTS, COMPARISON), sections)
    const markdown = renderMarkdownReport(model)
    const table = markdown.indexOf('| benchmark')
    const where = markdown.indexOf('**Where the time went** · parse')
    expect(table).toBeGreaterThan(0)
    expect(where).toBeGreaterThan(table)
    expect(markdown.indexOf('**Budgets**')).toBeGreaterThan(where)
    const terminal = renderTerminalVerdict(model)
    expect(terminal).toContain(
      'Where the time went · parse — CPU time per op 10.0 µs → 12.5 µs\n' +
        '  slowHelper (src/helper.js:12): 1.20 µs → 3.10 µs per op, 76 % of the change\n' +
        '  extraStep (src/x.js:3) new: – → 400 ns per op, 16 % of the change\n'
    )
    // Without sections the model and its rendering are as before.
    expect(withProfiles(buildReport(COMPARED_RESULTS, COMPARISON), [])).toEqual(
      buildReport(COMPARED_RESULTS, COMPARISON)
    )
  })

  it('is left out before the notes when the comment must shrink', () => {
    const model = withProfiles(buildReport(COMPARED_RESULTS, COMPARISON), sections)
    const withoutMethod = renderMarkdownReport(model, {
      omit: new Set(['quiet', 'targets', 'budgetTable', 'method'])
    })
    const fitted = renderMarkdownWithin(model, withoutMethod.length - 1)
    expect(fitted).not.toContain('Where the time went')
    expect(fitted).toContain('Some details were left out')
  })
})

describe('hostile function names', () => {
  const hostile =
    'x`<!-- perfgate:report id=other -->` @team #12 | *b* https://evil.example\n\u001b[2J'
  const profile: BenchmarkProfile = {
    ...PROFILED,
    benchmark: 'parse @team',
    diff: diff([change({ name: hostile, file: `src/${hostile}.js`, line: 1 })])
  }

  it('stay inside code spans in markdown: no HTML comment, no mention, no broken line', () => {
    const model = withProfiles(
      buildReport(COMPARED_RESULTS, COMPARISON),
      profileSections([profile])
    )
    const markdown = renderMarkdownReport(model, { id: 'default' })
    expect(markdown.match(/<!/g)).toHaveLength(1)
    expect(markdown.match(/-->/g)).toHaveLength(1)
    expect(markdown.split('\n')[0]).toBe(reportMarker('default'))
    const line = markdown.split('\n').find((l) => l.startsWith('- `x'))!
    // One line, the name's backticks replaced so the span cannot end early.
    expect(line.match(/`/g)).toHaveLength(4)
    expect(line).toContain(
      "`x'<\u200b!-- perfgate:report id=other --\u200b>' @team #12 | *b* https://evil.example \\x1b[2J`"
    )
    const plain = markdown.replace(/`[^`\n]*`/g, '')
    expect(plain).not.toMatch(/@team/)
    expect(markdown).not.toContain('\u001b')
  })

  it('are inert in the terminal', () => {
    const text = renderProfileTerminal(profileSections([profile])).join('\n')
    expect(text).not.toContain('\u001b')
    expect(text).toContain('\\x1b[2J')
  })

  it('are escaped in the flame graph page', () => {
    const tree = (name: string, total: number, children: CallTree[] = []): CallTree => ({
      id: { key: name, name, kind: 'code', file: 'src/<b>.js' },
      self: total - children.reduce((s, c) => s + c.total, 0),
      total,
      children
    })
    const html = renderFlameGraph({
      title: `perfgate: ${hostile}`,
      unit: 'op',
      base: tree('(all)', 10, [tree('<script>alert(1)</script>', 5)]),
      head: tree('(all)', 20, [tree('<script>alert(1)</script>', 15), tree(hostile, 5)])
    })
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('\u001b')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toMatch(/\b(src|href)=/) // nothing loaded from anywhere
    // The grown frame is red, the new one too; widths follow head's time.
    expect(html).toMatch(/width="900\.00" height="17" fill="rgb\(240,/)
    expect(html).toContain('new: not on base')
  })
})
