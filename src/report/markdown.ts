/**
 * The markdown report: the PR comment and the job summary (pure; returns a string).
 * Layout in the order a reader asks: headline (can I merge), changes (how sure are we),
 * budgets (which promises broke), then collapsed details (why believe it).
 */
import { markdownTable } from 'markdown-table'
import { DEFAULT_COMMENT_ID } from '../config/defaults.js'
import { CI_LABEL } from './format.js'
import { escapeHtml } from './html.js'
import { NOT_ALL_CLEAR, type AcceptedRow, type ChangeRow, type ReportModel } from './model.js'
import { renderProfileMarkdown } from './profile.js'
import { renderTrends } from './trend.js'

/** The hidden marker that finds perfgate's own comment again (one per config id). */
export function reportMarker(id: string = DEFAULT_COMMENT_ID): string {
  return `<!-- perfgate:report id=${id} -->`
}

/**
 * An invisible character (zero-width space) put inside a token GitHub would otherwise act
 * on: readers see the text unchanged, but GitHub no longer finds a mention, a reference or
 * an HTML comment in it.
 */
const ZW = '\u200b'

/**
 * Escapes user-provided text (benchmark names, messages) for GitHub markdown: no HTML,
 * no table breaks, no emphasis or links, and none of the autolinks GitHub applies to
 * plain text (see neutralizeAutolinks).
 */
export function escapeMarkdown(text: string): string {
  return neutralizeAutolinks(
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_[\]|~])/g, '\\$1')
  ).replace(/\r?\n/g, ' ')
}

/**
 * Keeps GitHub from linking or notifying from plain text (an issue title, where markdown
 * escapes would show): @mentions (also user@host e-mails, owner/repo@sha), #123 and
 * owner/repo#123, GH-123 and custom references (PREFIX-123), GHSA advisory ids, scheme://
 * and www. links. Bare commit hashes are left alone: they link only to this repository's
 * own commits.
 */
export function neutralizeAutolinks(text: string): string {
  return text
    .replace(/@/g, `@${ZW}`)
    .replace(/#(?=\d)/g, `#${ZW}`)
    .replace(/\bGHSA-/gi, (m) => m + ZW)
    .replace(/([a-z])-(?=\d)/gi, `$1-${ZW}`)
    .replace(/\b([a-z][a-z\d+.-]*):\/\//gi, `$1${ZW}://`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZW}.`)
}

/**
 * Code spans render literally, but the comment body still holds their raw text: `<!` and
 * `-->` get an invisible character inside, so no code span carries an HTML comment (a
 * forged report marker) into the body.
 */
function neutralizeCode(span: string): string {
  return span.replace(/<!/g, `<${ZW}!`).replace(/-->/g, `--${ZW}>`)
}

/**
 * Escapes text that holds `code` spans (a branch name, the setup command): the spans stay
 * code, rendered literally by GitHub (without HTML comments, see neutralizeCode); the text
 * around them is escaped.
 */
export function escapeWithCode(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? neutralizeCode(part) : escapeMarkdown(part)))
    .join('')
}

/**
 * Untrusted text of one line as a code span: the fence is longer than any backtick run in
 * the text, and no HTML comment reaches the body (see neutralizeCode).
 */
export function codeSpan(text: string): string {
  const line = text.replace(/\r?\n/g, ' ')
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${neutralizeCode(line)}${pad}${fence}`
}

/**
 * Untrusted text as a fenced code block: the fence is longer than any backtick run in the
 * text, so nothing inside can close it, and no HTML comment reaches the body (see
 * neutralizeCode). The text should be sanitized child output (no control characters).
 */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}text\n${neutralizeCode(text)}\n${fence}`
}

const ICON = {
  regression: '🔴',
  accepted: '☑️',
  improvement: '🟢',
  unchanged: '',
  inconclusive: '⚪'
} as const
/** The verdict column of the changes: the colour and the word, so no cell relies on colour. */
const VERDICT = {
  regression: '🔴 regression',
  accepted: '☑️ accepted',
  improvement: '🟢 improvement',
  unchanged: 'unchanged',
  inconclusive: '⚪ inconclusive'
} as const
const TONE_ICON = { fail: '🔴', neutral: '⚪', doubt: '🟡', pass: '✅' } as const

/** Parts of the report that may be left out to fit a size limit, least important first. */
export type OptionalPart =
  'trends' | 'quiet' | 'budgetTable' | 'targets' | 'method' | 'profiles' | 'stderr' | 'notes'

export interface MarkdownOptions {
  readonly id?: string
  readonly version?: string
  readonly omit?: ReadonlySet<OptionalPart>
}

/**
 * No-break spaces (U+00A0) for perfgate's own figures and labels in a table cell: at the
 * width of a PR comment GitHub wraps cells at every space, which split "100 µs", "time/op
 * p50", "< 0.0001" and an interval over lines. Never applied to user text.
 */
function together(text: string): string {
  return text.replace(/ /g, '\u00a0')
}

const CHANGE_HEADER = `change (${together(CI_LABEL)})`
const P_HEADER = together('p (Holm)')

/**
 * Base and head in one column, "100 µs → 114 µs": a column fewer keeps the table within a
 * comment's width; the arrow stays with base when the cell wraps.
 */
function baseToHead(r: ChangeRow): string {
  return `${together(r.base)}\u00a0→ ${together(r.head)}`
}

/** The change and its interval: each kept whole, the two free to wrap apart. */
function changeCell(r: ChangeRow, bold: boolean): string {
  const change = together(r.change)
  return `${bold ? `**${change}**` : change} ${together(r.interval)}`.trim()
}

function changesTable(rows: readonly ChangeRow[]): string {
  return markdownTable(
    [
      ['verdict', 'benchmark', 'metric', 'base → head', CHANGE_HEADER, P_HEADER],
      ...rows.map((r) => [
        together(VERDICT[r.verdict]),
        escapeMarkdown(r.benchmark),
        together(r.metric),
        baseToHead(r),
        changeCell(r, r.verdict !== 'inconclusive'),
        together(r.p)
      ])
    ],
    { align: ['l', 'l', 'l', 'r', 'r', 'r'] }
  )
}

/**
 * Rows whose counted metric had a pair set aside, one line each under the changes table
 * (the quiet table may be left out of a long comment; this stays).
 */
function setAsideLines(rows: readonly ChangeRow[]): string[] {
  const notes = rows.filter((r) => r.setAside !== undefined)
  if (notes.length === 0) return []
  return [
    ...notes.map((r) => `- ${escapeMarkdown(r.benchmark)} ${together(r.metric)}: ${r.setAside!}`),
    ''
  ]
}

function quietTable(rows: readonly ChangeRow[]): string {
  return markdownTable(
    [
      ['benchmark', 'metric', 'base → head', CHANGE_HEADER, 'verdict'],
      ...rows.map((r) => [
        escapeMarkdown(r.benchmark),
        together(r.metric),
        baseToHead(r),
        changeCell(r, false),
        `${ICON[r.verdict]} ${escapeMarkdown(r.detail)}`.trim()
      ])
    ],
    { align: ['l', 'l', 'r', 'r', 'l'] }
  )
}

/** " ([comment](url))" after an acceptance's line, when it has a link. */
function commentLink(url: string | undefined): string {
  return url ? ` ([comment](${url}))` : ''
}

/** One applied acceptance: who, how much, why (untrusted text escaped, no mentions). */
function acceptedItem(a: AcceptedRow): string {
  const who = `by ${escapeMarkdown(a.by)}${commentLink(a.url)}`
  if (!a.covers) {
    return `- 🔴 **${escapeMarkdown(a.benchmark)}**: accepted up to ${a.bound} ${who}; now ${a.now}: judged again`
  }
  return `- ☑️ **${escapeMarkdown(a.benchmark)}** up to ${a.bound} ${who}: ${escapeMarkdown(a.reason)}`
}

/** The acceptance sections: regressions accepted (or past their bound), commands ignored. */
function acceptanceSections(model: ReportModel): string[] {
  const out: string[] = []
  if (model.accepted.length > 0) {
    out.push('**Accepted regressions**', '', ...model.accepted.map(acceptedItem), '')
  }
  if (model.ignored.length > 0) {
    out.push(
      '**Ignored acceptances**',
      '',
      ...model.ignored.map(
        (i) => `- ${escapeMarkdown(i.by)}${commentLink(i.url)}: ${escapeMarkdown(i.reason)}`
      ),
      ''
    )
  }
  return out
}

/** The commands that would accept the regressions failing the gate (collapsed). */
function acceptCommandsDetails(model: ReportModel): string[] {
  const out: string[] = []
  if (model.acceptCommands.length > 0) {
    out.push(
      '<details><summary>Accept a regression on purpose</summary>',
      '',
      'Someone with write access to the repository can accept a regression with a reason, in a comment on this pull request (one line each; the bound is the upper end of the change measured, and a later change past it is judged again):',
      '',
      commandBlock(model.acceptCommands),
      '',
      '</details>',
      ''
    )
  }
  return out
}

/**
 * Commands to copy, exactly: a `<pre>` block with HTML escapes, which GitHub shows as the
 * text itself (a benchmark named `a <b>` reads `a <b>`), with no markdown, link or mention
 * inside, and no raw HTML in the body. `@` is written as a character reference too, so not
 * even the comment's source text holds a mention for a tool that reads it raw.
 */
function commandBlock(commands: readonly string[]): string {
  const escaped = commands.map((command) => escapeHtml(command).replace(/@/g, '&#64;'))
  return `<pre>${escaped.join('\n')}</pre>`
}

/** Renders the report as GitHub-flavoured markdown. */
export function renderMarkdownReport(model: ReportModel, options: MarkdownOptions = {}): string {
  const out: string[] = [
    reportMarker(options.id),
    `### ${TONE_ICON[model.tone]} perfgate — ${model.headline}`,
    ''
  ]
  if (model.doubt) {
    out.push(
      `**${NOT_ALL_CLEAR}:** ${escapeMarkdown(model.doubt.summary)}:`,
      '',
      ...model.doubt.reasons.map((reason) => `- ${escapeMarkdown(reason)}`),
      ''
    )
  }
  out.push(escapeWithCode(model.context), '')
  if (model.changes.length > 0) out.push(changesTable(model.changes), '')
  out.push(...setAsideLines([...model.changes, ...model.quiet]))
  out.push(...acceptanceSections(model))
  if (model.trends?.length && !options.omit?.has('trends')) {
    out.push(renderTrends(model.trends, escapeMarkdown), '')
  }
  if (model.profiles && !options.omit?.has('profiles'))
    out.push(...renderProfileMarkdown(model.profiles))

  if (model.budgets.length > 0) {
    const failed = model.budgets.filter((b) => b.passed === false)
    const unjudged = model.budgets.filter((b) => b.passed === undefined)
    const met = model.budgets.length - failed.length - unjudged.length
    const items = [
      ...failed.map(
        (b) =>
          `❌ ${escapeMarkdown(b.benchmark)} ${b.metric} ${b.estimate} ${b.interval}, budget ${b.limit}`
      ),
      ...unjudged.map((b) => `⚪ ${escapeMarkdown(b.benchmark)} ${b.metric}: not measured`),
      ...(met > 0 ? [`✅ ${met} ${failed.length + unjudged.length > 0 ? 'others ' : ''}met`] : [])
    ]
    out.push(`**Budgets** — ${items.join(' · ')}`, '')
  }
  const omit = options.omit ?? new Set<OptionalPart>()
  for (const note of model.notes) {
    const text = `> **${escapeMarkdown(note.benchmark)}** ${escapeMarkdown(note.text)}`
    // A trailing backslash is a hard line break: the frame stands on its own line.
    out.push(note.frame ? `${text}\\\n> ${codeSpan(note.frame)}` : text, '')
  }
  if (!omit.has('stderr')) {
    for (const failure of model.failures) {
      if (!failure.stderrTail) continue
      const where = failure.side
        ? `${failure.side}, pair ${failure.trial}`
        : `trial ${failure.trial}`
      out.push(
        `<details><summary>The end of the failing trial's stderr (${where})</summary>`,
        '',
        `**${escapeMarkdown(failure.benchmark)}**`,
        '',
        codeBlock(failure.stderrTail),
        '',
        '</details>',
        ''
      )
    }
  }

  out.push(...acceptCommandsDetails(model))
  if (model.quiet.length > 0 && !omit.has('quiet')) {
    out.push(
      `<details><summary>${model.quiet.length} unchanged</summary>`,
      '',
      quietTable(model.quiet),
      '',
      '</details>',
      ''
    )
  }
  if (model.budgets.length > 0 && !omit.has('budgetTable')) {
    out.push(
      '<details><summary>Budgets</summary>',
      '',
      markdownTable(
        [
          ['', 'benchmark', 'metric', 'budget', `head (${together(CI_LABEL)})`],
          ...model.budgets.map((b) => [
            b.passed === undefined ? '⚪' : b.passed ? '✅' : '❌',
            escapeMarkdown(b.benchmark),
            together(b.metric),
            together(b.limit),
            `${together(b.estimate)} ${together(b.interval)}`.trim()
          ])
        ],
        { align: ['c', 'l', 'l', 'r', 'r'] }
      ),
      '',
      '</details>',
      ''
    )
  }
  if (model.targets.length > 0 && !omit.has('targets')) {
    out.push(
      '<details><summary>Targets</summary>',
      '',
      markdownTable(
        [
          ['benchmark', 'metric', 'target', 'base', 'head', 'progress'],
          ...model.targets.map((t) => [
            escapeMarkdown(t.benchmark),
            together(t.metric),
            together(t.target),
            together(t.base),
            together(t.head),
            t.progress
          ])
        ],
        { align: ['l', 'l', 'r', 'r', 'r', 'l'] }
      ),
      '',
      '</details>',
      ''
    )
  }
  if (omit.size > 0) {
    out.push(
      '<sub>Some details were left out to fit the size limit: the job summary has the whole report.</sub>',
      ''
    )
  }
  if (!omit.has('method')) {
    out.push(
      '<details><summary>Method and environment</summary>',
      '',
      ...model.method.flatMap((line) => [escapeWithCode(line), '']),
      ...model.environment.map(escapeMarkdown),
      '',
      '</details>',
      ''
    )
  }
  out.push(
    `<sub>perfgate${options.version ? ` ${options.version}` : ''} · how to read this report: \`docs/report.md\` in perfgate's repository</sub>`
  )
  return out.join('\n') + '\n'
}

/**
 * The report within `limit` characters (a PR comment holds 65,536): details go first,
 * least important first; the headline, the changes and the budgets line always stay.
 */
export function renderMarkdownWithin(
  model: ReportModel,
  limit: number,
  options: MarkdownOptions = {}
): string {
  const order: OptionalPart[] = [
    'trends',
    'quiet',
    'targets',
    'budgetTable',
    'method',
    'profiles',
    'stderr',
    'notes'
  ]
  const omit = new Set<OptionalPart>()
  let text = renderMarkdownReport(model, { ...options, omit })
  for (const part of order) {
    if (text.length <= limit) return text
    omit.add(part)
    text = renderMarkdownReport(model, { ...options, omit })
  }
  if (text.length <= limit) return text
  const note = '\n\n… report cut to fit the size limit: the job summary has all of it.\n'
  return text.slice(0, limit - note.length) + note
}
