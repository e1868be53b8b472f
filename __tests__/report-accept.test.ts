// Accepted regressions and ignored acceptances in the reports: the verdict word, the
// sections, the command offered, and hostile reasons, logins and addresses kept inert.
import { applyAcceptances, limitsOf } from '../src/compare/accept.js'
import { parseAcceptCommands } from '../src/compare/accept-command.js'
import { renderMarkdownReport } from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import { renderTerminalVerdict } from '../src/report/terminal.js'
import type { Acceptance } from '../src/results/types.js'
import { COMPARED_RESULTS, COMPARISON } from '../__fixtures__/results/comparison.js'

const NAME = 'GET /users <script>'
const HOSTILE =
  '<img src=x onerror=alert(1)> @team #12 [x](https://evil.invalid) \u001b[2J ##[error]'

function acceptance(bound: number, extra: Partial<Acceptance> = {}): Acceptance {
  return {
    benchmark: NAME,
    reason: HOSTILE,
    by: 'octo-cat',
    at: '2026-01-01T00:00:00Z',
    pullRequest: 7,
    url: 'https://github.invalid/o/r/pull/7#issuecomment-1',
    limits: limitsOf(['p50'], bound),
    ...extra
  }
}

const IGNORED = [
  { by: '@admins <b>', url: 'javascript:alert(1)', reason: `no benchmark named ${HOSTILE}` }
]

describe('a covered regression', () => {
  const comparison = applyAcceptances(COMPARISON, [acceptance(0.2)], IGNORED)
  const model = buildReport(COMPARED_RESULTS, comparison)
  const markdown = renderMarkdownReport(model)

  it('reads "accepted" in the changes and the headline, and no longer offers a command', () => {
    expect(model.changes.map((r) => [r.benchmark, r.verdict])).toEqual([
      [NAME, 'accepted'],
      ['parse | large @team #12', 'improvement'],
      ['noisy', 'inconclusive']
    ])
    expect(model.headline).toMatch(/^0 regressions, 1 accepted regression, 1 improvement/)
    expect(model.acceptCommands).toEqual([])
    expect(markdown).toContain('| ☑️\u00a0accepted')
    expect(markdown).not.toContain('Accept a regression on purpose')
  })

  it('says who accepted how much and why, with every untrusted part inert', () => {
    expect(markdown).toContain('**Accepted regressions**')
    const line = markdown.split('\n').find((l) => l.startsWith('- ☑️'))!
    expect(line).toContain(
      'up to +20 % by octo-cat ([comment](https://github.invalid/o/r/pull/7#issuecomment-1))'
    )
    expect(line).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(line).not.toMatch(/<img|@team|\]\(https:\/\/evil/)
    expect(markdown).not.toContain('\u001b')
    expect(line).toContain('\\x1b')
    expect(markdown).toContain('**Ignored acceptances**')
    const ignored = markdown.split('\n').find((l) => l.includes('no benchmark named'))!
    expect(ignored).toMatch(/^- @\u200badmins &lt;b&gt;: no benchmark named &lt;img/)
    expect(ignored).not.toContain('javascript:')
  })

  it('lists them in the terminal without control characters', () => {
    const text = renderTerminalVerdict(model)
    expect(text).toContain(
      'Accepted regressions\n  GET /users <script> up to +20 % by octo-cat: <img'
    )
    expect(text).toContain('Ignored acceptances\n  @admins <b>: no benchmark named <img')
    expect(text).not.toContain('\u001b')
    expect(text).toContain('\\x1b[2J')
  })
})

describe('a change past its bound', () => {
  const comparison = applyAcceptances(COMPARISON, [acceptance(0.09)])
  const model = buildReport(COMPARED_RESULTS, comparison)
  const markdown = renderMarkdownReport(model)

  it('is judged again, and the report says by how much it is past', () => {
    expect(model.changes[0]).toMatchObject({ benchmark: NAME, verdict: 'regression' })
    expect(markdown).toContain(
      '- 🔴 **GET /users &lt;script&gt;**: accepted up to +9 % by octo-cat ([comment](https://github.invalid/o/r/pull/7#issuecomment-1)); now +13.7 %: judged again'
    )
  })

  it('offers the command with a new bound, which reads back as the same benchmark', () => {
    expect(model.acceptCommands).toEqual(['/perfgate accept "GET /users <script>" +14% <reason>'])
    expect(markdown).toContain(
      '<pre>/perfgate accept &quot;GET /users &lt;script&gt;&quot; +14% &lt;reason&gt;</pre>'
    )
    const [read] = parseAcceptCommands(model.acceptCommands[0]!.replace('<reason>', 'why'))
    expect(read).toEqual({ ok: true, benchmark: NAME, bound: 0.14, reason: 'why' })
  })
})

it('names `all` for an acceptance of every benchmark, and any change without limits', () => {
  const { limits: _none, ...unbounded } = acceptance(0)
  const model = buildReport(
    COMPARED_RESULTS,
    applyAcceptances(COMPARISON, [{ ...unbounded, benchmark: '*' }])
  )
  expect(model.accepted).toEqual([
    expect.objectContaining({ benchmark: 'all', bound: 'any change', covers: true })
  ])
})
