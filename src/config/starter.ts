/**
 * The starting perfgate.yml that `perfgate init` writes: one function benchmark per bench
 * found, with the sampling and warm-up times a harness's options asked for.
 */
export interface StarterBenchmark {
  /** The benchmark's name in perfgate.yml (unique). */
  readonly name: string
  /** The bench file, relative to the config file, with forward slashes. */
  readonly file: string
  /** The bench's name in the file. */
  readonly bench: string
  /** Where it came from, said in a comment (e.g. "vitest"). */
  readonly harness: string
  readonly timeMs?: number
  readonly warmupMs?: number
}

/** A YAML string: JSON's double-quoted form is valid YAML. */
const quoted = (text: string): string => JSON.stringify(text)

/** The config text; `perfgate validate` accepts it as it is. */
export function renderStarterConfig(benchmarks: readonly StarterBenchmark[]): string {
  const lines = [
    '# Written by `perfgate init` from the bench files found in this repository.',
    '# Check it with `perfgate validate`; compare a branch with `perfgate run --base main`.',
    '# The README has every setting (trials, budgets, compare.gate, ...).',
    '',
    '# A shell command run in every checkout measured, before any benchmark, e.g.:',
    '# setup: npm ci',
    '',
    'benchmarks:'
  ]
  for (const b of benchmarks) {
    lines.push(`  - name: ${quoted(b.name)} # ${b.harness}`)
    lines.push('    function:')
    lines.push(`      file: ${quoted(b.file)}`)
    lines.push(`      bench: ${quoted(b.bench)}`)
    if (b.timeMs !== undefined) lines.push(`      time: ${quoted(`${Math.round(b.timeMs)}ms`)}`)
    if (b.warmupMs !== undefined)
      lines.push(`      warmup: ${quoted(`${Math.round(b.warmupMs)}ms`)}`)
  }
  return lines.join('\n') + '\n'
}
