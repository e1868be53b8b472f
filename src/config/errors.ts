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

/** Renders one issue as `file:line:col: field: message`. */
export function formatIssue(issue: ConfigIssue): string {
  const where =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column}`
  return issue.field ? `${where}: ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'))
    this.name = 'ConfigError'
    this.issues = issues
  }
}

/** Renders a field path: ['benchmarks', 1, 'budgets', 'p95'] → `benchmarks[1].budgets.p95`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
}

/** Levenshtein distance, for did-you-mean suggestions on unknown names. */
export function editDistance(a: string, b: string): number {
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

/** Describes a config value for "got …" in messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return JSON.stringify(value)
  return String(value)
}
