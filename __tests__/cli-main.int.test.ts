// The CLI in-process with real runners on fixture projects, and once as a real process.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { parseResults } from '../src/results/format.js'
import { liveChildCount } from '../src/process/children.js'
import { VERSION } from '../src/version.js'
import { BUILD_DIR } from './helpers/build.js'
import { captureIo } from './helpers/io.js'
import { scratchDir } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MIXED = path.join(ROOT, '__fixtures__/projects/mixed')

afterEach(() => expect(liveChildCount()).toBe(0))

describe('perfgate run', () => {
  it('measures the suite, writes results, reports errored benchmarks and exits 3', async () => {
    const dir = scratchDir('perfgate-cli-')
    const { io, out } = captureIo(MIXED)
    const code = await main(['run', '--out', path.join(dir, 'results.json'), '--seed', '7'], io)
    expect(code).toBe(3)
    const results = parseResults(
      readFileSync(path.join(dir, 'results.json'), 'utf8'),
      'results.json'
    )
    expect(results.seed).toBe(7)
    expect(results.benchmarks.map((b) => [b.name, b.state, b.trials.length])).toEqual([
      ['join strings', 'ok', 2],
      ['true command', 'ok', 2],
      ['failing command', 'errored', 0]
    ])
    expect(out.stdout).toContain('join strings')
    expect(out.stdout).toContain(
      `✗ failing command: command exited with code 1: echo 'no such table: users' >&2; exit 1\n    │ no such table: users`
    )
    expect(out.stderr).toContain('[3/3] failing command: ✗ errored')
    expect(out.stderr).toContain(`results written to ${path.join(dir, 'results.json')}`)
  })

  it('prints the results JSON alone on stdout with --json, filtered and with --trials', async () => {
    const { io, out } = captureIo(MIXED)
    const code = await main(['run', '--json', '--filter', '^(join|true)', '--trials', '1'], io)
    expect(code).toBe(0)
    const results = parseResults(out.stdout, 'stdout')
    expect(results.benchmarks.map((b) => [b.name, b.trials.length])).toEqual([
      ['join strings', 1],
      ['true command', 1]
    ])
    expect(results.environment.configHash).toMatch(/^[0-9a-f]{64}$/)
    // Progress names the trials the run makes, not the config's count.
    expect(out.stderr).toContain('join strings: function benchmark, 1 trials')
    expect(out.stderr).not.toMatch(/benchmark, (?!1 trials)\d+ trials/)
  })

  it.each([
    [
      ['run', '--trials', '0'],
      'perfgate: --trials: expected a whole number from 1 to 10000 (decimal digits only), got "0"'
    ],
    [
      ['run', '--trials', '0x10'],
      'perfgate: --trials: expected a whole number from 1 to 10000 (decimal digits only), got "0x10"'
    ],
    [
      ['run', '--trials', '1e1'],
      'perfgate: --trials: expected a whole number from 1 to 10000 (decimal digits only), got "1e1"'
    ],
    [
      ['run', '--seed', '0x10'],
      'perfgate: --seed: expected a whole number from 0 to 2147483647 (decimal digits only), got "0x10"'
    ],
    [
      ['run', '--seed', ''],
      'perfgate: --seed: expected a whole number from 0 to 2147483647 (decimal digits only), got ""'
    ],
    [
      ['bisect', '--good', 'HEAD', '--bad', 'HEAD', '--seed', '1e1'],
      'perfgate: --seed: expected a whole number from 0 to 2147483647 (decimal digits only), got "1e1"'
    ],
    [
      ['calibrate', '--trials', '0x10'],
      'perfgate: --trials: expected a whole number of A/A pairs from 2 to 10000 (decimal digits only), got "0x10"'
    ],
    [
      ['run', '--filter', 'nothing-matches'],
      'perfgate: --filter "nothing-matches" matches no benchmark; names are: "join strings", "true command", "failing command"'
    ],
    [['run', '--filter', '('], 'perfgate: --filter: not a valid regular expression'],
    [
      ['run', '--max-duration', '10m'],
      'perfgate: --max-duration: a time budget is for an A/B run and needs --base <git-ref>'
    ],
    [
      ['run', '--max-duration', '10m', '--baseline', 'results.json'],
      'perfgate: --max-duration: a time budget is for an A/B run and needs --base <git-ref>'
    ],
    [['run', '--frobnicate'], "perfgate: Unknown option '--frobnicate'"],
    [['explode'], 'perfgate: unknown command "explode"']
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { io, out } = captureIo(MIXED)
    expect(await main(args, io)).toBe(2)
    expect(out.stderr).toContain(message)
    expect(out.stderr).toContain('Usage:')
  })

  it('exits 2 with the config error before measuring anything', async () => {
    const dir = scratchDir('perfgate-cli-')
    writeFileSync(
      path.join(dir, 'perfgate.yml'),
      'benchmarks:\n  - name: x\n    command: { run: "true", retries: 3 }\n'
    )
    const { io, out } = captureIo(dir)
    expect(await main(['run'], io)).toBe(2)
    expect(out.stderr).toBe(
      'perfgate.yml:3:29: benchmarks[0].command.retries: unknown field; expected one of: run, cwd, env, warmup\n'
    )
    const missing = captureIo(dir)
    expect(await main(['run', '--config', 'nope.yml'], missing.io)).toBe(2)
    expect(missing.out.stderr).toBe(
      `${path.join(dir, 'nope.yml')}: config file not found; expected the file given with --config\n`
    )
  })
})

describe('perfgate validate', () => {
  it('accepts the example project and names its benchmarks', async () => {
    const { io, out } = captureIo(path.join(ROOT, 'examples'))
    expect(await main(['validate'], io)).toBe(0)
    expect(out.stdout).toBe(
      'perfgate.yml: valid, 5 benchmark(s): parse orders CSV (function), revenue by customer (function), report CLI (20k orders) (command), GET /customers/top (http), POST /orders/parse (50 orders) (http)\n'
    )
  })
})

describe('the CLI bundle (built from the current sources)', () => {
  it('runs as a real process', () => {
    const run = spawnSync(process.execPath, [path.join(BUILD_DIR, 'cli.js'), '--version'], {
      encoding: 'utf8'
    })
    expect(run.stdout).toBe(`${VERSION}\n`)
    expect(run.status).toBe(0)
  })

  it('has the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    expect(VERSION).toBe(pkg.version)
  })
})
