// TypeScript bench files counted from a bundle (src/runners/instructions/bundle.ts): the
// bundle runs on plain Node with each module's import.meta its own and CommonJS modules'
// require(), a real count of a .ts bench imports it and leaves no file behind, and a file
// esbuild cannot bundle, or whose bundle fails to load, is counted through the loader.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import { createProcessTrialRunner } from '../src/runners/index.js'
import { bundleForCount, esbuildTarget } from '../src/runners/instructions/bundle.js'
import { scratchDir } from './helpers/scratch.js'

afterEach(() => {
  expect(liveChildCount()).toBe(0)
})

/** A bench folder: bench.ts imports lib/words.ts, which reads lib/words.txt by import.meta.url. */
function project(benchLine: string): string {
  const dir = scratchDir('perfgate-bundle-')
  mkdirSync(path.join(dir, 'lib'))
  writeFileSync(path.join(dir, 'lib', 'words.txt'), 'alpha beta epsilon')
  writeFileSync(
    path.join(dir, 'lib', 'words.ts'),
    "import { readFileSync } from 'node:fs'\n" +
      "export const words: string[] = readFileSync(new URL('./words.txt', import.meta.url), 'utf8').split(' ')\n" +
      "export const here: string = import.meta.dirname ?? ''\n" +
      'export function longest(list: readonly string[]): string {\n' +
      "  return list.reduce((a, b) => (b.length > a.length ? b : a), '')\n" +
      '}\n'
  )
  writeFileSync(
    path.join(dir, 'bench.ts'),
    "import { longest, words, here } from './lib/words.ts'\n" + benchLine + '\n'
  )
  return dir
}

const bundleFiles = (dir: string) =>
  readdirSync(dir).filter((name) => name.startsWith('.perfgate-count-'))

describe('a TypeScript bench bundled for its count', () => {
  it('runs on Node without a loader, each module reading its own import.meta', async () => {
    const dir = project('console.log(JSON.stringify({ longest: longest(words), here }))')
    const bundle = await bundleForCount(path.join(dir, 'bench.ts'), process.version)
    if (bundle === undefined) throw new Error('no esbuild found next to tsx')
    try {
      expect(path.dirname(bundle.file)).toBe(dir)
      const ran = spawnSync(process.execPath, [bundle.file], { encoding: 'utf8' })
      expect(ran.stderr).toBe('')
      expect(JSON.parse(ran.stdout)).toEqual({ longest: 'epsilon', here: path.join(dir, 'lib') })
    } finally {
      bundle.remove()
    }
    expect(bundleFiles(dir)).toEqual([])
  }, 60_000)

  it('is left to the loader when esbuild cannot bundle the file', async () => {
    const dir = scratchDir('perfgate-bundle-bad-')
    writeFileSync(path.join(dir, 'bench.ts'), "import { missing } from './nowhere.ts'\nmissing()\n")
    expect(await bundleForCount(path.join(dir, 'bench.ts'), process.version)).toBeUndefined()
    expect(bundleFiles(dir)).toEqual([])
  }, 60_000)

  it('compiles for the worker Node’s version', () => {
    expect(esbuildTarget('v20.20.2')).toBe('node20.20')
    expect(esbuildTarget('v24.1.0')).toBe('node24.1')
  })

  it('runs a CommonJS module it bundled, its require() of a builtin included', async () => {
    const dir = scratchDir('perfgate-bundle-cjs-')
    writeFileSync(
      path.join(dir, 'legacy.cjs'),
      "const path = require('node:path')\nmodule.exports = { join: (a, b) => path.join(a, b) }\n"
    )
    writeFileSync(
      path.join(dir, 'bench.ts'),
      "import legacy from './legacy.cjs'\nconsole.log(legacy.join('a', 'b'))\n"
    )
    const bundle = await bundleForCount(path.join(dir, 'bench.ts'), process.version)
    if (bundle === undefined) throw new Error('no esbuild found next to tsx')
    try {
      const ran = spawnSync(process.execPath, [bundle.file], { encoding: 'utf8' })
      expect(ran.stderr).toBe('')
      expect(ran.stdout.trim()).toBe(path.join('a', 'b'))
    } finally {
      bundle.remove()
    }
  }, 60_000)

  it('is what a real count imports; one that fails to load is counted through the loader', async () => {
    // Each bench checks how it was loaded: the bundle's path is in its stack or not.
    const stack = "new Error().stack.includes('.perfgate-count-')"
    const bundled = project(
      "import { bench } from 'perfgate'\n" +
        `if (!${stack}) throw new Error('not loaded from the bundle')\n` +
        "bench('longest word', () => longest(words) + here.length)"
    )
    // A CommonJS helper reading __dirname: defined when Node loads it, not in a bundle.
    const loaded = scratchDir('perfgate-bundle-fallback-')
    writeFileSync(path.join(loaded, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(path.join(loaded, 'where.cjs'), 'module.exports = { where: __dirname }\n')
    writeFileSync(
      path.join(loaded, 'bench.ts'),
      "import { bench } from 'perfgate'\nimport helper from './where.cjs'\n" +
        `if (${stack}) throw new Error('loaded from the bundle')\n` +
        "bench('where', () => helper.where.length)\n"
    )
    const count = (dir: string) =>
      createProcessTrialRunner().runTrial(
        {
          name: 'planted',
          kind: 'function',
          trials: 1,
          measure: 'instructions',
          timeoutMs: 900_000,
          budgets: [],
          targets: [],
          compare: { gate: ['instructions'], threshold: 0.04, alpha: 0.05 },
          spec: {
            kind: 'function',
            file: path.join(dir, 'bench.ts'),
            bench: undefined,
            timeMs: 500,
            warmupMs: 100,
            interleave: true
          }
        },
        0
      )
    const outcomes = await Promise.all([count(bundled), count(loaded)])
    for (const outcome of outcomes) {
      if (!outcome.ok) throw new Error(`${outcome.message}\n${outcome.stderrTail}`)
      expect(outcome.metrics.instructions).toBeGreaterThan(0)
    }
    expect(bundleFiles(bundled)).toEqual([])
    expect(bundleFiles(loaded)).toEqual([])
  }, 900_000)
})
