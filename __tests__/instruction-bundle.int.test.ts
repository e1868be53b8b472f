// TypeScript bench files counted from a bundle (src/runners/instructions/bundle.ts): the
// bundle runs on plain Node with each module's import.meta its own; bundling is refused
// wherever it could change the program; a real count imports it and leaves no file
// behind; a pair whose sides cannot all be bundled loads through the loader on both.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { BenchmarkConfig, FunctionSpec } from '../src/config/types.js'
import { liveChildCount } from '../src/process/children.js'
import { bundleForCount, esbuildTarget } from '../src/runners/instructions/bundle.js'
import { InstructionCounter, pairBundles } from '../src/runners/instructions/index.js'
import { scratchDir } from './helpers/scratch.js'

afterEach(() => {
  expect(liveChildCount()).toBe(0)
})

/** Writes `files` (path → text) under a fresh ES-module package; returns its folder. */
function project(files: Record<string, string>): string {
  const dir = scratchDir('perfgate-bundle-')
  for (const [name, text] of Object.entries({
    'package.json': '{ "type": "module" }\n',
    ...files
  })) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

/** lib/words.ts reads lib/words.txt by its import.meta.url, and names its folder. */
const WORDS = {
  'lib/words.txt': 'alpha beta epsilon',
  'lib/words.ts':
    "import { readFileSync } from 'node:fs'\n" +
    "export const words: string[] = readFileSync(new URL('./words.txt', import.meta.url), 'utf8').split(' ')\n" +
    'export const here: string = import.meta.dirname\n' +
    "export const text = 'import.meta.url stays text'\n" +
    'export function longest(list: readonly string[]): string {\n' +
    "  return list.reduce((a, b) => (b.length > a.length ? b : a), '')\n" +
    '}\n'
}

const bundleFiles = (dir: string) =>
  readdirSync(dir).filter((name) => name.startsWith('.perfgate-count-'))

/** Why `files`' bench.ts is not bundled (fails the test when it is). */
async function refusal(files: Record<string, string>): Promise<string> {
  const dir = project(files)
  const result = await bundleForCount(path.join(dir, 'bench.ts'), process.version, {})
  if ('bundle' in result) {
    result.bundle.remove()
    throw new Error('bundled')
  }
  expect(bundleFiles(dir)).toEqual([])
  return result.reason
}

describe('a TypeScript bench bundled for its count', () => {
  it('runs on Node without a loader, each module reading its own import.meta', async () => {
    const dir = project({
      ...WORDS,
      'bench.ts':
        "import { longest, words, here, text } from './lib/words.ts'\n" +
        'console.log(JSON.stringify({ longest: longest(words), here, text, bench: import.meta.filename }))\n'
    })
    const result = await bundleForCount(path.join(dir, 'bench.ts'), process.version, {})
    if (!('bundle' in result)) throw new Error(result.reason)
    try {
      expect(path.dirname(result.bundle.file)).toBe(dir)
      const ran = spawnSync(process.execPath, [result.bundle.file], { encoding: 'utf8' })
      expect(ran.stderr).toBe('')
      expect(JSON.parse(ran.stdout)).toEqual({
        longest: 'epsilon',
        here: path.join(dir, 'lib'),
        text: 'import.meta.url stays text',
        bench: path.join(dir, 'bench.ts')
      })
    } finally {
      result.bundle.remove()
    }
    expect(bundleFiles(dir)).toEqual([])
  }, 60_000)

  it('is refused where it could change the program, saying why', async () => {
    const bench = "import { w } from './lib/w.ts'\nconsole.log(w)\n"
    // A .ts file outside an ES-module package: tsx runs it as CommonJS.
    const commonjs = scratchDir('perfgate-bundle-cjs-')
    writeFileSync(path.join(commonjs, 'bench.ts'), 'console.log(1)\n')
    const result = await bundleForCount(path.join(commonjs, 'bench.ts'), process.version, {})
    expect('reason' in result && result.reason).toBe('bench.ts runs as CommonJS')
    expect(
      await refusal({
        'bench.ts': bench,
        'lib/w.ts': "export const w = import.meta.resolve('./x')\n"
      })
    ).toBe('lib/w.ts uses import.meta other than .url, .filename or .dirname')
    expect(
      await refusal({ 'bench.ts': bench, 'lib/w.ts': "export const w = import('./' + 'x.ts')\n" })
    ).toMatch(/^esbuild: /)
    expect(
      await refusal({ 'bench.ts': "import { missing } from './nowhere.ts'\nmissing()\n" })
    ).toMatch(/^esbuild: Could not resolve/)
    // A package that is another copy from the bench's folder than from its importer.
    const copy = (version: string) => ({
      'package.json': `{ "name": "dep", "version": "${version}", "type": "module", "main": "index.js" }\n`,
      'index.js': `export const version = '${version}'\n`
    })
    const files: Record<string, string> = {
      'bench.ts': "import { version } from './sub/helper.ts'\nimport 'dep'\nconsole.log(version)\n",
      'sub/helper.ts': "export { version } from 'dep'\n"
    }
    for (const [name, text] of Object.entries(copy('1'))) files[`node_modules/dep/${name}`] = text
    for (const [name, text] of Object.entries(copy('2')))
      files[`sub/node_modules/dep/${name}`] = text
    expect(await refusal(files)).toBe(
      'dep imported by sub/helper.ts is another copy from the bench folder'
    )
  }, 120_000)

  it('compiles for the worker Node’s version', () => {
    expect(esbuildTarget('v20.20.2')).toBe('node20.20')
    expect(esbuildTarget('v24.1.0')).toBe('node24.1')
  })

  it('is what a real count imports; a pair with a side it refuses loads both through the loader', async () => {
    // The bench checks how it was loaded: the bundle's path is in its stack or not.
    const bundled = "new Error().stack.includes('.perfgate-count-')"
    const body =
      "import { bench } from 'perfgate'\nimport { longest, words, here } from './lib/words.ts'\n"
    const plain = project({
      ...WORDS,
      'bench.ts':
        body +
        `if (!${bundled}) throw new Error('not loaded from the bundle')\n` +
        "bench('longest word', () => longest(words) + here.length)\n"
    })
    // A JavaScript bench beside a CommonJS helper: not bundled, so neither side of its
    // pair is, and both load through Node's own loader (no TypeScript: a cheaper count).
    const refused = project({
      'legacy.cjs': 'module.exports = { where: __dirname }\n',
      'bench.js':
        "import { bench } from 'perfgate'\nimport legacy from './legacy.cjs'\n" +
        `if (${bundled}) throw new Error('loaded from a bundle')\n` +
        "bench('where', () => legacy.where)\n"
    })
    const spec = (file: string): FunctionSpec => ({
      kind: 'function',
      file,
      bench: undefined,
      timeMs: 500,
      warmupMs: 100,
      interleave: true
    })
    const benchmark = (file: string): BenchmarkConfig => ({
      name: 'planted',
      kind: 'function',
      trials: 1,
      measure: 'instructions',
      timeoutMs: 900_000,
      budgets: [],
      targets: [],
      compare: { gate: ['instructions'], threshold: 0.04, alpha: 0.05 },
      spec: spec(file)
    })
    const planted = path.join(plain, 'bench.ts')
    const legacy = path.join(refused, 'bench.js')
    const [alone, pair] = await Promise.all([
      new InstructionCounter().count(benchmark(planted)),
      new InstructionCounter().countPair({ base: benchmark(legacy), head: benchmark(legacy) })
    ])
    for (const outcome of [alone, pair.base, pair.head]) {
      if (!outcome.ok) throw new Error(`${outcome.message}\n${outcome.stderrTail}`)
      expect(outcome.metrics.instructions).toBeGreaterThan(0)
    }
    expect(alone.ok && alone.details.instructionBundled).toBe(true)
    for (const side of [pair.base, pair.head]) {
      expect(side.ok && side.details.instructionBundled).toBeUndefined()
      expect(side.ok && side.details.instructionNotBundled).toBe('legacy.cjs runs as CommonJS')
    }
    // One side refused is enough: the other, bundleable, is not bundled either.
    const mixed = await pairBundles([{ spec: spec(planted) }, { spec: spec(legacy) }])
    expect(mixed).toEqual({ bundles: [], reason: 'legacy.cjs runs as CommonJS' })
    for (const dir of [plain, refused]) expect(bundleFiles(dir)).toEqual([])
  }, 900_000)
})
