// The integration project's globalSetup: bundles perfgate from the current sources, with
// rollup.config.js, into BUILD_DIR (not dist/, which CI checks against a fresh build
// before the tests run). Tests that run the action or the CLI as a process run the bundle
// from there, so a change to src/ is what they test. The build is skipped when no input
// changed since the last one (a hash of the sources and build settings).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Where the bundle goes: inside the repository, so it resolves node_modules as dist/ does. */
export const BUILD_DIR = path.join(ROOT, 'node_modules/.cache/perfgate-test-build')

const STAMP = path.join(BUILD_DIR, '.inputs-hash')

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
}

/** Hash of everything the bundle is made from. */
function inputsHash() {
  const files = [
    ...filesUnder(path.join(ROOT, 'src')),
    ...['rollup.config.js', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map(
      (name) => path.join(ROOT, name)
    )
  ].sort()
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(`${path.relative(ROOT, file)}\0`)
    hash.update(readFileSync(file))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/** Runs rollup with the repository's config, writing to BUILD_DIR (in this process). */
async function bundle() {
  const { rollup } = await import('rollup')
  const { default: typescript } = await import('@rollup/plugin-typescript')
  const { default: exported } = await import(
    pathToFileURL(path.join(ROOT, 'rollup.config.js')).href
  )
  // The config that bundles into dist/ (others, such as type declarations, are not run).
  const config = [exported]
    .flat()
    .find((options) => !Array.isArray(options.output) && options.output?.dir === 'dist')
  if (!config) throw new Error('rollup.config.js: no config with output.dir dist')
  // The TypeScript plugin insists that its outDir lies inside rollup's output dir.
  const plugins = config.plugins.map((plugin) =>
    plugin.name === 'typescript'
      ? typescript({ tsconfig: 'tsconfig.build.json', outDir: BUILD_DIR })
      : plugin
  )
  const build = await rollup({ ...config, plugins })
  await build.write({ ...config.output, dir: BUILD_DIR })
  await build.close()
}

/** globalSetup: builds in a child process (rollup's paths are relative to the repository). */
export default function buildForTests() {
  const hash = inputsHash()
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return
  rmSync(BUILD_DIR, { recursive: true, force: true })
  const started = Date.now()
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    cwd: ROOT,
    encoding: 'utf8'
  })
  if (run.status !== 0) {
    throw new Error(`building perfgate for the integration tests failed:\n${run.stderr}`)
  }
  writeFileSync(STAMP, hash)
  process.stderr.write(
    `\nperfgate built from source into ${path.relative(ROOT, BUILD_DIR)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle()
