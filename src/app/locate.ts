/**
 * Where each benchmark is defined, for Check run annotations: a function benchmark at the
 * `bench('name', …)` call of its bench file, any other at its entry in perfgate.yml (also
 * the fallback when no call is found). Paths are relative to the repository root, with
 * forward slashes, as GitHub expects them. Nothing here fails a run: a file that cannot be
 * read only means a less precise location.
 */
import { realpathSync } from 'node:fs'
import path from 'node:path'
import { benchmarkEntryLines } from '../config/locate.js'
import type { Config } from '../config/types.js'
import { readRegularFile } from '../regular-file.js'
import type { SourceLocation } from '../report/annotations.js'
import { MAX_CONFIG_FILE_BYTES } from './files.js'

/** The largest bench file scanned for its calls (a bench file is a few kB). */
const MAX_BENCH_FILE_BYTES = 4 * 1024 * 1024

/** A call that registers a bench by name: bench('…') (perfgate, vitest, mitata), .add('…'). */
const CALL = /(?:\bbench|\.add)\s*\(\s*(['"`])/g

/** The string literal that starts at `start` (after its quote), decoded; undefined if malformed. */
function literal(source: string, start: number, quote: string): string | undefined {
  let out = ''
  for (let i = start; i < source.length; i++) {
    const c = source[i]!
    if (c === quote) return out
    if (c === '\n' && quote !== '`') return undefined
    if (quote === '`' && c === '$' && source[i + 1] === '{') return undefined // not a constant
    if (c !== '\\') {
      out += c
      continue
    }
    const next = source[++i]
    if (next === undefined) return undefined
    const hex = (digits: string) => {
      const code = Number.parseInt(digits, 16)
      return Number.isNaN(code) || code > 0x10ffff ? undefined : String.fromCodePoint(code)
    }
    let decoded: string | undefined
    if (next === 'x') {
      decoded = /^[0-9a-f]{2}$/i.test(source.slice(i + 1, i + 3))
        ? hex(source.slice(i + 1, i + 3))
        : undefined
      i += 2
    } else if (next === 'u' && source[i + 1] === '{') {
      const end = source.indexOf('}', i)
      decoded = end > 0 ? hex(source.slice(i + 2, end)) : undefined
      i = end
    } else if (next === 'u') {
      decoded = /^[0-9a-f]{4}$/i.test(source.slice(i + 1, i + 5))
        ? hex(source.slice(i + 1, i + 5))
        : undefined
      i += 4
    } else if (next === '\r' || next === '\n') {
      if (next === '\r' && source[i + 1] === '\n') i++
      decoded = '' // a line continuation
    } else {
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        b: '\b',
        f: '\f',
        v: '\v',
        0: '\0'
      }
      decoded = simple[next] ?? next
    }
    if (decoded === undefined) return undefined
    out += decoded
  }
  return undefined
}

/** The 1-based line of each call in `source` that registers a bench, with the name it gives. */
export function benchCalls(source: string): { name: string; line: number }[] {
  const calls: { name: string; line: number }[] = []
  let line = 1
  let counted = 0
  for (const match of source.matchAll(CALL)) {
    const name = literal(source, match.index + match[0].length, match[1]!)
    if (name === undefined) continue
    for (; counted < match.index; counted++) if (source.charCodeAt(counted) === 10) line++
    calls.push({ name, line })
  }
  return calls
}

/**
 * The line of the call that registers bench `name` in a bench file's text; with no name
 * given (the config's `function.bench` absent), the benchmark's own name, else the file's
 * only call. undefined when not found.
 */
export function benchCallLine(
  source: string,
  bench: string | undefined,
  benchmark: string
): number | undefined {
  const calls = benchCalls(source)
  const named = calls.find((c) => c.name === (bench ?? benchmark))
  if (named) return named.line
  return bench === undefined && calls.length === 1 ? calls[0]!.line : undefined
}

/** `file` relative to `root` with forward slashes; undefined when it lies outside `root`. */
export function repositoryPath(root: string, file: string): string | undefined {
  const relative = path.relative(root, file)
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  return relative.split(path.sep).join('/')
}

/** The real path of `file` (symbolic links resolved), or `file` when it cannot be resolved. */
function real(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

/**
 * {@link repositoryPath}, also when `root` and `file` reach the same place by different
 * routes (`git rev-parse --show-toplevel` gives a real path; a config path may hold a link).
 */
function inRepository(root: string, file: string): string | undefined {
  return repositoryPath(root, file) ?? repositoryPath(real(root), real(file))
}

function readText(file: string, limit: number): string | undefined {
  try {
    return readRegularFile(file, limit).toString('utf8')
  } catch {
    return undefined
  }
}

export interface BenchmarkLocations {
  /** Per benchmark name; a benchmark missing here has no place in the repository. */
  readonly locations: Map<string, SourceLocation>
  /** The config file's first line (undefined when the config lies outside `root`). */
  readonly fallback: SourceLocation | undefined
}

/**
 * Where each benchmark of `config` is defined, relative to `root` (the repository's top
 * level): its bench() call, else its perfgate.yml entry. Reads the config file (unless its
 * text is given) and each bench file once.
 */
export function locateBenchmarks(
  config: Config,
  root: string,
  configText = readText(config.file, MAX_CONFIG_FILE_BYTES)
): BenchmarkLocations {
  const configPath = inRepository(root, config.file)
  const entries =
    configText === undefined ? new Map() : benchmarkEntryLines(configText, config.file)
  const sources = new Map<string, string | undefined>()
  const locations = new Map<string, SourceLocation>()
  for (const b of config.benchmarks) {
    if (b.spec.kind === 'function') {
      const file = b.spec.file
      if (!sources.has(file)) sources.set(file, readText(file, MAX_BENCH_FILE_BYTES))
      const source = sources.get(file)
      const line = source === undefined ? undefined : benchCallLine(source, b.spec.bench, b.name)
      const where = inRepository(root, file)
      if (line !== undefined && where !== undefined) {
        locations.set(b.name, { path: where, line })
        continue
      }
    }
    const entry = entries.get(b.name)
    if (entry !== undefined && configPath !== undefined) {
      locations.set(b.name, { path: configPath, line: entry })
    }
  }
  return {
    locations,
    fallback: configPath === undefined ? undefined : { path: configPath, line: 1 }
  }
}
