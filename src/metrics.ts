/**
 * The metrics perfgate measures, in one place: which benchmark kinds have them, their
 * unit, and which direction is better. Config validation, comparison and the report all
 * read this table, so a metric is added here once.
 */

export type BenchmarkKind = 'function' | 'command'

/** How a metric's value is stored: durations in milliseconds, sizes in bytes. */
export type MetricUnit = 'duration' | 'rate' | 'bytes' | 'count'

export interface MetricInfo {
  readonly unit: MetricUnit
  /** Whether a larger value is better (throughput) or worse (latency, memory). */
  readonly higherIsBetter: boolean
  readonly label: string
  readonly kinds: readonly BenchmarkKind[]
}

export const METRICS = {
  p50: { unit: 'duration', higherIsBetter: false, label: 'time/op p50', kinds: ['function'] },
  p95: { unit: 'duration', higherIsBetter: false, label: 'time/op p95', kinds: ['function'] },
  p99: { unit: 'duration', higherIsBetter: false, label: 'time/op p99', kinds: ['function'] },
  max: { unit: 'duration', higherIsBetter: false, label: 'time/op max', kinds: ['function'] },
  mean: { unit: 'duration', higherIsBetter: false, label: 'time/op mean', kinds: ['function'] },
  ops: { unit: 'rate', higherIsBetter: true, label: 'ops/s', kinds: ['function'] },
  heap: { unit: 'bytes', higherIsBetter: false, label: 'heap growth', kinds: ['function'] },
  gcTime: { unit: 'duration', higherIsBetter: false, label: 'GC time', kinds: ['function'] },
  gcCount: { unit: 'count', higherIsBetter: false, label: 'GC runs', kinds: ['function'] },
  wall: { unit: 'duration', higherIsBetter: false, label: 'wall time', kinds: ['command'] },
  user: { unit: 'duration', higherIsBetter: false, label: 'user CPU', kinds: ['command'] },
  sys: { unit: 'duration', higherIsBetter: false, label: 'system CPU', kinds: ['command'] },
  cpu: { unit: 'duration', higherIsBetter: false, label: 'CPU (user+sys)', kinds: ['command'] },
  rss: { unit: 'bytes', higherIsBetter: false, label: 'peak RSS', kinds: ['command'] }
} as const satisfies Record<string, MetricInfo>

export type MetricName = keyof typeof METRICS

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]

/** The metrics a benchmark of this kind reports, in display order. */
export function metricsOf(kind: BenchmarkKind): MetricName[] {
  return METRIC_NAMES.filter((name) => (METRICS[name].kinds as readonly string[]).includes(kind))
}

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name)
}

/** Metrics shown in the terminal table per kind (the rest stay in the results file). */
export const HEADLINE_METRICS: Record<BenchmarkKind, MetricName[]> = {
  function: ['p50', 'p95', 'p99', 'ops', 'heap'],
  command: ['wall', 'user', 'sys', 'rss']
}

/** Metrics gated by default: the robust centre of each kind's main figure. */
export const DEFAULT_GATE: Record<BenchmarkKind, MetricName[]> = {
  function: ['p50'],
  command: ['wall']
}
