/**
 * The terminal report of a run: per benchmark and headline metric, the median of the
 * trials, their spread and range (pure; returns a string).
 */
import { REASON_MAX } from '../compare/accept-command.js'
import { HEADLINE_METRICS, metricLabel } from '../metrics.js'
import { sanitizeChildText, TERMINAL_NAME_MAX, terminalName } from '../process/text.js'
import type { Results } from '../results/types.js'
import { CI_LABEL, formatBytes, formatMetric, formatPercent } from './format.js'
import { doubtText, type ReportModel } from './model.js'
import { renderProfileTerminal } from './profile.js'
import { renderTextTable } from './text-table.js'

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/**
 * The one pass every terminal text goes through. Results read from a file carry untrusted
 * text in any field (benchmark names, error messages, the environment, a baseline's file
 * name): a name too long for a line is cut wherever it appears (table cells are cut before
 * the table is laid out), and control and bidirectional characters are shown escaped. The
 * renderers here emit none of their own.
 */
function forTerminal(text: string, names: Iterable<string>): string {
  let out = text
  for (const name of new Set(names)) {
    if ([...name].length > TERMINAL_NAME_MAX) out = out.split(name).join(terminalName(name))
  }
  return sanitizeChildText(out)
}

/** Renders results as a table for the terminal. */
export function renderTerminalReport(results: Results): string {
  const env = results.environment
  const header = ['benchmark', 'metric', 'median', 'spread', 'min … max', 'trials']
  const rows: string[][] = []
  const failures: string[] = []
  for (const bench of results.benchmarks) {
    let first = true
    const name = () => {
      const shown = first ? terminalName(bench.name) : ''
      first = false
      return shown
    }
    for (const metric of HEADLINE_METRICS[bench.kind]) {
      const s = bench.summary[metric]
      if (!s) continue
      rows.push([
        name(),
        metricLabel(metric, bench.kind),
        formatMetric(metric, s.median),
        `±${formatPercent(s.spread)}`,
        `${formatMetric(metric, s.min)} … ${formatMetric(metric, s.max)}`,
        String(s.n)
      ])
    }
    if (bench.state === 'errored') {
      rows.push([
        name(),
        'ERRORED',
        `at trial ${bench.error.trial + 1}`,
        '',
        '',
        String(bench.trials.length)
      ])
      const detail = bench.error.detail
        ? '\n' +
          bench.error.detail
            .split('\n')
            .map((l) => `    │ ${l}`)
            .join('\n')
        : ''
      failures.push(`✗ ${bench.name}: ${bench.error.message}${detail}`)
    }
  }

  const errored = results.benchmarks.filter((b) => b.state === 'errored').length
  const git = env.git
    ? ` · ${env.git.branch ?? 'detached'} @ ${env.git.commit.slice(0, 7)}${env.git.dirty ? ' (dirty)' : ''}`
    : ''
  const lines = [
    `perfgate · ${plural(results.benchmarks.length, 'benchmark')}${git}`,
    `${env.os} ${env.arch} · ${env.cpuModel} · ${plural(env.cores, 'core')} · ${formatBytes(env.totalMemoryBytes)} · Node ${env.node}`,
    '',
    renderTextTable(header, rows, ['left', 'left', 'right', 'right', 'right', 'right']),
    ''
  ]
  if (failures.length > 0) lines.push(...failures, '')
  lines.push(
    `${plural(results.benchmarks.length - errored, 'benchmark')} measured` +
      (errored > 0 ? `, ${errored} errored` : '') +
      ` · spread = 1.4826 × MAD / median across trials, each trial a fresh process`
  )
  return forTerminal(
    lines.join('\n') + '\n',
    results.benchmarks.map((b) => b.name)
  )
}

const MARK = {
  regression: '▲ regression',
  accepted: '▲ accepted',
  improvement: '▼ improvement',
  unchanged: '= unchanged',
  inconclusive: '? inconclusive'
}
const TONE = { fail: '✗', neutral: '•', doubt: '?', pass: '✓' }

/** Accepted regressions and ignored acceptances (the command to accept is for PRs only). */
function acceptanceLines(model: ReportModel): string[] {
  const lines: string[] = []
  if (model.accepted.length > 0) {
    lines.push('Accepted regressions')
    for (const a of model.accepted) {
      lines.push(
        a.covers
          ? `  ${terminalName(a.benchmark)} up to ${a.bound} by ${terminalName(a.by)}: ${terminalName(a.reason, REASON_MAX)}`
          : `  ${terminalName(a.benchmark)}: accepted up to ${a.bound} by ${terminalName(a.by)}; now ${a.now}: judged again`
      )
    }
    lines.push('')
  }
  if (model.ignored.length > 0) {
    lines.push('Ignored acceptances')
    for (const i of model.ignored) {
      lines.push(`  ${terminalName(i.by)}: ${terminalName(i.reason, REASON_MAX)}`)
    }
    lines.push('')
  }
  return lines
}

/** Renders the verdict part of a report (comparison, budgets, targets) for the terminal. */
export function renderTerminalVerdict(model: ReportModel): string {
  const lines = [
    `${TONE[model.tone]} perfgate — ${model.headline}`,
    ...(model.doubt ? [doubtText(model.doubt)] : []),
    model.context.replace(/`/g, ''),
    ''
  ]
  const rows = [...model.changes, ...model.quiet]
  if (rows.length > 0) {
    lines.push(
      renderTextTable(
        ['verdict', 'benchmark', 'metric', 'base', 'head', 'change', CI_LABEL, 'p (Holm)'],
        rows.map((r) => [
          MARK[r.verdict],
          terminalName(r.benchmark),
          r.metric,
          r.base,
          r.head,
          r.change,
          r.interval,
          r.p
        ]),
        ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right']
      ),
      ''
    )
    for (const r of rows) {
      if (r.verdict === 'inconclusive') lines.push(`? ${r.benchmark} ${r.metric}: ${r.detail}`)
      else if (r.setAside) lines.push(`  ${terminalName(r.benchmark)} ${r.metric}: ${r.setAside}`)
    }
  }
  lines.push(...acceptanceLines(model))
  if (model.profiles) lines.push(...renderProfileTerminal(model.profiles))
  if (model.budgets.length > 0) {
    lines.push('Budgets')
    for (const b of model.budgets) {
      const mark = b.passed === undefined ? '?' : b.passed ? '✓' : '✗'
      const parts = [mark, b.benchmark, b.metric, b.estimate, b.interval].filter(Boolean)
      lines.push(`  ${parts.join(' ')}, budget ${b.limit}`)
    }
    lines.push('')
  }
  if (model.targets.length > 0) {
    lines.push('Targets')
    for (const t of model.targets) {
      lines.push(
        `  ${t.benchmark} ${t.metric}: ${t.head} (base ${t.base}), target ${t.target}: ${t.progress}`
      )
    }
    lines.push('')
  }
  for (const note of model.notes) {
    lines.push(`! ${note.benchmark} ${note.text}`)
    if (note.frame) lines.push(`    ${note.frame}`)
  }
  if (model.notes.length > 0) lines.push('')
  lines.push(...model.method.map((l) => l.replace(/`/g, '')))
  const names = [
    ...rows,
    ...model.budgets,
    ...model.targets,
    ...model.notes,
    ...model.failures,
    ...model.accepted
  ].map((row) => row.benchmark)
  return forTerminal(lines.join('\n') + '\n', names)
}
