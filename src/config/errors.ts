/** Config errors: each names the file, the position, the field and what was expected. */

export interface ConfigIssue {
  readonly file: string
  /** 1-based; undefined when the problem has no place in the file (e.g. an empty file). */
  readonly line: number | undefined
  readonly column: number | undefined
  /** Field path such as `benchmarks[1].budgets.p95`; empty for the whole file. */
  readonly field: string
  readonly message: string
}

/**
 * The Unicode line and paragraph separators and the bidirectional marks, embeddings,
 * overrides and isolates (U+061C, U+200E–U+200F, U+2028–U+202E, U+2066–U+2069), as the body
 * of a regular expression's character class: shared by every check of untrusted text.
 */
export const BIDI_AND_SEPARATORS = '\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069'

/**
 * Characters that must not reach a terminal or log raw: C0 and C1 controls (line breaks,
 * escapes, NEL), Unicode line separators and bidirectional overrides (which reorder text).
 */
export const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`)

const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g')

/** `text` with every unprintable character written as a \uXXXX escape: always one line. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Renders one issue as `file:line:col: field: message`, always on one line: config text
 * quoted in messages cannot start a new log line (or a workflow command).
 */
function formatIssue(issue: ConfigIssue): string {
  const where =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column}`
  const line = issue.field
    ? `${where}: ${issue.field}: ${issue.message}`
    : `${where}: ${issue.message}`
  return printable(line)
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'))
    this.name = 'ConfigError'
    this.issues = issues
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/

/**
 * Renders a field path: ['benchmarks', 1, 'budgets', 'p95'] → `benchmarks[1].budgets.p95`;
 * a key with other characters is quoted (`env["A B"]`), so a path is one unambiguous line.
 */
export function formatFieldPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number'
        ? `[${part}]`
        : !PLAIN_KEY.test(part)
          ? `[${quote(part)}]`
          : i === 0
            ? part
            : `.${part}`
    )
    .join('')
}

/** A string quoted for a message: JSON escapes, and no unprintable character left raw. */
export function quote(text: string): string {
  return printable(JSON.stringify(text))
}

/** Levenshtein distance, for did-you-mean suggestions on unknown names. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost)
      diagonal = above
    }
  }
  return previous[b.length]!
}

/** The closest candidate within a small edit distance, for "did you mean …?". */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Longest string quoted whole in a message; longer ones are cut (one line, not a page). */
const QUOTED_MAX = 200

/** Describes a config value for "got …" in messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') {
    const chars = [...value]
    return chars.length <= QUOTED_MAX
      ? quote(value)
      : `${quote(chars.slice(0, QUOTED_MAX).join(''))}… (${chars.length} characters)`
  }
  return String(value)
}
