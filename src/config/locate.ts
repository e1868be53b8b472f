/**
 * Where each benchmark's entry stands in perfgate.yml (pure): the same YAML positions the
 * config's error messages use, read from the text the config was parsed from, for
 * annotations that point at the line defining a benchmark.
 */
import { loadYaml } from './yaml.js'

/**
 * The 1-based line of each benchmark's entry (its `- name:` item) by name. A text that is
 * not a valid config gives what can be found (an empty map when nothing can): locations
 * are a help to the reader, never a reason to fail.
 */
export function benchmarkEntryLines(text: string, file: string): Map<string, number> {
  const lines = new Map<string, number>()
  let loaded: ReturnType<typeof loadYaml>
  try {
    loaded = loadYaml(text, file)
  } catch {
    return lines
  }
  const benchmarks = (loaded.value as { benchmarks?: unknown } | null)?.benchmarks
  if (!Array.isArray(benchmarks)) return lines
  benchmarks.forEach((entry: unknown, index) => {
    const name = (entry as { name?: unknown } | null)?.name
    if (typeof name !== 'string' || lines.has(name)) return
    const at = loaded.locate(['benchmarks', index], false)
    if (at) lines.set(name, at.line)
  })
  return lines
}
