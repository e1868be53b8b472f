/** Metric names (gates, budgets, targets) and budget values. */
import {
  isMetricName,
  METRIC_NAMES,
  METRICS,
  metricsOf,
  type BenchmarkKind,
  type MetricName
} from '../../metrics.js'
import { closest, describeValue, quote } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import type { RawLimits } from '../raw.js'
import type { Budget, Comparator } from '../types.js'
import { parseDuration, parsePercent, parseSize, type Parsed } from '../units.js'

/** The metric if it exists for this kind; otherwise records an issue with a suggestion. */
export function metricOfKind(
  issues: Issues,
  name: string,
  kind: BenchmarkKind,
  field: FieldPath,
  at?: { readonly key: boolean }
): MetricName | undefined {
  const allowed = metricsOf(kind)
  if (isMetricName(name) && allowed.includes(name)) return name
  const suggestion = closest(name, allowed)
  const elsewhere = isMetricName(name)
    ? ` (it applies to ${METRICS[name].kinds.join(' and ')} benchmarks)`
    : ''
  issues.add(
    field,
    `unknown metric ${quote(name)} for a ${kind} benchmark${elsewhere}; ` +
      (suggestion ? `did you mean "${suggestion}"? ` : '') +
      `expected one of: ${allowed.join(', ')}`,
    at
  )
  return undefined
}

/** The metric if it exists for any kind (the run-wide gate); otherwise records an issue. */
export function anyMetric(issues: Issues, name: string, field: FieldPath): MetricName | undefined {
  if (isMetricName(name)) return name
  const suggestion = closest(name, METRIC_NAMES)
  issues.add(
    field,
    `unknown metric ${quote(name)}; ` +
      (suggestion ? `did you mean "${suggestion}"? ` : '') +
      `expected one of: ${METRIC_NAMES.join(', ')}`
  )
  return undefined
}

/** Budgets or targets of one benchmark: each key a metric of its kind, each value a limit. */
export function limits(
  issues: Issues,
  raw: RawLimits | undefined,
  kind: BenchmarkKind,
  field: FieldPath
): Budget[] {
  const parsed: Budget[] = []
  for (const [metric, value] of Object.entries(raw ?? {})) {
    const known = metricOfKind(issues, metric, kind, [...field, metric], { key: true })
    if (!known) continue
    const budget = parseBudget(known, value)
    if (budget.ok) parsed.push(budget.value)
    else issues.add([...field, metric], `expected ${budget.expected}, got ${describeValue(value)}`)
  }
  return parsed
}

const BUDGET_EXAMPLES = {
  duration: '"<= 50ms"',
  bytes: '"<= 300MB"',
  rate: '">= 1000"',
  count: '"<= 0"',
  share: '"<= 80%"'
} as const

// `s`: a value spanning lines is a bad limit, not a failed match.
const COMPARATOR = /^\s*(<=|>=|<|>)?\s*(.*?)\s*$/s

/** Parses a budget such as `50ms`, `"<= 50ms"`, `">= 4000"`, `300MB` or `0`. */
export function parseBudget(metric: MetricName, value: string | number): Parsed<Budget> {
  const info = METRICS[metric]
  const match = COMPARATOR.exec(String(value))!
  const comparator = (match[1] as Comparator | undefined) ?? (info.higherIsBetter ? '>=' : '<=')
  const body = match[2]!
  let limit: Parsed<number>
  switch (info.unit) {
    case 'duration':
      limit = parseDuration(body)
      break
    case 'bytes':
      limit = parseSize(body)
      break
    case 'share':
      limit = parsePercent(body)
      break
    case 'rate':
    case 'count': {
      const n = Number(body)
      limit =
        body !== '' && Number.isFinite(n) && n >= 0
          ? { ok: true, value: n }
          : { ok: false, expected: 'a number' }
      break
    }
  }
  if (!limit.ok) {
    const example = BUDGET_EXAMPLES[info.unit]
    return {
      ok: false,
      expected: `${limit.expected}, optionally after a comparator such as ${example}`
    }
  }
  return {
    ok: true,
    // The source goes into report tables: one line, runs of whitespace as one space.
    value: {
      metric,
      comparator,
      limit: limit.value,
      source: String(value).trim().replace(/\s+/g, ' ')
    }
  }
}
