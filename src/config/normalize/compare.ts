/** Compare settings: run-wide ones, per-benchmark overrides, and max-pairs against trials. */
import { DEFAULT_GATE, metricsOf, type BenchmarkKind, type MetricName } from '../../metrics.js'
import * as defaults from '../defaults.js'
import { quote } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import type { RawCompareSettings, RawGlobalCompare } from '../raw.js'
import type { BenchmarkConfig, CompareConfig, CompareSettings } from '../types.js'
import { parsePercent } from '../units.js'
import { positiveDuration } from './durations.js'
import { anyMetric, metricOfKind } from './metrics.js'

/** The run-wide gate, threshold and alpha that benchmarks inherit. */
export interface InheritedSettings {
  /** Undefined: each kind's default gate. */
  readonly gate: readonly MetricName[] | undefined
  readonly threshold: number
  readonly alpha: number
}

/** The top-level `compare`: run-wide settings and what benchmarks inherit. */
export function globalCompare(
  issues: Issues,
  raw: RawGlobalCompare | undefined
): { compare: CompareConfig; inherited: InheritedSettings } {
  const gate = raw?.gate?.flatMap(
    (name, i) => anyMetric(issues, name, ['compare', 'gate', i]) ?? []
  )
  const threshold =
    raw?.threshold === undefined
      ? defaults.DEFAULT_THRESHOLD
      : issues.unit(parsePercent(raw.threshold), ['compare', 'threshold'], raw.threshold, 0)
  return {
    inherited: { gate, threshold, alpha: raw?.alpha ?? defaults.DEFAULT_ALPHA },
    compare: {
      failOn: raw?.['fail-on'] ?? defaults.DEFAULT_FAIL_ON,
      test: raw?.test ?? defaults.DEFAULT_PAIRED_TEST,
      futility: raw?.futility ?? defaults.DEFAULT_FUTILITY,
      maxPairs: raw?.['max-pairs'],
      maxTimeMs: positiveDuration(
        issues,
        raw?.['max-time'],
        ['compare', 'max-time'],
        defaults.DEFAULT_MAX_COMPARE_TIME_MS
      ),
      ...(raw?.['max-duration'] === undefined
        ? {}
        : {
            maxDurationMs: positiveDuration(
              issues,
              raw['max-duration'],
              ['compare', 'max-duration'],
              0
            )
          })
    }
  }
}

/** One benchmark's settings: its own `compare`, else what it inherits (gate: of its kind). */
export function benchmarkCompare(
  issues: Issues,
  own: RawCompareSettings | undefined,
  kind: BenchmarkKind,
  inherited: InheritedSettings,
  field: FieldPath
): CompareSettings {
  const gate = own?.gate
    ? own.gate.flatMap((name, i) => metricOfKind(issues, name, kind, [...field, 'gate', i]) ?? [])
    : (inherited.gate ?? []).filter((name) => metricsOf(kind).includes(name))
  return {
    gate: gate.length > 0 ? gate : DEFAULT_GATE[kind],
    threshold:
      own?.threshold === undefined
        ? inherited.threshold
        : issues.unit(parsePercent(own.threshold), [...field, 'threshold'], own.threshold, 0),
    alpha: own?.alpha ?? inherited.alpha
  }
}

/** max-pairs must allow the first look, which comes after `trials` pairs of every benchmark. */
export function checkMaxPairs(
  issues: Issues,
  maxPairs: number | undefined,
  benchmarks: readonly BenchmarkConfig[]
): void {
  if (maxPairs === undefined || benchmarks.length === 0) return
  const most = benchmarks.reduce((max, b) => (b.trials > max.trials ? b : max))
  if (maxPairs < most.trials) {
    issues.add(
      ['compare', 'max-pairs'],
      `expected at least the trials of every benchmark (the first look comes after \`trials\` pairs): ` +
        `${quote(most.name)} has ${most.trials}, got ${maxPairs}`
    )
  }
}
