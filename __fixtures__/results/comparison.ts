// A paired A/B run built by hand (no measuring) for report golden tests: one regression,
// one improvement, one unchanged, one inconclusive, a failed budget, a target, a new
// benchmark, and names that need escaping.
import { compareResults } from '../../src/compare/compare.js'
import type { StopReason } from '../../src/compare/types.js'
import type {
  BenchmarkResult,
  JudgedResults,
  Results,
  TrialResult
} from '../../src/results/types.js'
import { summarizeTrials } from '../../src/results/summary.js'
import { SAMPLE_RESULTS } from './sample.js'

/** Ten trial values around 100 µs, and two noise patterns to add to them. */
export const BASE = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.7, 99.3, 100.1]
export const NOISE = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, 0.3, -0.1, -0.3, 0.1]
export const WILD = [9, -12, 7, -5, 11, -8, 6, -10, 4, 3]

/**
 * A function benchmark's result with these p50 values (µs), as a paired A/B side stopped for
 * `stopReason` (no pairing when undefined).
 */
export function benchResult(
  name: string,
  values: number[],
  stopReason: StopReason | undefined,
  extra: Partial<BenchmarkResult> = {}
): BenchmarkResult {
  const trials: TrialResult[] = values.map((ms) => ({
    metrics: { p50: ms / 1000 },
    durationMs: 600
  }))
  return {
    name,
    kind: 'function',
    definitionHash: 'd',
    settings: {
      compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 },
      budgets: [],
      targets: []
    },
    trials,
    summary: summarizeTrials(trials),
    state: 'ok',
    ...(stopReason
      ? {
          paired: {
            pairs: values.length,
            lookSizes: [10, 20, 30],
            stopReason,
            firstInPair: values.map((_, i) => (i % 2 ? 'base' : 'head'))
          }
        }
      : {}),
    ...extra
  } as BenchmarkResult
}

const bench = (name: string, values: number[], extra: Partial<BenchmarkResult> = {}) =>
  benchResult(name, values, 'decided', extra)

const scaled = (factor: number, noise = NOISE) => BASE.map((v, i) => v * factor + noise[i]!)

const head = [
  bench('GET /users <script>', scaled(1.137), {
    settings: {
      compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 },
      budgets: [{ metric: 'p50', comparator: '<=', limit: 0.11, source: '110us' }],
      targets: [{ metric: 'p50', comparator: '<=', limit: 0.08, source: '80us' }]
    }
  }),
  bench('parse | large @team #12', scaled(0.84)),
  bench('stable', scaled(1.004)),
  bench('noisy', scaled(1.02, WILD), {
    paired: { pairs: 10, lookSizes: [10, 20, 30], stopReason: 'max-pairs', firstInPair: [] }
  }),
  bench('brand new', scaled(1), { paired: undefined })
]
const base = head.slice(0, 4).map((h) => bench(h.name, BASE))

const results: Results = {
  ...SAMPLE_RESULTS,
  benchmarks: head,
  base: {
    source: 'the merge-base with main (e4f5a6b)',
    environment: SAMPLE_RESULTS.environment,
    benchmarks: base,
    dependencies: 'setup `npm ci`'
  }
}

export const COMPARISON = compareResults({
  mode: 'paired',
  head,
  base,
  compare: SAMPLE_RESULTS.compare
})
export const COMPARED_RESULTS: JudgedResults = { ...results, comparison: COMPARISON }
