/**
 * Files perfgate starts or hands to workers at run time. In the bundle they sit flat in
 * dist/ (see rollup.config.js); when running from source (tests, tsx, @github/local-action)
 * they are the .ts files.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * Whether this module runs from the TypeScript sources rather than from the bundle. Decided
 * by what is on disk, not by the URL's spelling alone: loaders may add a query to module
 * URLs (local-action's module stubbing loads `runtime-files.ts?__quibble=1`).
 */
export function runsFromSource(moduleUrl: string): boolean {
  if (fileURLToPath(moduleUrl).endsWith('.ts')) return true
  // A bundle has the worker next to it; the sources have it under runners/function/.
  return (
    !existsSync(new URL('./worker.js', moduleUrl)) &&
    existsSync(new URL('./runners/function/worker.ts', moduleUrl))
  )
}

const fromSource = runsFromSource(import.meta.url)

/** The function worker's entry file. */
export const WORKER_URL = fromSource
  ? new URL('./runners/function/worker.ts', import.meta.url)
  : new URL('./worker.js', import.meta.url)

/** The module `import ... from 'perfgate'` resolves to inside a worker. */
export const API_URL = fromSource
  ? new URL('./api.ts', import.meta.url)
  : new URL('./api.js', import.meta.url)

/** The shims that other harnesses' imports resolve to inside a worker, by harness. */
export const HARNESS_URLS = {
  vitest: runtimeFile('runners/function/harness/vitest', 'harness-vitest'),
  tinybench: runtimeFile('runners/function/harness/tinybench', 'harness-tinybench'),
  mitata: runtimeFile('runners/function/harness/mitata', 'harness-mitata'),
  'benchmark.js': runtimeFile('runners/function/harness/benchmark', 'harness-benchmark')
} as const

/** URL of a runtime file: its source (`sourcePath`.ts) or its bundle (dist/`bundleName`.js). */
function runtimeFile(sourcePath: string, bundleName: string): string {
  return (
    fromSource
      ? new URL(`./${sourcePath}.ts`, import.meta.url)
      : new URL(`./${bundleName}.js`, import.meta.url)
  ).href
}

/** Whether the worker itself needs a TypeScript loader (only when running from source). */
export const WORKER_NEEDS_TS_LOADER = fromSource

/**
 * URL of tsx's ESM loader, if tsx is installed (it is a dependency of the CLI; the action's
 * bundle runs on a Node with native type stripping instead). undefined when absent.
 */
export function tsxLoaderUrl(projectDir?: string): string | undefined {
  const from = [
    import.meta.url,
    ...(projectDir ? [pathToFileURL(path.join(projectDir, 'package.json')).href] : [])
  ]
  for (const parent of from) {
    try {
      return pathToFileURL(createRequire(parent).resolve('tsx')).href
    } catch {
      // not installed there
    }
  }
  return undefined
}

/**
 * URL of the esbuild that tsx compiles with (resolved from tsx's own package, so it is
 * there wherever tsx is), or undefined without tsx. Instruction counts bundle TypeScript
 * bench files with it (src/runners/instructions/bundle.ts).
 */
export function esbuildUrl(projectDir?: string): string | undefined {
  const tsx = tsxLoaderUrl(projectDir)
  if (tsx === undefined) return undefined
  try {
    return pathToFileURL(createRequire(tsx).resolve('esbuild')).href
  } catch {
    return undefined
  }
}

/**
 * Makes function workers run on the first `node` on PATH (the project's, from
 * setup-node) when it is not this process's Node (the action runs on its own, node24):
 * sets PERFGATE_NODE, unless already set, and returns the path chosen, else undefined.
 */
export function useNodeOnPath(): string | undefined {
  if (process.env.PERFGATE_NODE) return undefined
  const found = spawnSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' })
  const nodePath = found.status === 0 ? found.stdout.trim() : ''
  if (!nodePath || nodePath === process.execPath) return undefined
  process.env.PERFGATE_NODE = nodePath
  return nodePath
}

interface WorkerNode {
  readonly path: string
  readonly version: string
}

let workerNodeCache: WorkerNode | undefined

/**
 * The Node that runs function workers: PERFGATE_NODE when set (the action sets it to the
 * project's `node` from setup-node, not the action's own runtime), else this process's.
 */
export function workerNode(): WorkerNode {
  const chosen = process.env.PERFGATE_NODE || process.execPath
  if (workerNodeCache?.path === chosen) return workerNodeCache
  const version =
    chosen === process.execPath
      ? process.version
      : spawnSync(chosen, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown'
  workerNodeCache = { path: chosen, version }
  return workerNodeCache
}

/** Whether a Node version strips TypeScript types by default (22.18+, 23.6+). */
export function stripsTypes(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)
}
