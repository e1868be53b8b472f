/** Compare settings: run-wide ones, per-benchmark overrides, and max-pairs against trials. */
import {
  DEFAULT_GATE,
  INSTRUCTIONS,
  metricsOf,
  type BenchmarkKind,
  type MetricName
} from '../../metrics.js'
import * as defaults from '../defaults.js'
import { DEFAULT_MEASURE } from '../defaults.js'
import { quote } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import type { RawCompareSettings, RawGlobalCompare } from '../raw.js'
import type { BenchmarkConfig, CompareConfig, CompareSettings, Measure } from '../types.js'
import { parsePercent } from '../units.js'
import { positiveDuration } from './durations.js'
import { anyMetric, metricOfKind } from './metrics.js'

/** The run-wide gate, threshold and alpha that benchmarks inherit. */
export interface InheritedSettings {
  /** Undefined: each kind's default gate. */
  readonly gate: readonly MetricName[] | undefined
  readonly threshold: number
  readonly instructionThreshold: number
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
  const instructionThreshold = instructionsThreshold(
    issues,
    raw?.['instructions-threshold'],
    ['compare', 'instructions-threshold'],
    defaults.DEFAULT_INSTRUCTION_THRESHOLD
  )
  return {
    inherited: {
      gate,
      threshold,
      instructionThreshold,
      alpha: raw?.alpha ?? defaults.DEFAULT_ALPHA
    },
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
  field: FieldPath,
  measure: Measure = DEFAULT_MEASURE
): CompareSettings {
  const named = own?.gate
    ? own.gate.flatMap((name, i) => metricOfKind(issues, name, kind, [...field, 'gate', i]) ?? [])
    : (inherited.gate ?? []).filter((name) => metricsOf(kind).includes(name))
  const gate = measuredGate(named, kind, measure)
  const instructionThreshold = instructionsThreshold(
    issues,
    own?.['instructions-threshold'],
    [...field, 'instructions-threshold'],
    inherited.instructionThreshold
  )
  return {
    gate,
    // Only where instructions are counted: time-only settings stay as they were.
    ...(gate.includes(INSTRUCTIONS) ? { instructionThreshold } : {}),
    threshold:
      own?.threshold === undefined
        ? inherited.threshold
        : issues.unit(parsePercent(own.threshold), [...field, 'threshold'], own.threshold, 0),
    alpha: own?.alpha ?? inherited.alpha
  }
}

/**
 * The gate of a benchmark measured as `measure` says: the time metrics named (else the
 * kind's default) when time is measured, the instruction count when instructions are. A
 * named `instructions` gates only where it is counted.
 */
export function measuredGate(
  named: readonly MetricName[],
  kind: BenchmarkKind,
  measure: Measure
): MetricName[] {
  const timed = named.filter((name) => name !== INSTRUCTIONS)
  const time = timed.length > 0 ? timed : DEFAULT_GATE[kind]
  if (measure === 'instructions') return [INSTRUCTIONS]
  return measure === 'both' ? [...time, INSTRUCTIONS] : time
}

function instructionsThreshold(
  issues: Issues,
  raw: string | number | undefined,
  field: FieldPath,
  fallback: number
): number {
  return raw === undefined ? fallback : issues.unit(parsePercent(raw), field, raw, 0)
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
