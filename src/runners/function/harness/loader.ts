/**
 * Inside a function worker: the imports of other harnesses ('vitest', 'tinybench',
 * 'mitata', 'benchmark') lead to perfgate's shims, so a file written for one of them runs
 * unchanged and its benchmarks register with perfgate. The shims are used even where the
 * project has the real package installed: vitest's bench() only works inside the vitest
 * runner, the others would time the code themselves, and base and head must be measured
 * by the same engine whatever each checkout has installed.
 */
import { register } from 'node:module'
import Module from 'node:module'
import type { Harness } from '../../../config/types.js'
import type { ForeignHarness, RegisteredBench } from '../registry.js'
import { importedHarnesses } from './detect.js'
import { HARNESS_SPECIFIERS } from './specifiers.js'

/** Shim module URLs by harness (from src/runtime-files.ts). */
export type HarnessUrls = Readonly<Partial<Record<ForeignHarness, string>>>

type Load = (request: string, parent: unknown, isMain: boolean) => unknown

/**
 * specifier → shim URL of the harnesses that count: the one the config names, else those
 * the file's own imports show. A file that reaches a harness only through another module
 * names it in the config (function.harness); a perfgate bench file pays nothing.
 */
export function shimsFor(
  urls: HarnessUrls,
  only: Harness | undefined,
  source: string
): Map<string, string> {
  const wanted: readonly Harness[] =
    only !== undefined && only !== 'auto' ? [only] : importedHarnesses(source)
  const map = new Map<string, string>()
  for (const [harness, url] of Object.entries(urls) as [ForeignHarness, string][]) {
    if (wanted.includes(harness)) map.set(HARNESS_SPECIFIERS[harness], url)
  }
  return map
}

/**
 * Makes `require(specifier)` give `modules`' value for each of its specifiers (Node 20's
 * module hooks do not see require): for bench files loaded as CommonJS.
 */
export function requireTo(modules: ReadonlyMap<string, unknown>): void {
  if (modules.size === 0) return
  const internal = Module as unknown as { _load: Load }
  const original = internal._load
  internal._load = function load(this: unknown, request, parent, isMain) {
    return modules.has(request)
      ? modules.get(request)
      : original.call(this, request, parent, isMain)
  }
}

/**
 * Whether a bench file may run as CommonJS, its imports turned into require(): it calls
 * require itself, or it is TypeScript other than `.mts` (tsx compiles a `.ts` file outside
 * an ES-module package, and every `.cts` file, to CommonJS).
 */
export function mayRequire(file: string, source: string): boolean {
  return /\brequire\s*\(/.test(source) || /\.(?:c?ts|tsx)$/.test(file)
}

/**
 * Sends the harnesses' imports to the shims: a resolve hook for `import`, and a wrapper
 * of CommonJS's module loading for `require('benchmark')` (Node 20's hooks do not see
 * require; a shim is loaded ahead for that only when the file may run as CommonJS). Call
 * before importing the bench file.
 */
export async function installHarnessShims(
  urls: HarnessUrls,
  only: Harness | undefined,
  source: string,
  file: string
): Promise<void> {
  const shims = shimsFor(urls, only, source)
  if (shims.size === 0) return
  const table = JSON.stringify(Object.fromEntries(shims))
  const hooks = `
    const shims = ${table}
    export async function resolve(specifier, context, next) {
      return next(Object.hasOwn(shims, specifier) ? shims[specifier] : specifier, context)
    }`
  register('data:text/javascript,' + encodeURIComponent(hooks))

  if (!mayRequire(file, source)) return
  const loaded = new Map<string, unknown>()
  for (const [specifier, url] of shims) {
    const namespace = (await import(url)) as { default?: unknown }
    // A CommonJS file gets what the package's module.exports would be.
    loaded.set(specifier, namespace.default ?? namespace)
  }
  requireTo(loaded)
}

/** What a file's import error means when it comes from a shim, else undefined. */
export function explainImportError(error: unknown, file: string): string | undefined {
  if (!(error instanceof Error)) return undefined
  if (error.name === 'PerfgateHarnessError') return `${file}: ${error.message}`
  const missing = /The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(
    error.message
  )
  const harness = missing && Object.entries(HARNESS_SPECIFIERS).find(([, s]) => s === missing[1])
  if (!missing || !harness) return undefined
  return (
    `${file}: imports ${missing[2]} from '${missing[1]}', which perfgate does not run; ` +
    `perfgate runs ${harness[0]} files through its own ${harness[0]} support (see the README's ` +
    `function benchmarks), which has no ${missing[2]}`
  )
}

/** The benches that count for a benchmark: those of its harness when the config names one. */
export function benchesOf(
  registry: ReadonlyMap<string, RegisteredBench>,
  harness: Harness | undefined
): Map<string, RegisteredBench> {
  if (harness === undefined || harness === 'auto') return new Map(registry)
  return new Map([...registry].filter(([, bench]) => (bench.harness ?? 'perfgate') === harness))
}
