/** Step three of parsing: the schema-checked config → a fully specified Config. */
import path from 'node:path'
import * as defaults from '../defaults.js'
import { quote } from '../errors.js'
import type { Issues } from '../issues.js'
import type { RawConfig } from '../raw.js'
import type { BenchmarkConfig, Config, Measure } from '../types.js'
import { benchmark } from './benchmark.js'
import { checkMaxPairs, globalCompare } from './compare.js'
import { positiveDuration } from './durations.js'
import { checkNoNul } from './text.js'

/**
 * Applies every default and checks what the schema cannot (units, metric names, files,
 * names). Problems go to `issues`; the caller throws them. Benchmarks with no single kind
 * are left out of the result (their issue says why).
 */
export function normalizeConfig(
  issues: Issues,
  raw: RawConfig,
  configPath: string,
  fileExists: (absolutePath: string) => boolean,
  measure?: Measure
): Config {
  const dir = path.dirname(configPath)
  if (raw.setup !== undefined) checkNoNul(issues, raw.setup, ['setup'])
  const timeoutMs = positiveDuration(
    issues,
    raw.timeout,
    ['timeout'],
    defaults.DEFAULT_TRIAL_TIMEOUT_MS
  )
  const { compare, inherited } = globalCompare(issues, raw.compare)
  const seen = new Map<string, number>()
  const benchmarks: BenchmarkConfig[] = []
  raw.benchmarks.forEach((rawBenchmark, index) => {
    const first = seen.get(rawBenchmark.name)
    if (first !== undefined) {
      issues.add(
        ['benchmarks', index, 'name'],
        `duplicate benchmark name ${quote(rawBenchmark.name)} (also benchmarks[${first}]); expected unique names`
      )
    } else {
      seen.set(rawBenchmark.name, index)
    }
    const made = benchmark(
      issues,
      rawBenchmark,
      ['benchmarks', index],
      {
        trials: raw.trials,
        timeoutMs,
        compare: inherited,
        measure: raw.measure ?? defaults.DEFAULT_MEASURE,
        ...(measure === undefined ? {} : { measureOverride: measure })
      },
      { dir, fileExists }
    )
    if (made) benchmarks.push(made)
  })
  checkMaxPairs(issues, compare.maxPairs, benchmarks)
  return {
    file: configPath,
    dir,
    setup: raw.setup,
    profile: raw.profile ?? 'on-regression',
    compare,
    benchmarks
  }
}
