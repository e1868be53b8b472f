/**
 * The report model as Check run annotations (pure): one per regression, per violated budget
 * and per benchmark that could not be measured, each at the line that defines the benchmark.
 * Annotations are plain text, but a benchmark name is untrusted: every text in them is made
 * inert (controls and bidirectional marks escaped, one line, length capped).
 */
import type { FailOn } from '../config/types.js'
import { terminalName } from '../process/text.js'
import { CI_LABEL } from './format.js'
import type { BudgetRow, ChangeRow, FailureDetail, ReportModel } from './model.js'

/** GitHub's annotation levels: `failure` for what fails the check, `warning` otherwise. */
export type AnnotationLevel = 'notice' | 'warning' | 'failure'

/** Where a benchmark is defined: a repository-relative path (forward slashes) and a line. */
export interface SourceLocation {
  readonly path: string
  /** 1-based. */
  readonly line: number
}

export interface Annotation extends SourceLocation {
  readonly level: AnnotationLevel
  /** A few words, e.g. "Regression: parse (time)". */
  readonly title: string
  readonly message: string
}

export interface AnnotationOptions {
  /** What fails the gate (the comparison's `gate.failOn`): the rest is a warning. */
  readonly failOn: FailOn
  /** Where each benchmark is defined (locateBenchmarks in src/app/locate.ts). */
  readonly locations: ReadonlyMap<string, SourceLocation>
  /**
   * Where a benchmark with no known location points: the config file's first line. Without
   * one, such a benchmark gets no annotation (GitHub needs a file) and is counted in `omitted`.
   */
  readonly fallback?: SourceLocation | undefined
  /** A regression accepted on purpose is a notice, not a failure. */
  readonly isAccepted?: (benchmark: string) => boolean
  /** Most annotations made (default MAX_ANNOTATIONS); the rest are counted in `omitted`. */
  readonly max?: number
}

export interface Annotations {
  readonly annotations: readonly Annotation[]
  /** How many were left out: over the cap, or with no place to point at (the summary says so). */
  readonly omitted: number
}

/** Most annotations of one Check run: 20 requests of 50; a long list helps no reviewer. */
export const MAX_ANNOTATIONS = 1000
/** Longest title and message (GitHub cuts titles; a message this long is no longer read). */
const TITLE_CHARS = 120
const MESSAGE_CHARS = 1000
/** Longest benchmark name shown whole in an annotation. */
const NAME_CHARS = 100

/** Untrusted text for an annotation: one inert line of at most `max` characters. */
export function annotationText(text: string, max: number): string {
  const line = terminalName(text, max)
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

function regression(row: ChangeRow, options: AnnotationOptions): Omit<Annotation, 'path' | 'line'> {
  const accepted = options.isAccepted?.(row.benchmark) ?? false
  const gates = options.failOn === 'both' || options.failOn === 'regressions'
  const what = accepted ? 'Accepted regression' : 'Regression'
  return {
    level: accepted ? 'notice' : gates ? 'failure' : 'warning',
    title: `${what}: ${terminalName(row.benchmark, NAME_CHARS)} (${row.metric})`,
    message:
      `${terminalName(row.benchmark, NAME_CHARS)} ${row.metric}: ${row.base} → ${row.head}, ` +
      `${row.change}${row.interval ? ` ${row.interval} ${CI_LABEL}` : ''}, p ${row.p}: ${row.detail}` +
      (accepted ? '; accepted on purpose on this pull request.' : '.')
  }
}

function budget(row: BudgetRow, options: AnnotationOptions): Omit<Annotation, 'path' | 'line'> {
  const gates = options.failOn === 'both' || options.failOn === 'budgets'
  const measured = `${row.estimate}${row.interval ? ` ${row.interval} ${CI_LABEL}` : ''}`
  return {
    level: gates ? 'failure' : 'warning',
    title: `Budget exceeded: ${terminalName(row.benchmark, NAME_CHARS)} (${row.metric})`,
    message: `${terminalName(row.benchmark, NAME_CHARS)} ${row.metric}: ${measured}, budget ${row.limit} not met.`
  }
}

/** A benchmark that could not be measured: on head (or without a baseline) it fails the run. */
function failure(model: ReportModel, f: FailureDetail): Omit<Annotation, 'path' | 'line'> {
  const note = model.notes.find(
    (n) => n.benchmark === f.benchmark && n.text.startsWith('could not be measured')
  )
  const name = terminalName(f.benchmark, NAME_CHARS)
  return {
    level: f.side === 'base' ? 'warning' : 'failure',
    title: `Not measured${f.side ? ` on ${f.side}` : ''}: ${name}`,
    message: `${name} ${note?.text ?? `could not be measured (trial ${f.trial} failed).`}`
  }
}

/**
 * The annotations of a judged run, failures first: regressions (a failure when the gate
 * counts them and they are not accepted), violated budgets, benchmarks not measured.
 */
export function annotationsOf(model: ReportModel, options: AnnotationOptions): Annotations {
  const made: Annotation[] = []
  let unplaced = 0
  const add = (benchmark: string, a: Omit<Annotation, 'path' | 'line'>) => {
    const at = options.locations.get(benchmark) ?? options.fallback
    if (!at) {
      unplaced++
      return
    }
    const { path, line } = at
    made.push({
      path,
      line,
      level: a.level,
      title: annotationText(a.title, TITLE_CHARS),
      message: annotationText(a.message, MESSAGE_CHARS)
    })
  }
  for (const row of model.changes) {
    if (row.verdict === 'regression') add(row.benchmark, regression(row, options))
  }
  for (const row of model.budgets) {
    if (row.passed === false) add(row.benchmark, budget(row, options))
  }
  for (const f of model.failures) add(f.benchmark, failure(model, f))
  const rank: Record<AnnotationLevel, number> = { failure: 0, warning: 1, notice: 2 }
  made.sort((a, b) => rank[a.level] - rank[b.level])
  const max = options.max ?? MAX_ANNOTATIONS
  return {
    annotations: made.slice(0, max),
    omitted: unplaced + Math.max(0, made.length - max)
  }
}
