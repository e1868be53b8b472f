/**
 * Which harnesses a bench file's source imports, read from its import and require
 * specifiers (no code is run). `perfgate init` uses it to pick bench files out of a
 * repository; at run time the imports themselves lead to the shims.
 */
import type { Harness } from '../../../config/types.js'
import { HARNESS_SPECIFIERS } from './specifiers.js'

/** `from 'x'`, `import 'x'`, `import('x')`, `require('x')`, with the imported names when given. */
const IMPORT =
  /(?:import\s*(?:([\w*\s{},$]+?)\s*from\s*)?|import\s*\(\s*|require\s*\(\s*)(['"])([^'"\n]+)\2/g

/**
 * The harnesses `source` imports, perfgate's own included. vitest counts only when its
 * bench API is imported (a test file imports vitest too).
 */
export function importedHarnesses(source: string): Exclude<Harness, 'auto'>[] {
  const found = new Set<Exclude<Harness, 'auto'>>()
  for (const match of source.matchAll(IMPORT)) {
    const names = match[1] ?? ''
    const specifier = match[3]!
    if (specifier === 'perfgate') found.add('perfgate')
    for (const [harness, name] of Object.entries(HARNESS_SPECIFIERS)) {
      if (specifier !== name) continue
      if (harness === 'vitest' && !/\bbench\b|\*/.test(names)) continue
      found.add(harness as Exclude<Harness, 'auto'>)
    }
  }
  return [...found]
}
