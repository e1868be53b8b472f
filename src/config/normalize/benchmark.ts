/** One benchmark: its name, its one kind, budgets, targets, compare settings and limits. */
import type { BenchmarkKind } from '../../metrics.js'
import { quote } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import type { RawBenchmark } from '../raw.js'
import * as defaults from '../defaults.js'
import type { BenchmarkConfig, BenchmarkSpec, Measure } from '../types.js'
import { benchmarkCompare, type InheritedSettings } from './compare.js'
import { positiveDuration } from './durations.js'
import { commandSpec, functionSpec, httpSpec, type KindContext } from './kinds.js'
import { limits } from './metrics.js'
import { checkBenchmarkName } from './text.js'

const KINDS: readonly BenchmarkKind[] = ['function', 'command', 'http']

/** What a benchmark inherits from the top level of the config. */
export interface BenchmarkDefaults {
  /** The config's `trials`; undefined: DEFAULT_TRIALS, or DEFAULT_INSTRUCTION_TRIALS on counts alone. */
  readonly trials: number | undefined
  /** The config's `measure` (a benchmark's own overrides it). */
  readonly measure: Measure
  /** `perfgate run --measure`: overrides both. */
  readonly measureOverride?: Measure
  readonly timeoutMs: number
  readonly compare: InheritedSettings
}

/** The benchmark at `field`; undefined when it has no single kind (recorded as an issue). */
export function benchmark(
  issues: Issues,
  raw: RawBenchmark,
  field: FieldPath,
  inherited: BenchmarkDefaults,
  context: KindContext
): BenchmarkConfig | undefined {
  checkBenchmarkName(issues, raw.name, [...field, 'name'])
  const kinds = KINDS.filter((kind) => raw[kind] !== undefined)
  if (kinds.length !== 1) {
    issues.add(
      field,
      kinds.length === 0
        ? `benchmark ${quote(raw.name)} has no kind; expected exactly one of: ${KINDS.join(', ')}`
        : `benchmark ${quote(raw.name)} has ${kinds.length} kinds (${kinds.join(', ')}); expected exactly one`
    )
    return undefined
  }
  const kind = kinds[0]!
  const spec: BenchmarkSpec =
    kind === 'function'
      ? functionSpec(issues, raw.function!, [...field, 'function'], context)
      : kind === 'http'
        ? httpSpec(issues, raw.http!, [...field, 'http'], context)
        : commandSpec(issues, raw.command!, [...field, 'command'], context)
  const budgets = limits(issues, raw.budgets, kind, [...field, 'budgets'])
  const targets = limits(issues, raw.targets, kind, [...field, 'targets'])
  const measure = inherited.measureOverride ?? raw.measure ?? inherited.measure
  const compare = benchmarkCompare(
    issues,
    raw.compare,
    kind,
    inherited.compare,
    [...field, 'compare'],
    measure
  )
  return {
    name: raw.name,
    kind,
    spec,
    trials:
      raw.trials ??
      inherited.trials ??
      (measure === 'instructions' ? defaults.DEFAULT_INSTRUCTION_TRIALS : defaults.DEFAULT_TRIALS),
    ...(measure === defaults.DEFAULT_MEASURE ? {} : { measure }),
    timeoutMs: positiveDuration(issues, raw.timeout, [...field, 'timeout'], inherited.timeoutMs),
    budgets,
    targets,
    compare
  }
}
