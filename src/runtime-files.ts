/**
 * Files perfgate starts or hands to workers at run time. In the bundle they sit flat in
 * dist/ (see rollup.config.ts); when running from source (tests) they are the .ts files.
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const fromSource = import.meta.url.endsWith('.ts')

/** The function worker's entry file. */
export const WORKER_URL = fromSource
  ? new URL('./runners/function/worker.ts', import.meta.url)
  : new URL('./worker.js', import.meta.url)

/** The module `import ... from 'perfgate'` resolves to inside a worker. */
export const API_URL = fromSource
  ? new URL('./api.ts', import.meta.url)
  : new URL('./api.js', import.meta.url)

/** Whether the worker itself needs a TypeScript loader (only when running from source). */
export const WORKER_NEEDS_TS_LOADER = fromSource

/**
 * URL of tsx's ESM loader, if tsx is installed (it is a dependency of the CLI; the action's
 * bundle runs on a Node with native type stripping instead). undefined when absent.
 */
export function tsxLoaderUrl(): string | undefined {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  } catch {
    return undefined
  }
}
