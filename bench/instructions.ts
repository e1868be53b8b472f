/**
 * `npm run bench:instructions`: how repeatable are instruction counts, and do they find a
 * small planted change? Through perfgate's own counter (src/runners/instructions/), on a
 * scratch directory holding a ~20k-iteration loop, the same loop 1 % longer, a node:http
 * server and the same server with 2 % more work per request:
 *
 * - function A/A: `--runs` pairs of the loop against itself (base and head counted at
 *   once); the spread of instructions per call across all counts, and how many pairs the
 *   verdict rule (noise floor, 0.5 % threshold) calls a regression (target: none);
 * - function +1 %: pairs of the loop against the longer loop; how many are regressions
 *   (target: all);
 * - HTTP: the same for instructions per request, A/A and +2 % work per request;
 * - command: `node script.mjs` (its start-up and a loop) against itself, per run;
 * - with --example: the example's fastify endpoint (`GET /customers/top`, examples/, a
 *   server that allocates a lot: ~7.5 M instructions per request) against itself;
 * - with --example-parser: the example's `parse orders CSV` (examples/bench/parse.bench.js,
 *   ~14 M instructions per call, most of it allocation and property definitions) against
 *   itself, through the built CLI.
 *
 * Function counts go through the built CLI (`npm run build` first), one `perfgate run`
 * per side, both at once, so the worker loads the bench as a user's does; each side sizes
 * its calls N from its own probe (the same N for these loops).
 *
 * Options: --runs N (10), --neighbour (a process busy half the time beside the counts),
 * --skip-http, --skip-function, --skip-command (the parts can run as processes at once),
 * --example, --example-parser, --from-source (function counts through src/ as well:
 * workers load through tsx). Progress to stderr, a Markdown table to stdout.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { readResultsFile } from '../src/app/files.js'
import { DEFAULT_INSTRUCTION_THRESHOLD } from '../src/config/defaults.js'
import type { BenchmarkConfig } from '../src/config/types.js'
import { METRICS } from '../src/metrics.js'
import { createTempDir } from '../src/process/cleanup.js'
import { startChild } from '../src/process/children.js'
import { InstructionCounter } from '../src/runners/instructions/index.js'
import type { TrialOutcome } from '../src/runners/types.js'
import { comparePaired } from '../src/stats/paired.js'
import { classify } from '../src/stats/verdict.js'
import { integerOption, runBench, startNeighbour } from './common.js'
import { EXAMPLES, sampleSd } from './verdict-real.js'

/** The --example scenario's server and request (as in examples/perfgate-instructions.yml). */
const EXAMPLE_SERVER = {
  command: 'node src/server.js',
  readyPath: '/health',
  path: '/customers/top?limit=10'
}

/** The --example-parser scenario's bench file. */
const EXAMPLE_PARSER = path.join(EXAMPLES, 'bench', 'parse.bench.js')

const loop = (n: number) => `import { bench } from 'perfgate'
bench('loop', () => {
  let x = 0
  for (let i = 0; i < ${n}; i++) x += (i * i) % 7
  return x
})
`

const server = (n: number) => `import { createServer } from 'node:http'
createServer((req, res) => {
  let x = 0
  for (let i = 0; i < ${n}; i++) x += (i * i) % 7
  res.end(String(x))
}).listen(Number(process.env.PORT), '127.0.0.1')
`

const script = (n: number) => `let x = 0
for (let i = 0; i < ${n}; i++) x += (i * i) % 7
if (x < 0) console.log(x)
`

/** What every scenario's benchmark shares: one pair per count, gated on instructions. */
const SHARED = {
  name: 'planted',
  trials: 1,
  measure: 'instructions' as const,
  timeoutMs: 600_000,
  budgets: [],
  targets: [],
  compare: { gate: ['instructions' as const], threshold: 0.04, alpha: 0.05 }
}

/** An HTTP benchmark: `command` in `cwd`, ready at `readyPath`, requests to `requestPath`. */
function httpBenchmark(
  cwd: string,
  command: string,
  readyPath: string,
  requestPath: string
): BenchmarkConfig {
  const url = (pathPart: string) => `http://127.0.0.1:{port}${pathPart}`
  return {
    ...SHARED,
    kind: 'http',
    spec: {
      kind: 'http',
      server: {
        command,
        cwd,
        env: {},
        readyUrl: url(readyPath),
        readyTimeoutMs: 30_000,
        restart: 'per-trial'
      },
      requests: [{ url: url(requestPath), method: 'GET', headers: {}, body: undefined, weight: 1 }],
      load: {
        connections: 1,
        durationMs: 1000,
        warmupMs: 0,
        pipelining: 1,
        rate: undefined,
        timeoutMs: 10_000,
        interleave: false,
        pin: false
      }
    }
  }
}

function benchmarkOf(dir: string, file: string): BenchmarkConfig {
  if (file === EXAMPLE_SERVER.command) {
    return httpBenchmark(
      EXAMPLES,
      EXAMPLE_SERVER.command,
      EXAMPLE_SERVER.readyPath,
      EXAMPLE_SERVER.path
    )
  }
  if (/\.bench\.m?js$/.test(file)) {
    const spec = {
      kind: 'function' as const,
      file: path.resolve(dir, file),
      bench: undefined,
      timeMs: 500,
      warmupMs: 100,
      interleave: true
    }
    return { ...SHARED, kind: 'function', spec }
  }
  if (file.endsWith('.cmd.mjs')) {
    const spec = { kind: 'command' as const, run: `node ${file}`, cwd: dir, env: {}, warmupRuns: 0 }
    return { ...SHARED, kind: 'command', spec }
  }
  return httpBenchmark(dir, `node ${file}`, '/', '/')
}

/** perfgate's built CLI: function counts go through it, as users run them. */
const BUILT_CLI = fileURLToPath(new URL('../bin/perfgate.js', import.meta.url))

/**
 * One side's count of the function bench `file` by the built CLI (`perfgate run` on a
 * one-benchmark config in `dir`): its worker loads the bench as a user's does. From
 * perfgate's sources (`--from-source`) the worker itself is TypeScript and loads through
 * tsx, whose thread moves counts between processes (docs/DESIGN.md, "The loader's thread").
 */
async function countBuilt(dir: string, file: string, side: string): Promise<TrialOutcome> {
  const stem = `${file.replace(/\W+/g, '-')}-${side}`
  const config = path.join(dir, `${stem}.yml`)
  const out = path.join(dir, `${stem}.json`)
  writeFileSync(
    config,
    `measure: instructions\nbenchmarks:\n  - name: planted\n    function: { file: ${file} }\n`
  )
  rmSync(out, { force: true })
  const begin = performance.now()
  const started = startChild(
    process.execPath,
    [BUILT_CLI, 'run', '--config', config, '--out', out],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeoutMs: 3_600_000
    }
  )
  const end = await started.finished
  const durationMs = performance.now() - begin
  const failed = (message: string): TrialOutcome => ({
    ok: false,
    message,
    stderrTail: end.stderr.text(),
    durationMs
  })
  if (end.timedOut || !existsSync(out)) {
    return failed(
      `perfgate run ${end.timedOut ? 'timed out' : `exited with ${end.code}`} and wrote no results`
    )
  }
  const benchmark = readResultsFile(dir, out).benchmarks[0]
  const instructions = benchmark?.trials[0]?.metrics.instructions
  if (instructions === undefined) {
    return failed(
      benchmark?.state === 'errored' ? benchmark.error.message : 'no count in the results'
    )
  }
  return { ok: true, metrics: { instructions }, details: {}, durationMs }
}

/** Base and head of a function scenario counted at once, each by the built CLI. */
async function countBuiltPair(
  dir: string,
  scenario: Scenario
): Promise<Record<'base' | 'head', TrialOutcome>> {
  const [base, head] = await Promise.all([
    countBuilt(dir, scenario.base, 'base'),
    countBuilt(dir, scenario.head, 'head')
  ])
  return { base, head }
}

function value(outcome: TrialOutcome): number {
  if (!outcome.ok) throw new Error(`count failed: ${outcome.message}\n${outcome.stderrTail ?? ''}`)
  return outcome.metrics.instructions!
}

interface Scenario {
  readonly label: string
  readonly base: string
  readonly head: string
}

runBench('bench:instructions', async () => {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      neighbour: { type: 'boolean' },
      'skip-http': { type: 'boolean' },
      'skip-function': { type: 'boolean' },
      'skip-command': { type: 'boolean' },
      example: { type: 'boolean' },
      'example-parser': { type: 'boolean' },
      'from-source': { type: 'boolean' }
    }
  })
  const built = !values['from-source']
  if (
    built &&
    (!values['skip-function'] || values['example-parser']) &&
    !existsSync(new URL('../dist/cli.js', import.meta.url))
  ) {
    throw new Error('function counts go through the built CLI: run `npm run build` first')
  }
  const runs = values.runs === undefined ? 10 : integerOption('runs', values.runs, 1)
  // Removed also when the bench is stopped by a signal (runBench cleans up everything).
  const scratch = createTempDir('perfgate-instructions-')
  const dir = scratch.path
  writeFileSync(path.join(dir, 'loop.bench.mjs'), loop(20_000))
  writeFileSync(path.join(dir, 'loop-plus.bench.mjs'), loop(20_200))
  writeFileSync(path.join(dir, 'server.mjs'), server(20_000))
  writeFileSync(path.join(dir, 'server-plus.mjs'), server(20_400))
  writeFileSync(path.join(dir, 'script.cmd.mjs'), script(1_000_000))
  const neighbour = values.neighbour ? startNeighbour() : undefined
  const scenarios: Scenario[] = [
    ...(values['skip-function']
      ? []
      : [
          { label: 'function A/A', base: 'loop.bench.mjs', head: 'loop.bench.mjs' },
          { label: 'function +1 % loop', base: 'loop.bench.mjs', head: 'loop-plus.bench.mjs' }
        ]),
    ...(values['skip-http']
      ? []
      : [
          { label: 'HTTP A/A', base: 'server.mjs', head: 'server.mjs' },
          { label: 'HTTP +2 % handler work', base: 'server.mjs', head: 'server-plus.mjs' }
        ]),
    ...(values['skip-command']
      ? []
      : [{ label: 'command A/A', base: 'script.cmd.mjs', head: 'script.cmd.mjs' }]),
    ...(values.example
      ? [
          {
            label: 'example GET /customers/top A/A',
            base: EXAMPLE_SERVER.command,
            head: EXAMPLE_SERVER.command
          }
        ]
      : []),
    ...(values['example-parser']
      ? [{ label: 'example parse orders CSV A/A', base: EXAMPLE_PARSER, head: EXAMPLE_PARSER }]
      : [])
  ]
  const rows: string[][] = []
  try {
    for (const scenario of scenarios) {
      // A fresh counter per scenario: a function's calls are calibrated once per counter.
      const counter = new InstructionCounter()
      const base = benchmarkOf(dir, scenario.base)
      const head = { ...benchmarkOf(dir, scenario.head) }
      const counts: number[] = []
      const changes: number[] = []
      let regressions = 0
      let seconds = 0
      for (let run = 0; run < runs; run++) {
        const begin = performance.now()
        const pair =
          built && base.kind === 'function'
            ? await countBuiltPair(dir, scenario)
            : await counter.countPair({ base, head })
        seconds += (performance.now() - begin) / 1000
        const b = value(pair.base)
        const h = value(pair.head)
        counts.push(b, ...(scenario.base === scenario.head ? [h] : []))
        const result = comparePaired([b], [h], { noiseFloor: METRICS.instructions.noiseFloor })
        changes.push(h / b - 1)
        const verdict = classify({
          ...result,
          pAdjusted: result.pValue,
          alpha: 0.05,
          threshold: DEFAULT_INSTRUCTION_THRESHOLD,
          higherIsBetter: false
        })
        if (verdict === 'regression') regressions++
        process.stderr.write(
          `${scenario.label} ${run + 1}/${runs}: base ${b.toFixed(0)}, head ${h.toFixed(0)} (${((h / b - 1) * 100).toFixed(3)} %), ${verdict}, ${((performance.now() - begin) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}\n`
        )
      }
      const sorted = [...counts].sort((x, y) => x - y)
      const median = sorted[Math.floor(sorted.length / 2)]!
      rows.push([
        scenario.label,
        median.toFixed(0),
        `${((sampleSd(counts) / median) * 100).toFixed(4)} %`,
        `${(((sorted[sorted.length - 1]! - sorted[0]!) / median) * 100).toFixed(4)} %`,
        `${(Math.min(...changes) * 100).toFixed(3)} … ${(Math.max(...changes) * 100).toFixed(3)} %`,
        `${regressions}/${runs}`,
        `${(seconds / runs).toFixed(0)} s`
      ])
    }
  } finally {
    neighbour?.kill()
    scratch.remove()
  }
  process.stdout.write(
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
      `${runs} pairs per row${values.neighbour ? ', a neighbour busy half the time' : ''}\n\n`
  )
  process.stdout.write(
    markdownTable([
      [
        'what',
        'base count (median)',
        'SD / median of the counts',
        'range / median of the counts',
        'head vs base',
        'regressions',
        'per pair'
      ],
      ...rows
    ]) + '\n'
  )
})
