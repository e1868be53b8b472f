/**
 * "Where the time went" (pure): under each profiled benchmark, the few functions whose self
 * time per unit of work grew most, base → head, with their share of the change. Function
 * names and files come from the code under test and are untrusted: shown in code spans
 * (escapeWithCode) in markdown, with control characters made inert in the terminal.
 */
import { sanitizeChildText } from '../process/text.js'
import type { FunctionChange } from '../profile/diff.js'
import { formatMicros } from '../profile/flamegraph.js'
import type { BenchmarkProfile } from '../profile/types.js'
import { escapeMarkdown, escapeWithCode } from './markdown.js'
import type { ReportModel } from './model.js'

/** Functions listed per benchmark. */
const PROFILE_ROWS = 5

/**
 * Node's own machinery, shown beside the list rather than in it: its cost per request moves
 * with the load's timing and the OS's placement of processes, not only with the code.
 */
const NODE_LINE = "Node's own work (its modules and their native calls; not ranked)"

export interface ProfileRow {
  readonly name: string
  /** `file:line`, `node_modules` for a package, or empty. */
  readonly where: string
  readonly base: string
  readonly head: string
  /** e.g. "72 %"; empty when the whole did not grow. */
  readonly share: string
  readonly isNew: boolean
}

export interface ProfileSection {
  readonly benchmark: string
  /** e.g. "op", "request". */
  readonly unit: string
  /** CPU time per unit, base → head, e.g. "12.3 µs → 14.1 µs"; empty when unavailable. */
  readonly cpu: string
  readonly rows: readonly ProfileRow[]
  /**
   * Node's own machinery per unit, base → head ("61.0 µs → 70.2 µs"), not ranked with the
   * application's functions (diff.ts says why); absent when it did not run.
   */
  readonly node?: string
  /** Why there is no profile, or how it was taken. */
  readonly note: string
  /** Where the .cpuprofile files and the flame graph are (a display path), if written. */
  readonly files?: string
}

function row(change: FunctionChange): ProfileRow {
  const where =
    change.kind === 'code' && change.file
      ? `${change.file}${change.line ? `:${change.line}` : ''}`
      : change.kind === 'dependency'
        ? 'node_modules'
        : ''
  return {
    name: change.name,
    where,
    base: change.isNew ? '–' : formatMicros(change.base),
    head: formatMicros(change.head),
    share: change.share === undefined ? '' : `${Math.round(change.share * 100)} %`,
    isNew: change.isNew
  }
}

/**
 * The report's sections from what profiling found; `display` turns a written directory
 * into the path the reader sees (relative to the output directory, say).
 */
export function profileSections(
  profiles: readonly BenchmarkProfile[],
  display: (dir: string) => string = (dir) => dir
): ProfileSection[] {
  return profiles.map((p) => {
    if (p.status === 'unavailable') {
      return {
        benchmark: p.benchmark,
        unit: '',
        cpu: '',
        rows: [],
        note: `no profile: ${p.message}`
      }
    }
    const d = p.diff
    const trials =
      p.trials.base === p.trials.head
        ? `${p.trials.head} profiled trial${p.trials.head === 1 ? '' : 's'} per side`
        : `${p.trials.base} profiled base, ${p.trials.head} head trials`
    const dir = p.files ? p.files.flameGraph.replace(/[\\/][^\\/]*$/, '') : undefined
    return {
      benchmark: p.benchmark,
      unit: d.unit,
      cpu: `${formatMicros(d.baseCpu)} → ${formatMicros(d.headCpu)}`,
      rows: d.grew.slice(0, PROFILE_ROWS).map(row),
      ...(d.node ? { node: `${formatMicros(d.node.base)} → ${formatMicros(d.node.head)}` } : {}),
      note:
        d.grew.length === 0
          ? `${trials}, outside the measured ones; no function's own time per ${d.unit} grew noticeably.`
          : `${trials}, outside the measured ones.`,
      ...(dir ? { files: display(dir) } : {})
    }
  })
}

/** The model with its profile sections (the one optional field the report model has). */
export function withProfiles(model: ReportModel, sections: readonly ProfileSection[]): ReportModel {
  return sections.length > 0 ? { ...model, profiles: sections } : model
}

/** Untrusted text as one code span: no backtick or line break can end it early. */
function code(text: string, max = 100): string {
  const clean = sanitizeChildText(text)
    .replace(/`/g, "'")
    .replace(/\s*\n\s*/g, ' ')
  const cut = clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
  return escapeWithCode(`\`${cut}\``)
}

/** Markdown lines of the sections (with a blank line after each block). */
export function renderProfileMarkdown(sections: readonly ProfileSection[]): string[] {
  const out: string[] = []
  for (const s of sections) {
    const cpu = s.cpu ? ` — CPU time per ${escapeMarkdown(s.unit)} ${s.cpu}` : ''
    out.push(`**Where the time went** · ${escapeMarkdown(s.benchmark)}${cpu}`, '')
    for (const r of s.rows) {
      const where = r.where ? ` in ${code(r.where)}` : ''
      const share = r.share ? `, ${r.share} of the change` : ''
      out.push(
        `- ${code(r.name)}${where}${r.isNew ? ' (new)' : ''}: ${r.base} → ${r.head} per ${escapeMarkdown(s.unit)}${share}`
      )
    }
    if (s.rows.length > 0) out.push('')
    const files = s.files
      ? ` CPU profiles (Chrome DevTools, speedscope) and a differential flame graph: ${code(s.files, 200)}.`
      : ''
    const node = s.node ? `${NODE_LINE}: ${s.node} per ${escapeMarkdown(s.unit)}. ` : ''
    out.push(`<sub>${node}${escapeMarkdown(s.note)}${files}</sub>`, '')
  }
  return out
}

/** Terminal lines of the sections. */
export function renderProfileTerminal(sections: readonly ProfileSection[]): string[] {
  const out: string[] = []
  for (const s of sections) {
    const name = sanitizeChildText(s.benchmark)
    out.push(`Where the time went · ${name}${s.cpu ? ` — CPU time per ${s.unit} ${s.cpu}` : ''}`)
    for (const r of s.rows) {
      const where = r.where ? ` (${sanitizeChildText(r.where)})` : ''
      const share = r.share ? `, ${r.share} of the change` : ''
      out.push(
        `  ${sanitizeChildText(r.name).replace(/\n/g, ' ')}${where}${r.isNew ? ' new' : ''}: ${r.base} → ${r.head} per ${s.unit}${share}`
      )
    }
    if (s.node) out.push(`  ${NODE_LINE}: ${s.node} per ${s.unit}`)
    out.push(`  ${sanitizeChildText(s.note)}`)
    if (s.files) out.push(`  profiles and flame graph: ${sanitizeChildText(s.files)}`)
    out.push('')
  }
  return out
}
