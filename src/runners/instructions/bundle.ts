/**
 * A TypeScript bench file made into one JavaScript module for its instruction count, so
 * the counting worker loads it without a TypeScript loader. tsx transforms modules on
 * Node's module-hooks thread (and esbuild's service beside it) while the worker's main
 * thread loads and allocates; how the two interleave changes where the main thread's heap
 * pages land, and V8 keys caches such as its descriptor lookup cache by address. So a
 * bench loaded through tsx counted on levels 0.39 % apart from one process to the next
 * (the example's CSV parser as a .ts file, 12 processes beside a busy neighbour), where
 * the same code bundled repeats to 66 instructions in 14.3 M (docs/DESIGN.md, "The
 * loader's thread").
 *
 * The bundle is built with the esbuild that tsx uses (so it reads tsconfig.json and
 * compiles as tsx does), written next to the bench file (its bare imports resolve from
 * the same place: packages, the bench's harness and 'perfgate' stay imports) under a
 * hidden name, and removed after the count (or by perfgate's clean-up on Ctrl-C). A
 * module's `import.meta.url`, `.filename` and `.dirname` keep naming its own source file.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { registerCleanup } from '../../process/cleanup.js'
import { esbuildUrl } from '../../runtime-files.js'

/** A bench file's bundle for a count: import `file`, then remove() it. */
export interface CountBundle {
  readonly file: string
  remove(): void
}

/** The part of esbuild's API the bundle uses (its types are not a dependency of ours). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>
}

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/
const LOADERS: Readonly<Record<string, string>> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.jsx': 'jsx'
}
const REQUIRE_BANNER =
  "import { createRequire as __perfgateCreateRequire } from 'node:module';\n" +
  'const require = __perfgateCreateRequire(import.meta.url);'
const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g

/**
 * esbuild plugin: `import.meta.url`, `.filename` and `.dirname` in a project file become
 * that file's own, so reading a fixture next to a module works as it did unbundled.
 */
const ownImportMeta = {
  name: 'perfgate-own-import-meta',
  setup(build: {
    onLoad(
      options: { filter: RegExp },
      callback: (args: { path: string }) => { contents: string; loader: string } | undefined
    ): void
  }) {
    build.onLoad({ filter: SOURCE_FILE }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
      const text = readFileSync(args.path, 'utf8')
      if (!text.includes('import.meta')) return undefined
      const values: Record<string, string> = {
        url: pathToFileURL(args.path).href,
        filename: args.path,
        dirname: path.dirname(args.path)
      }
      return {
        contents: text.replace(IMPORT_META, (_, key: string) => JSON.stringify(values[key])),
        loader: LOADERS[path.extname(args.path)] ?? 'js'
      }
    })
  }
}

/** The Node version esbuild compiles for: `node20.20` for v20.20.2. */
export function esbuildTarget(nodeVersion: string): string {
  const [major = 20, minor = 0] = nodeVersion.replace(/^v/, '').split('.').map(Number)
  return `node${Number.isFinite(major) ? major : 20}.${Number.isFinite(minor) ? minor : 0}`
}

/**
 * Bundles `benchFile` for a count on a Node of `nodeVersion`; undefined when no esbuild is
 * installed (tsx's, next to perfgate or in the project) or it cannot bundle the file (an
 * import only a loader understands): the worker then loads the file through the loader,
 * as its timed trials do, and the count repeats less well.
 */
export async function bundleForCount(
  benchFile: string,
  nodeVersion: string
): Promise<CountBundle | undefined> {
  const dir = path.dirname(benchFile)
  const url = esbuildUrl(dir)
  if (url === undefined) return undefined
  let esbuild: Esbuild
  try {
    esbuild = (await import(url)) as Esbuild
  } catch {
    return undefined
  }
  const stem = path.basename(benchFile).replace(/\.[^.]+$/, '')
  const file = path.join(dir, `.perfgate-count-${stem}-${randomBytes(4).toString('hex')}.mjs`)
  const remove = registerCleanup(() => rmSync(file, { force: true }))
  try {
    await esbuild.build({
      entryPoints: [benchFile],
      absWorkingDir: dir,
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: esbuildTarget(nodeVersion),
      packages: 'external',
      // A bundled CommonJS module's require() of a package or a builtin: esbuild's shim
      // calls the `require` in scope (it renames the modules' own top-level `require`).
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      plugins: [ownImportMeta]
    })
  } catch {
    remove()
    return undefined
  }
  return { file, remove }
}
