// "Where the time went" in the report, and the differential flame graph page: exact text,
// and hostile function names (they come from the code under test) kept inert.
import { renderFlameGraph } from '../src/profile/flamegraph.js'
import {
  aggregateProfiles,
  SHOWN_FILE_LENGTH,
  SHOWN_NAME_LENGTH,
  type CallTree
} from '../src/profile/aggregate.js'
import type { CpuProfile } from '../src/profile/cpuprofile.js'
import { parseCpuProfile } from '../src/profile/cpuprofile.js'
import { diffProfiles } from '../src/profile/diff.js'
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

describe('hostile names read from a profile', () => {
  // Bidi overrides and isolates, C0 and C1 controls, a line separator, and length: taken
  // from a real .cpuprofile text through aggregation, as the run does.
  const names = {
    bidi: 'check\u202eFDP.exe\u202c',
    isolate: 'a\u2066b\u2069\u200fc\u061c',
    controls: 'x\u001b]0;pwned\u0007\u009b2J\r\n\u2028y',
    long: 'z'.repeat(5000)
  }
  const profile = (extra: Record<string, number>): CpuProfile => {
    const entries = Object.entries(names)
    return parseCpuProfile(
      JSON.stringify({
        nodes: [
          {
            id: 1,
            callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 },
            children: entries.map((_, i) => i + 2)
          },
          ...entries.map(([, name], i) => ({
            id: i + 2,
            callFrame: {
              functionName: name,
              url: `file:///repo/src/${name}.js`,
              lineNumber: 0,
              columnNumber: 0
            }
          }))
        ],
        startTime: 0,
        endTime: 1000,
        samples: entries.flatMap(([key], i) => Array(extra[key] ?? 1).fill(i + 2)),
        timeDeltas: entries.flatMap(([key]) => Array(extra[key] ?? 1).fill(10))
      }),
      'hostile.cpuprofile'
    )
  }
  const table = (p: CpuProfile) => aggregateProfiles([{ profile: p }], 1, 'op', { root: '/repo' })
  const base = table(profile({}))
  const head = table(profile({ bidi: 5, isolate: 5, controls: 5, long: 5 }))
  const found: BenchmarkProfile = {
    benchmark: 'parse',
    status: 'profiled',
    trials: { base: 1, head: 1 },
    diff: diffProfiles(base, head)
  }
  // Every character that reorders or controls text, however it is written in the output.
  const RAW =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/

  it('reach the terminal with every control made visible, and cut', () => {
    const lines = renderProfileTerminal(profileSections([found]))
    const text = lines.join('\n')
    expect(text).not.toMatch(RAW)
    expect(text).toContain('check\\u202eFDP.exe\\u202c')
    expect(text).toContain('x\\u001b]0;pwned\\u0007\\u009b2J\\u000d\\u000a\\u2028y')
    const longLine = lines.find((l) => l.includes('zzz'))!
    expect(longLine).toContain(`${'z'.repeat(SHOWN_NAME_LENGTH - 1)}…`)
    expect(longLine).toContain(`src/${'z'.repeat(SHOWN_FILE_LENGTH - 5)}…`)
    expect(longLine.length).toBeLessThan(SHOWN_NAME_LENGTH + SHOWN_FILE_LENGTH + 100)
    expect(lines.every((l) => l.length < 600)).toBe(true)
  })

  it('reach the markdown report inside code spans, without raw controls', () => {
    const model = withProfiles(buildReport(COMPARED_RESULTS, COMPARISON), profileSections([found]))
    const markdown = renderMarkdownReport(model, { id: 'default' })
    expect(markdown).not.toMatch(RAW)
    expect(markdown).toContain('`check\\u202eFDP.exe\\u202c`')
    expect(markdown).not.toContain('z'.repeat(SHOWN_FILE_LENGTH))
  })

  it('reach the flame graph page escaped', () => {
    const html = renderFlameGraph({ title: 'parse', unit: 'op', base: base.tree, head: head.tree })
    expect(html).not.toMatch(RAW)
    expect(html).toContain('check\\u202eFDP.exe\\u202c')
    expect(html).not.toContain('z'.repeat(SHOWN_FILE_LENGTH))
  })
})
