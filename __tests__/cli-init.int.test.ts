// `perfgate init` end to end: a scratch git repository holding a vitest bench file and a
// tinybench file (unchanged, importing the real package names, no node_modules), a
// perfgate.yml written for them, validated, then an A/B run against the previous commit
// that compares each harness's benchmark in pairs.
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { liveChildCount } from '../src/process/children.js'
import { parseResults } from '../src/results/format.js'
import { git } from './helpers/git-repos.js'
import { captureIo } from './helpers/io.js'
import { scratchDir } from './helpers/scratch.js'

const FIXTURE = fileURLToPath(new URL('../__fixtures__/projects/harnesses', import.meta.url))

/** The fixture committed, then a second commit that changes the measured code. */
function makeRepo(): string {
  const repo = scratchDir('perfgate-init-')
  cpSync(FIXTURE, repo, { recursive: true })
  git(repo, 'init', '--quiet', '--initial-branch=main')
  git(repo, 'add', '.')
  git(repo, 'commit', '--quiet', '-m', 'initial')
  const work = path.join(repo, 'src/work.js')
  writeFileSync(work, readFileSync(work, 'utf8').replace('ITERATIONS = 2000', 'ITERATIONS = 2400'))
  git(repo, 'commit', '--quiet', '-am', 'more work')
  return repo
}

const VERDICTS = ['regression', 'improvement', 'unchanged', 'inconclusive']

afterEach(() => expect(liveChildCount()).toBe(0))

describe('perfgate init', () => {
  it('writes a config for vitest and tinybench files that validate and run --base accept', async () => {
    const repo = makeRepo()
    const { io, out } = captureIo(repo)
    expect(await main(['init'], io)).toBe(0)
    const config = readFileSync(path.join(repo, 'perfgate.yml'), 'utf8')
    expect(config).toContain('  - name: "work › busy" # vitest\n')
    expect(config).toContain('  - name: "busy sum" # tinybench\n')
    expect(config).toContain('      time: "100ms"\n      warmup: "20ms"\n')
    // The test file imports vitest for expect, not bench: not a bench file.
    expect(config).not.toContain('helper.test.ts')
    expect(out.stdout).toContain('perfgate.yml written: 2 benchmark(s) from 2 file(s)')

    expect(await main(['validate'], io)).toBe(0)
    expect(out.stdout).toContain(
      'valid, 2 benchmark(s): busy sum (function), work › busy (function)'
    )

    // Never overwritten by accident.
    expect(await main(['init'], io)).toBe(2)
    expect(out.stderr).toContain('perfgate.yml exists; pass --force to overwrite it')
    expect(await main(['init', '--force'], io)).toBe(0)

    const code = await main(
      ['run', '--base', 'HEAD~1', '--trials', '2', '--seed', '3', '--out', 'ab.json'],
      io
    )
    expect([0, 1]).toContain(code)
    const results = parseResults(readFileSync(path.join(repo, 'ab.json'), 'utf8'), 'ab.json')
    expect(results.comparison!.mode).toBe('paired')
    expect(results.benchmarks.map((b) => b.state)).toEqual(['ok', 'ok'])
    const compared = results.comparison!.benchmarks
    expect(compared.map((b) => b.name).sort()).toEqual(['busy sum', 'work › busy'])
    for (const benchmark of results.benchmarks) {
      expect(benchmark.paired!.pairs).toBeGreaterThanOrEqual(2)
    }
    for (const benchmark of compared) {
      expect(benchmark.metrics.length).toBeGreaterThan(0)
      for (const metric of benchmark.metrics) expect(VERDICTS).toContain(metric.verdict)
    }
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  }, 240_000)

  it('says what it found when no file registers a benchmark', async () => {
    const repo = scratchDir('perfgate-init-empty-')
    writeFileSync(
      path.join(repo, 'broken.bench.mjs'),
      "import { bench } from 'mitata'\nbench('x', 42)\n"
    )
    const { io, out } = captureIo(repo)
    expect(await main(['init'], io)).toBe(2)
    expect(out.stderr).toContain(
      `no benchmark found in the 1 bench file(s) under ${repo}:\n  broken.bench.mjs: ` +
        `${path.join(repo, 'broken.bench.mjs')}: mitata bench("x", …): expected a function`
    )
  })
})
