/**
 * `perfgate init`: finds the bench files of a repository — `*.bench.*` files and, in
 * `bench/` or anywhere else, files importing perfgate, vitest's bench, tinybench, mitata or
 * Benchmark.js — lists the benches each registers (loading it in a
 * worker, as a trial would) and writes a starting perfgate.yml with one benchmark each.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseConfig } from '../config/parse.js'
import { renderStarterConfig, type StarterBenchmark } from '../config/starter.js'
import { importedHarnesses } from '../runners/function/harness/detect.js'
import type { Listing } from '../runners/function/list.js'

/** Folders never searched: dependencies, build output, version control and tool caches. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out'])
const SCRIPT = /\.(?:[cm]?js|[cm]?ts)$/
const BENCH_NAME = /\.bench\.(?:[cm]?js|[cm]?ts)$/
/** Larger files are not bench files worth reading. */
const MAX_SOURCE_BYTES = 1_000_000
const MAX_NAME_LENGTH = 100

/** A bench file found, with the harnesses its imports show (empty for a *.bench.* file without). */
export interface FoundFile {
  /** Relative to the searched root, forward slashes. */
  readonly file: string
  readonly harnesses: readonly string[]
}

/** Script files under `root` that look like bench files, sorted. */
export function findBenchFiles(root: string): FoundFile[] {
  const found: FoundFile[] = []
  const walk = (dir: string, relative: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const rel = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name), rel)
        continue
      }
      if (!entry.isFile() || !SCRIPT.test(entry.name) || entry.name.endsWith('.d.ts')) continue
      const full = path.join(dir, entry.name)
      if (statSync(full).size > MAX_SOURCE_BYTES) continue
      const harnesses = importedHarnesses(readFileSync(full, 'utf8'))
      // A *.bench.* file is tried whatever it imports; elsewhere (a bench/ folder included)
      // a file that imports no harness is a helper or a script, and is not run.
      if (harnesses.length > 0 || BENCH_NAME.test(entry.name)) found.push({ file: rel, harnesses })
    }
  }
  walk(root, '')
  return found.sort((a, b) => a.file.localeCompare(b.file))
}

export interface InitOptions {
  /** Absolute path of the config file to write. */
  readonly configPath: string
  readonly force: boolean
}

export interface InitDeps {
  /** Lists a file's benches (a worker process; a fake in tests). */
  readonly list: (file: string) => Promise<Listing>
}

export type InitResult =
  | {
      readonly ok: true
      readonly text: string
      readonly benchmarks: readonly StarterBenchmark[]
      /** What perfgate made of the harnesses' options, per file. */
      readonly notes: readonly string[]
      /** Files found that registered nothing or could not be loaded. */
      readonly skipped: readonly { readonly file: string; readonly reason: string }[]
    }
  | { readonly ok: false; readonly message: string }

/** Names unique across files: a repeated bench name is prefixed with its file's name. */
function uniqueName(name: string, file: string, taken: Set<string>): string {
  let candidate = name
  if (taken.has(candidate))
    candidate = `${path.posix.basename(file).replace(BENCH_NAME, '')} › ${name}`
  for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`
  if (candidate.length > MAX_NAME_LENGTH) candidate = candidate.slice(0, MAX_NAME_LENGTH - 1) + '…'
  taken.add(candidate)
  return candidate
}

/** Finds bench files under the config's folder, lists their benches, writes the config. */
export async function initProject(options: InitOptions, deps: InitDeps): Promise<InitResult> {
  const root = path.dirname(options.configPath)
  if (existsSync(options.configPath) && !options.force) {
    return {
      ok: false,
      message: `${options.configPath} exists; pass --force to overwrite it`
    }
  }
  const files = findBenchFiles(root)
  const benchmarks: StarterBenchmark[] = []
  const notes: string[] = []
  const skipped: { file: string; reason: string }[] = []
  const taken = new Set<string>()
  for (const { file } of files) {
    const listing = await deps.list(path.join(root, file))
    if (!listing.ok) {
      skipped.push({ file, reason: listing.message })
      continue
    }
    if (listing.benches.length === 0) {
      skipped.push({ file, reason: 'registers no bench' })
      continue
    }
    for (const bench of listing.benches) {
      benchmarks.push({
        name: uniqueName(bench.name, file, taken),
        file,
        bench: bench.name,
        harness: bench.harness,
        ...(bench.timeMs !== undefined ? { timeMs: bench.timeMs } : {}),
        ...(bench.warmupMs !== undefined ? { warmupMs: bench.warmupMs } : {})
      })
      notes.push(...bench.notes.map((note) => `${file}: ${note}`))
    }
  }
  if (benchmarks.length === 0) {
    const why = skipped.map((s) => `\n  ${s.file}: ${s.reason}`).join('')
    return {
      ok: false,
      message:
        files.length === 0
          ? `no bench files found under ${root} (looked for *.bench.{js,mjs,cjs,ts,mts,cts} and ` +
            'files importing perfgate, vitest bench, tinybench, mitata or benchmark)'
          : `no benchmark found in the ${files.length} bench file(s) under ${root}:${why}`
    }
  }
  const text = renderStarterConfig(benchmarks)
  // What is written must pass `perfgate validate`; a ConfigError here is perfgate's bug.
  parseConfig(text, options.configPath, { fileExists: existsSync })
  writeFileSync(options.configPath, text)
  return { ok: true, text, benchmarks, notes: [...new Set(notes)], skipped }
}
