/**
 * The metrics perfgate measures, in one place: which benchmark kinds have them, their
 * unit, and which direction is better. Config validation, comparison and the report all
 * read this table, so a metric is added here once.
 */

export type BenchmarkKind = 'function' | 'command' | 'http'
/** Every kind, as a results file or a config names it. */
export const BENCHMARK_KINDS: readonly BenchmarkKind[] = ['function', 'command', 'http']

/**
 * How a metric's value is stored: durations in milliseconds, sizes in bytes, rates per
 * second, shares as fractions (0.85 = 85 % of one core).
 */
export type MetricUnit = 'duration' | 'rate' | 'bytes' | 'count' | 'share'

export interface MetricInfo {
  readonly unit: MetricUnit
  /** Whether a larger value is better (throughput) or worse (latency, memory). */
  readonly higherIsBetter: boolean
  readonly label: string
  /** A kind-specific label (an HTTP p95 is a latency, a function's a time per call). */
  readonly labels?: Partial<Record<BenchmarkKind, string>>
  /** The unit word of a rate ("ops/s", "req/s", "B/s"). */
  readonly per?: string
  readonly kinds: readonly BenchmarkKind[]
  /**
   * A near-deterministic metric's spread when nothing changed: the SD of one A/B pair's log
   * ratio (see noiseFloor in src/stats/paired.ts). With it, one pair can decide.
   */
  readonly noiseFloor?: number
}

const LATENCY = 'http' as const

export const METRICS = {
  p50: {
    unit: 'duration',
    higherIsBetter: false,
    label: 'time/op p50',
    labels: { http: 'latency p50' },
    kinds: ['function', LATENCY]
  },
  p90: { unit: 'duration', higherIsBetter: false, label: 'latency p90', kinds: [LATENCY] },
  p95: {
    unit: 'duration',
    higherIsBetter: false,
    label: 'time/op p95',
    labels: { http: 'latency p95' },
    kinds: ['function', LATENCY]
  },
  p99: {
    unit: 'duration',
    higherIsBetter: false,
    label: 'time/op p99',
    labels: { http: 'latency p99' },
    kinds: ['function', LATENCY]
  },
  p999: { unit: 'duration', higherIsBetter: false, label: 'latency p99.9', kinds: [LATENCY] },
  max: {
    unit: 'duration',
    higherIsBetter: false,
    label: 'time/op max',
    labels: { http: 'latency max' },
    kinds: ['function', LATENCY]
  },
  mean: {
    unit: 'duration',
    higherIsBetter: false,
    label: 'time/op mean',
    labels: { http: 'latency mean' },
    kinds: ['function', LATENCY]
  },
  ops: { unit: 'rate', higherIsBetter: true, label: 'ops/s', per: 'ops/s', kinds: ['function'] },
  heap: { unit: 'bytes', higherIsBetter: false, label: 'heap growth', kinds: ['function'] },
  /**
   * The heap and the memory outside it (Buffers, ArrayBuffers) retained across a trial's
   * sampling, after a full GC: a leak of Buffers shows here and not in `heap`.
   */
  memory: { unit: 'bytes', higherIsBetter: false, label: 'memory growth', kinds: ['function'] },
  gcTime: { unit: 'duration', higherIsBetter: false, label: 'GC time', kinds: ['function'] },
  gcCount: { unit: 'count', higherIsBetter: false, label: 'GC runs', kinds: ['function'] },
  rps: { unit: 'rate', higherIsBetter: true, label: 'requests/s', per: 'req/s', kinds: [LATENCY] },
  throughput: {
    unit: 'rate',
    higherIsBetter: true,
    label: 'bytes/s',
    per: 'B/s',
    kinds: [LATENCY]
  },
  errors: { unit: 'count', higherIsBetter: false, label: 'errors', kinds: [LATENCY] },
  timeouts: { unit: 'count', higherIsBetter: false, label: 'timeouts', kinds: [LATENCY] },
  non2xx: { unit: 'count', higherIsBetter: false, label: 'non-2xx', kinds: [LATENCY] },
  serverCpu: { unit: 'share', higherIsBetter: false, label: 'server CPU', kinds: [LATENCY] },
  /**
   * User + system CPU of the server's process tree over the measured load, per response
   * (a duration in ms, shown in µs): what a request costs, not how long it queued.
   */
  cpuPerRequest: {
    unit: 'duration',
    higherIsBetter: false,
    label: 'server CPU/request',
    kinds: [LATENCY]
  },
  wall: { unit: 'duration', higherIsBetter: false, label: 'wall time', kinds: ['command'] },
  user: { unit: 'duration', higherIsBetter: false, label: 'user CPU', kinds: ['command'] },
  sys: { unit: 'duration', higherIsBetter: false, label: 'system CPU', kinds: ['command'] },
  cpu: { unit: 'duration', higherIsBetter: false, label: 'CPU (user+sys)', kinds: ['command'] },
  rss: {
    unit: 'bytes',
    higherIsBetter: false,
    label: 'peak RSS',
    labels: { http: 'server peak RSS', function: 'worker peak RSS' },
    kinds: ['function', 'command', LATENCY]
  },
  rssMean: { unit: 'bytes', higherIsBetter: false, label: 'server mean RSS', kinds: [LATENCY] },
  /** Bytes read from / written to storage (Linux /proc/<pid>/io, rusage blocks). */
  diskRead: {
    unit: 'bytes',
    higherIsBetter: false,
    label: 'disk read',
    kinds: ['command', LATENCY]
  },
  diskWrite: {
    unit: 'bytes',
    higherIsBetter: false,
    label: 'disk written',
    kinds: ['command', LATENCY]
  },
  /**
   * Instructions executed per call, per run or per request (valgrind, src/runners/
   * instructions/): blind to neighbours, so one pair decides "unchanged" (a change: two).
   * The floor, 0.1 %, is about
   * three times the SD of a function's windowed pair ratios measured on a loaded machine
   * (0.03 %; pairs within ±0.05 %: docs/PERFORMANCE.md, bench:instructions).
   */
  instructions: {
    unit: 'count',
    higherIsBetter: false,
    label: 'instructions/op',
    labels: { command: 'instructions/run', http: 'instructions/request' },
    kinds: ['function', 'command', LATENCY],
    noiseFloor: 0.001
  }
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

/**
 * Metrics shown in the terminal table and history per kind (the rest stay in the results
 * file); a metric a benchmark did not measure is left out.
 */
export const HEADLINE_METRICS: Record<BenchmarkKind, MetricName[]> = {
  function: ['p50', 'p95', 'p99', 'ops', 'memory', 'instructions'],
  command: ['wall', 'user', 'sys', 'rss', 'instructions'],
  http: [
    'p50',
    'p95',
    'p99',
    'max',
    'rps',
    'errors',
    'cpuPerRequest',
    'serverCpu',
    'rss',
    'instructions'
  ]
}

/** A metric's label for a benchmark of this kind. */
export function metricLabel(metric: MetricName, kind?: BenchmarkKind): string {
  const info: MetricInfo = METRICS[metric]
  return (kind && info.labels?.[kind]) ?? info.label
}

/** The metric of `measure: instructions`. */
export const INSTRUCTIONS: MetricName = 'instructions'

/** A metric's noise floor (MetricInfo.noiseFloor), undefined for measured-noise metrics. */
export function noiseFloorOf(metric: MetricName): number | undefined {
  const info: MetricInfo = METRICS[metric]
  return info.noiseFloor
}

/** Where the server's CPU per request is measured (Linux /proc), it gates HTTP by default. */
const CPU_COST_MEASURED = typeof process !== 'undefined' && process.platform === 'linux'

/**
 * Metrics gated by default: what each kind's work costs. Functions: the mean time per call
 * (1 / ops). Beside a neighbour that runs and sleeps by turns, a trial's per-call times
 * fall into a slow and a fast cluster; the median jumps between them with the share of
 * slow slices, the mean moves in proportion (A/A spread of interleaved pairs 9-13 %
 * against 19-23 % for p50: bench:function-pairs, docs/PERFORMANCE.md). HTTP: the server's
 * CPU per request, which on a busy machine varies less than latency and throughput
 * (bench:verdict-http); latency stays measured, reported and budgetable. Where it is not
 * measured, latency p50 and p95 and requests/s.
 */
export const DEFAULT_GATE: Record<BenchmarkKind, MetricName[]> = {
  function: ['mean'],
  command: ['wall'],
  http: CPU_COST_MEASURED ? ['cpuPerRequest'] : ['p50', 'p95', 'rps']
}
