/** Hashes of what was measured, so results from different setups are told apart. */
import { createHash } from 'node:crypto'
import type { BenchmarkConfig, Config } from '../config/types.js'

/** JSON with sorted keys, so equal objects hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Hash of how a benchmark is measured: its spec and trial settings, with paths made
 * relative to the config directory so two checkouts of one repository hash alike.
 */
export function definitionHash(benchmark: BenchmarkConfig, configDir: string): string {
  return sha256(
    canonical({ spec: relativePaths(benchmark.spec, configDir), timeoutMs: benchmark.timeoutMs })
  )
}

/** Paths under the config directory, made relative to it (anywhere in the object). */
function relativePaths(value: unknown, dir: string): unknown {
  if (typeof value === 'string') return value.startsWith(dir) ? value.slice(dir.length) : value
  if (Array.isArray(value)) return value.map((v) => relativePaths(v, dir))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relativePaths(v, dir)]))
  }
  return value
}

/** Hash of the whole validated config (paths relative to its directory). */
export function configHash(config: Config): string {
  return sha256(
    canonical({
      setup: config.setup,
      compare: config.compare,
      benchmarks: config.benchmarks.map((b) => ({
        name: b.name,
        definition: definitionHash(b, config.dir),
        trials: b.trials,
        budgets: b.budgets
      }))
    })
  )
}
