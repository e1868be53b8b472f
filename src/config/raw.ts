/**
 * The config as written, after the schema check: types derived from CONFIG_SCHEMA, so the
 * schema is the one place a field is declared (optional where the schema allows).
 */
import type { FromSchema } from 'json-schema-to-ts'
import type { CONFIG_SCHEMA } from './schema.js'

export type RawConfig = FromSchema<typeof CONFIG_SCHEMA>
export type RawGlobalCompare = NonNullable<RawConfig['compare']>
export type RawBenchmark = RawConfig['benchmarks'][number]
export type RawCompareSettings = NonNullable<RawBenchmark['compare']>
export type RawFunction = NonNullable<RawBenchmark['function']>
export type RawCommand = NonNullable<RawBenchmark['command']>
export type RawHttp = NonNullable<RawBenchmark['http']>
export type RawRequest = RawHttp['requests'][number]
export type RawEnv = NonNullable<RawCommand['env']>
/** Budgets and targets: metric → limit. */
export type RawLimits = NonNullable<RawBenchmark['budgets']>
