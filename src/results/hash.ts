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
  const spec = { ...benchmark.spec } as Record<string, unknown>
  for (const key of ['file', 'cwd']) {
    const value = spec[key]
    if (typeof value === 'string' && value.startsWith(configDir))
      spec[key] = value.slice(configDir.length)
  }
  return sha256(canonical({ spec, timeoutMs: benchmark.timeoutMs }))
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
