/**
 * A bench file made into one JavaScript module for its instruction count, so the counting
 * worker loads it without a TypeScript loader or module hooks. tsx transforms modules on
 * Node's module-hooks thread (and esbuild's service beside it) while the worker's main
 * thread loads and allocates; how the two interleave changes where the main thread's heap
 * pages land, and V8 keys caches such as its descriptor lookup cache by address. So a
 * bench loaded through tsx counted on levels 0.39 % apart from one process to the next
 * (the example's CSV parser as a .ts file, 12 processes beside a busy neighbour), where
 * the same code bundled repeats to 66 instructions in 14.3 M (docs/DESIGN.md, "The
 * loader's thread").
 *
 * Any bench is counted from a bundle where it can be, JavaScript too: the bundle imports
 * perfgate's API and the harness shims by URL (`aliases`), so the worker registers no
 * module hooks and runs no thread beside the count but Node's own.
 *
 * The bundle is built with the esbuild that tsx uses (so it reads tsconfig.json as tsx
 * does) in a child process (it is the project's code: it gets the environment benchmarks
 * get, never perfgate's credentials; tsx's TSX_TSCONFIG_PATH is honoured), written next
 * to the bench file under a hidden name
 * (packages, the harness and 'perfgate' stay imports that resolve from the same place)
 * and removed after the count (or by perfgate's clean-up on Ctrl-C).
 *
 * Bundling must not change the program, so it is refused, and the count goes through the
 * loader as the bench's timed trials do, whenever it could: a module that would run as
 * CommonJS (its package is not "type": "module", or esbuild reads it as CommonJS: the
 * interop differs), a package that resolves to another copy from the bench's folder than
 * from its importer (monorepos), `import.meta` used other than as `.url`, `.filename` or
 * `.dirname` (those keep naming each module's own file), any esbuild warning (such as an
 * import() it cannot follow), or an output besides the one JavaScript file. Names are
 * kept (`keepNames`, as tsx compiles).
 */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { startChild } from '../../process/children.js'
import { registerCleanup } from '../../process/cleanup.js'
import { sanitizeChildText } from '../../process/text.js'
import { esbuildUrl } from '../../runtime-files.js'

/** A bench file's bundle for a count: import `file`, then remove() it. */
export interface CountBundle {
  readonly file: string
  remove(): void
}

/** A bundle, or why the count goes through the loader instead. */
export type BundleResult = { readonly bundle: CountBundle } | { readonly reason: string }

/** How long bundling may take (it takes well under a second). */
const BUNDLE_TIMEOUT_MS = 120_000

/**
 * The child that bundles: argv[1] is a JSON job; it writes `{"file"}` or `{"reason"}` as
 * one JSON line on stdout. Plain JavaScript run with `node --input-type=module -e`.
 */
const BUNDLER = String.raw`
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
const job = JSON.parse(process.argv[1])
const esbuild = await import(job.esbuild)
const reasons = []
const refuse = (reason) => { if (reasons.length === 0) reasons.push(reason) }
const rel = (file) => path.relative(job.dir, file) || file
const inModules = (file) => file.split(path.sep).includes('node_modules')
const scopes = new Map()
function packageType(dir) {
  if (scopes.has(dir)) return scopes.get(dir)
  const manifest = path.join(dir, 'package.json')
  let type
  if (existsSync(manifest)) {
    try { type = JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs' } catch { type = 'commonjs' }
  } else {
    const parent = path.dirname(dir)
    type = parent === dir ? 'commonjs' : packageType(parent)
  }
  scopes.set(dir, type)
  return type
}
const runsAsModule = (file) =>
  /\.m[jt]s$/.test(file) || (!/\.c[jt]s$/.test(file) && packageType(path.dirname(file)) === 'module')
const OTHER_META = /\bimport\.meta\b(?!\s*\.\s*(?:url|filename|dirname)\b)/
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx' }
const plugin = {
  name: 'perfgate-count-bundle',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'perfgate-inner') return undefined
      if (Object.hasOwn(job.aliases, args.path)) return { path: job.aliases[args.path], external: true }
      const at = (resolveDir) => ({ resolveDir, kind: args.kind, importer: args.importer, pluginData: 'perfgate-inner' })
      const own = await build.resolve(args.path, at(args.resolveDir))
      if (own.errors.length > 0) return undefined
      if (own.external) return { path: args.path, external: true }
      if (!inModules(own.path)) return undefined
      const fromBench = await build.resolve(args.path, at(job.dir))
      if (fromBench.path !== own.path) {
        refuse(args.path + ' imported by ' + rel(args.importer) + ' is another copy from the bench folder')
      }
      return { path: args.path, external: true }
    })
    build.onLoad({ filter: /\.(?:[cm]?[jt]s|[jt]sx)$/ }, (args) => {
      if (inModules(args.path)) return undefined
      if (!runsAsModule(args.path)) refuse(rel(args.path) + ' runs as CommonJS')
      const text = readFileSync(args.path, 'utf8')
      if (!text.includes('import.meta')) return undefined
      if (OTHER_META.test(text)) refuse(rel(args.path) + ' uses import.meta other than .url, .filename or .dirname')
      const prologue =
        'const __perfgateMetaUrl = ' + JSON.stringify(pathToFileURL(args.path).href) +
        ', __perfgateMetaFilename = ' + JSON.stringify(args.path) +
        ', __perfgateMetaDirname = ' + JSON.stringify(path.dirname(args.path)) + ';\n'
      return { contents: prologue + text, loader: LOADERS[path.extname(args.path)] ?? 'js' }
    })
  }
}
let result
try {
  result = await esbuild.build({
    entryPoints: [job.entry],
    absWorkingDir: job.dir,
    outfile: job.outfile,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: job.target,
    keepNames: true,
    metafile: true,
    ...(process.env.TSX_TSCONFIG_PATH ? { tsconfig: process.env.TSX_TSCONFIG_PATH } : {}),
    logLevel: 'silent',
    define: {
      'import.meta.url': '__perfgateMetaUrl',
      'import.meta.filename': '__perfgateMetaFilename',
      'import.meta.dirname': '__perfgateMetaDirname'
    },
    plugins: [plugin]
  })
} catch (error) {
  const first = error.errors?.[0]
  refuse('esbuild: ' + (first?.text ?? error.message))
}
if (result) {
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    if (input.format === 'cjs') refuse(rel(path.resolve(job.dir, file)) + ' is CommonJS')
  }
  if (result.warnings.length > 0) refuse('esbuild: ' + result.warnings[0].text)
  if (result.outputFiles.length !== 1) refuse('it imports files other than JavaScript and TypeScript')
}
if (reasons.length === 0) writeFileSync(job.outfile, result.outputFiles[0].contents)
process.stdout.write(JSON.stringify(reasons.length === 0 ? { file: job.outfile } : { reason: reasons[0] }) + '\n')
`

/** The Node version esbuild compiles for: `node20.20` for v20.20.2. */
export function esbuildTarget(nodeVersion: string): string {
  const [major = 20, minor = 0] = nodeVersion.replace(/^v/, '').split('.').map(Number)
  return `node${Number.isFinite(major) ? major : 20}.${Number.isFinite(minor) ? minor : 0}`
}

/**
 * Bundles `benchFile` for a count on a Node of `nodeVersion`, or says why its count goes
 * through the loader instead (no esbuild installed next to tsx, or bundling could change
 * the program: see above).
 */
export async function bundleForCount(
  benchFile: string,
  nodeVersion: string,
  aliases: Readonly<Record<string, string>>
): Promise<BundleResult> {
  const dir = path.dirname(benchFile)
  const esbuild = esbuildUrl(dir)
  if (esbuild === undefined) return { reason: 'no esbuild next to tsx' }
  const stem = path.basename(benchFile).replace(/\.[^.]+$/, '')
  const suffix = Math.random().toString(16).slice(2, 10)
  const file = path.join(dir, `.perfgate-count-${stem}-${suffix}.mjs`)
  const remove = registerCleanup(() => rmSync(file, { force: true }))
  const job = {
    esbuild,
    entry: benchFile,
    dir,
    outfile: file,
    target: esbuildTarget(nodeVersion),
    aliases
  }
  const started = startChild(
    process.execPath,
    ['--input-type=module', '-e', BUNDLER, JSON.stringify(job)],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeoutMs: BUNDLE_TIMEOUT_MS }
  )
  const end = await started.finished
  let answer: { file?: unknown; reason?: unknown } = {}
  try {
    answer = JSON.parse(end.stdout.text().trim().split('\n').pop() ?? '') as typeof answer
  } catch {
    // No answer: the reason below.
  }
  if (answer.file === file) return { bundle: { file, remove } }
  remove()
  const reason =
    typeof answer.reason === 'string'
      ? answer.reason
      : `the bundler ${end.timedOut ? 'timed out' : `exited with ${end.code ?? end.signal}`}: ` +
        (end.stderr.text().trim().split('\n').slice(-1)[0] ?? '')
  return { reason: sanitizeChildText(reason) }
}
