/**
 * `npm run bench:verdict-http`: what perfgate's verdict engine decides for HTTP endpoints,
 * per gate and trial length, on this machine: family-wise A/A false alarms over 5
 * endpoints, power against planted +5 / +10 / +20 % loop work, pairs used and wall time
 * per endpoint, with and without a neighbour process busy half the time.
 *
 * 1. Real trials. A node:http JSON endpoint (bench/verdict-http-fixtures/server.js) with a
 *    little CPU work per request, started fresh per trial by perfgate's own HttpTrialRunner
 *    (autocannon, 10 connections, the default load), per pairing:
 *    - `interleaved` (perfgate's default): per block, one interleaved pair (runPair: both
 *      servers up, the load alternated in 100 ms slices) of the base with each other
 *      variant — a second base (A/A) and the planted ones — in random order;
 *    - `sequential`: per block, one trial of each variant in random order; pairing a variant
 *      with the base of its block keeps what pairing is for (drift hits both sides).
 *    `--blocks` blocks per condition, trial length and pairing.
 * 2. Verdicts. Runs of `perfgate run --base` replayed through perfgate's own scheduler
 *    (`runPairedBenchmark`: planned looks every 10 pairs, early stop) and comparison
 *    (`compareResults`: sequential p, Holm over the family, threshold), with pair i of a run
 *    drawn at random (with replacement) from the real blocks. Wall time per endpoint = pairs
 *    used × the measured mean time of a pair (server start, warm-up, load, stop).
 *
 * Resampling from a few dozen blocks understates run-to-run variety a little (blocks
 * repeat within a run); the per-metric noise table shows the raw pairs.
 *
 * Options: --quick (16 blocks, trial length 1 s only: ~14 minutes on a 2-core machine), --blocks N (30), --durations MS,MS (1000,3000), --warmup MS (500),
 * --runs N (1000), --seed S (1), --conditions quiet,busy, --pairing interleaved,sequential
 * (both), --pin true|false (the endpoints' load.pin, true), --save FILE (write the measured
 * trials as JSON), --load FILE (replay saved trials instead of measuring).
 * Tables (Markdown) go to stdout, progress to stderr.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { integerOption, runBench, startNeighbour } from './common.js'
import { compareResults } from '../src/compare/compare.js'
import type { BenchmarkConfig, HttpSpec } from '../src/config/types.js'
import {
  DEFAULT_ALPHA,
  DEFAULT_HTTP_CONNECTIONS,
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_THRESHOLD
} from '../src/config/defaults.js'
import { metricLabel, type MetricName } from '../src/metrics.js'
import type { BenchmarkResult } from '../src/results/types.js'
import { HttpTrialRunner } from '../src/runners/http/runner.js'
import type { TrialMetrics, TrialRunner } from '../src/runners/types.js'
import { runPairedBenchmark } from '../src/schedule/paired.js'
import { createRandom, type Random } from '../src/stats/random.js'
import { COMPARE_CONFIG } from './verdict-sim.js'

const FIXTURES = fileURLToPath(new URL('./verdict-http-fixtures/', import.meta.url))
const EFFECTS = [1.05, 1.1, 1.2] as const
const FAMILY = 5
const LOOKS = [10, 20, 30] as const
const NOISE_METRICS: readonly MetricName[] = ['cpuPerRequest', 'p50', 'p95', 'p99', 'rps']
/** The gates compared: today's default, the CPU cost alone, and both together. */
const GATES: readonly (readonly MetricName[])[] = [
  ['p50', 'p95', 'rps'],
  ['cpuPerRequest'],
  ['cpuPerRequest', 'p50']
]

interface Options {
  readonly blocks: number
  readonly durations: number[]
  readonly warmupMs: number
  readonly runs: number
  readonly seed: number
  readonly conditions: ('quiet' | 'busy')[]
  /**
   * How a pair is measured: `interleaved` (the default of perfgate run --base: both
   * servers up, the load alternated in 100 ms slices) or `sequential` (two trials, one
   * server after the other).
   */
  readonly pairings: ('interleaved' | 'sequential')[]
  /** Write the measured trials to this JSON file; or replay the trials of one. */
  readonly save?: string
  readonly load?: string
  /** load.pin of the endpoints (perfgate's default: true). */
  readonly pin: boolean
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      blocks: { type: 'string' },
      durations: { type: 'string' },
      warmup: { type: 'string', default: '500' },
      runs: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      conditions: { type: 'string', default: 'quiet,busy' },
      save: { type: 'string' },
      load: { type: 'string' },
      pairing: { type: 'string', default: 'interleaved,sequential' },
      pin: { type: 'string', default: 'true' }
    }
  })
  if (values.pin !== 'true' && values.pin !== 'false') {
    throw new Error(`--pin: true or false, got ${values.pin}`)
  }
  const pairings = values.pairing.split(',').map((p) => {
    if (p !== 'interleaved' && p !== 'sequential') {
      throw new Error(`--pairing: interleaved or sequential, got ${p}`)
    }
    return p
  })
  const quick = values.quick === true
  const durations = (values.durations ?? (quick ? '1000' : '1000,3000'))
    .split(',')
    .map((d) => integerOption('durations', d, 100))
  const conditions = values.conditions.split(',').map((c) => {
    if (c !== 'quiet' && c !== 'busy') throw new Error(`--conditions: quiet or busy, got ${c}`)
    return c
  })
  return {
    blocks: integerOption('blocks', values.blocks ?? (quick ? '16' : '30'), 4),
    durations,
    warmupMs: integerOption('warmup', values.warmup, 0),
    runs: integerOption('runs', values.runs, 10),
    seed: integerOption('seed', values.seed, 0),
    conditions,
    pairings,
    pin: values.pin === 'true',
    ...(values.save ? { save: values.save } : {}),
    ...(values.load ? { load: values.load } : {})
  }
}

function endpoint(
  name: string,
  factor: number,
  durationMs: number,
  warmupMs: number,
  pin: boolean
) {
  // (interleave is the runner's choice here: collect() calls runTrial or runPair itself)
  const spec: HttpSpec = {
    kind: 'http',
    server: {
      command: 'node server.js',
      cwd: FIXTURES,
      env: { WORK_FACTOR: String(factor) },
      readyUrl: 'http://127.0.0.1:{port}/health',
      readyTimeoutMs: 30_000,
      restart: 'per-trial'
    },
    requests: [
      {
        url: 'http://127.0.0.1:{port}/orders',
        method: 'GET',
        headers: {},
        body: undefined,
        weight: 1
      }
    ],
    load: {
      connections: DEFAULT_HTTP_CONNECTIONS,
      durationMs,
      warmupMs,
      pipelining: 1,
      rate: undefined,
      timeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
      interleave: false,
      pin
    }
  }
  const config: BenchmarkConfig = {
    name,
    kind: 'http',
    spec,
    trials: 10,
    timeoutMs: 120_000,
    budgets: [],
    targets: [],
    compare: { gate: [], threshold: DEFAULT_THRESHOLD, alpha: DEFAULT_ALPHA }
  }
  return { config, spec }
}

interface Measured {
  readonly metrics: TrialMetrics
  readonly durationMs: number
}

/** Variant name → one measured trial per block. */
type Pool = Map<string, Measured[]>

const variants = ['base', 'base2', ...EFFECTS.map((e) => `+${Math.round((e - 1) * 100)} %`)]
const factorOf = (variant: string) =>
  variant.startsWith('base') ? 1 : EFFECTS[variants.indexOf(variant) - 2]!

/** A copy of `list` in random order (Fisher–Yates). */
function shuffled<T>(list: readonly T[], random: Random): T[] {
  const order = [...list]
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

/** Key of the base trials measured together with `variant`'s (interleaved pools). */
const withBase = (variant: string) => `base·${variant}`

async function collect(
  options: Options,
  durationMs: number,
  label: string,
  random: Random,
  pairing: 'interleaved' | 'sequential'
): Promise<Pool> {
  const runner = new HttpTrialRunner()
  const pool: Pool = new Map(variants.map((v) => [v, []]))
  const endpoints = new Map(
    variants.map((v) => [v, endpoint(v, factorOf(v), durationMs, options.warmupMs, options.pin)])
  )
  if (pairing === 'interleaved') {
    // Per block, one interleaved pair of the base with each other variant, in random order.
    const heads = variants.slice(1)
    for (const v of heads) pool.set(withBase(v), [])
    for (let block = 0; block < options.blocks; block++) {
      for (const variant of shuffled(heads, random)) {
        const sides = { base: endpoints.get('base')!, head: endpoints.get(variant)! }
        const measure = () =>
          runner.runPair(
            {
              base: { benchmark: sides.base.config, spec: sides.base.spec },
              head: { benchmark: sides.head.config, spec: sides.head.spec }
            },
            random.next() < 0.5 ? 'base' : 'head'
          )
        let pair = await measure()
        if (!pair.base.ok || !pair.head.ok) pair = await measure() // one retry
        for (const [side, key] of [
          ['base', withBase(variant)],
          ['head', variant]
        ] as const) {
          const outcome = pair[side]
          if (!outcome.ok) throw new Error(`${label} ${variant} (${side}): ${outcome.message}`)
          pool.get(key)!.push({ metrics: outcome.metrics, durationMs: outcome.durationMs })
        }
      }
      process.stderr.write(`${label}: block ${block + 1}/${options.blocks}\r`)
    }
    process.stderr.write('\n')
    return pool
  }
  for (let block = 0; block < options.blocks; block++) {
    for (const variant of shuffled(variants, random)) {
      const { config, spec } = endpoints.get(variant)!
      let outcome = await runner.runTrial(config, spec)
      if (!outcome.ok) outcome = await runner.runTrial(config, spec) // one retry
      if (!outcome.ok) throw new Error(`${label} ${variant}: ${outcome.message}`)
      pool.get(variant)!.push({ metrics: outcome.metrics, durationMs: outcome.durationMs })
    }
    process.stderr.write(`${label}: block ${block + 1}/${options.blocks}\r`)
  }
  process.stderr.write('\n')
  return pool
}

const sd = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`

/** Log ratios variant/base over the blocks, for one metric. */
function logRatios(pool: Pool, variant: string, metric: MetricName): number[] {
  const base = pool.get(withBase(variant)) ?? pool.get('base')!
  return pool
    .get(variant)!
    .map((m, i) => Math.log(m.metrics[metric]! / base[i]!.metrics[metric]!))
    .filter((x) => Number.isFinite(x))
}

/**
 * Replays pair i of a run from a random block: head = variant, base = the block's base or
 * second base (at random). A/A (variant base2): base and second base are exchangeable, so
 * each replayed pair is swapped with probability ½, else the pool's own small offset
 * between two identical servers would read as a change in every run.
 */
function replayRunner(
  pool: Pool,
  head: BenchmarkConfig,
  variant: string,
  random: Random
): TrialRunner {
  const picks = new Map<number, { block: number; headSide: string; baseSide: string }>()
  const n = pool.get(variant)!.length
  return {
    runTrial(config, pair) {
      let pick = picks.get(pair)
      if (pick === undefined && pool.has(withBase(variant))) {
        // Interleaved: the pair as measured (A/A swapped at random, as below).
        const block = Math.floor(random.next() * n)
        const flip = variant === 'base2' && random.next() < 0.5
        pick = flip
          ? { block, headSide: withBase(variant), baseSide: variant }
          : { block, headSide: variant, baseSide: withBase(variant) }
        picks.set(pair, pick)
      }
      if (pick === undefined) {
        const block = Math.floor(random.next() * n)
        const flip = random.next() < 0.5
        pick =
          variant === 'base2'
            ? { block, headSide: flip ? 'base' : 'base2', baseSide: flip ? 'base2' : 'base' }
            : { block, headSide: variant, baseSide: flip ? 'base' : 'base2' }
        picks.set(pair, pick)
      }
      const side = config === head ? pick.headSide : pick.baseSide
      const trial = pool.get(side)![pick.block]!
      return Promise.resolve({ ok: true, metrics: trial.metrics, details: {}, durationMs: 0 })
    }
  }
}

interface Cell {
  readonly flagged: number
  readonly pairs: number
}

/** `runs` replayed runs of `endpoints` endpoints, endpoint 0 with `variant` as head. */
async function replay(
  pool: Pool,
  gate: readonly MetricName[],
  variant: string,
  endpoints: number,
  runs: number,
  seed: number
): Promise<Cell> {
  const random = createRandom(seed)
  let flagged = 0
  let pairs = 0
  for (let run = 0; run < runs; run++) {
    const heads: BenchmarkResult[] = []
    const bases: BenchmarkResult[] = []
    for (let i = 0; i < endpoints; i++) {
      const make = () => {
        const { config } = endpoint(`endpoint ${i + 1}`, 1, 1000, 0, true)
        return { ...config, compare: { ...config.compare, gate } }
      }
      const head = make()
      const base = make()
      const result = await runPairedBenchmark(head, base, {
        runner: replayRunner(pool, head, i === 0 ? variant : 'base2', random),
        random,
        lookSizes: LOOKS,
        maxTimeMs: COMPARE_CONFIG.maxTimeMs,
        test: COMPARE_CONFIG.test,
        familySize: endpoints * gate.length,
        definitionHash: () => 'replayed',
        now: () => 0
      })
      heads.push(result.head)
      bases.push(result.base)
      if (i === 0) pairs += result.head.paired!.pairs
    }
    const comparison = compareResults({
      mode: 'paired',
      head: heads,
      base: bases,
      compare: COMPARE_CONFIG
    })
    const verdicts = comparison.benchmarks.flatMap((b) => b.metrics.map((m) => m.verdict))
    const changed = verdicts.some((v) => v === 'regression' || v === 'improvement')
    const regressed0 = comparison.benchmarks[0]!.metrics.some((m) => m.verdict === 'regression')
    if (endpoints === 1 ? regressed0 : changed) flagged++
  }
  return { flagged, pairs: pairs / runs }
}

async function main(): Promise<void> {
  const options = readOptions()
  const random = createRandom(options.seed)
  const started = new Date()
  process.stdout.write(
    `# bench:verdict-http — ${started.toISOString()}\n\n` +
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ` +
      `${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} at start; node ${process.version}. ` +
      `Blocks: ${options.blocks} per condition and trial length; warm-up ${options.warmupMs} ms; ` +
      `replayed runs: ${options.runs} per cell; looks at ${LOOKS.join('/')} pairs; ` +
      `threshold ${pct(DEFAULT_THRESHOLD, 0)}; family of ${FAMILY} endpoints for A/A.\n\n`
  )
  for (const condition of options.conditions) {
    for (const durationMs of options.durations) {
      for (const pairing of options.pairings) {
        const neighbour = condition === 'busy' && !options.load ? startNeighbour() : undefined
        try {
          const label = `${condition}, ${durationMs / 1000} s trials, ${pairing} pairs`
          let pool: Pool
          if (options.load) {
            const saved = JSON.parse(readFileSync(options.load, 'utf8')) as Record<
              string,
              Record<string, Measured[]>
            >
            if (!saved[label]) throw new Error(`${options.load}: no trials for "${label}"`)
            pool = new Map(Object.entries(saved[label]))
          } else {
            pool = await collect(options, durationMs, label, random, pairing)
          }
          neighbour?.kill() // measurement over: the replay needs no neighbour
          if (options.save) {
            const saved = existsSync(options.save)
              ? (JSON.parse(readFileSync(options.save, 'utf8')) as Record<string, unknown>)
              : {}
            saved[label] = Object.fromEntries(pool)
            writeFileSync(options.save, JSON.stringify(saved))
          }
          const baseKey = pool.has(withBase('base2')) ? withBase('base2') : 'base'
          const pairWallS =
            (median(pool.get(baseKey)!.map((m) => m.durationMs)) +
              median(pool.get('base2')!.map((m) => m.durationMs))) /
            1000
          const baseCpu = median(pool.get(baseKey)!.map((m) => m.metrics.cpuPerRequest!))
          process.stdout.write(
            `## ${label}\n\nMedian pair wall time ${pairWallS.toFixed(1)} s; base CPU/request ` +
              `${(baseCpu * 1000).toFixed(0)} µs; base p50 ` +
              `${median(pool.get(baseKey)!.map((m) => m.metrics.p50!)).toFixed(2)} ms.\n\n`
          )
          // Noise and the true change per metric, from the raw pairs.
          const noiseRows = NOISE_METRICS.map((metric) => [
            metricLabel(metric, 'http'),
            pct(sd(logRatios(pool, 'base2', metric))),
            ...variants.slice(2).map((v) => pct(Math.exp(median(logRatios(pool, v, metric))) - 1))
          ])
          process.stdout.write(
            markdownTable([
              [
                'metric',
                'A/A pair log-ratio SD',
                ...variants.slice(2).map((v) => `loop ${v}: median change`)
              ],
              ...noiseRows
            ]) + '\n\n'
          )
          const rows: string[][] = []
          for (const gate of GATES) {
            const seed = options.seed * 7919 + rows.length
            const aa = await replay(pool, gate, 'base2', FAMILY, options.runs, seed)
            const cells = [] as Cell[]
            for (const v of variants.slice(2)) {
              cells.push(await replay(pool, gate, v, 1, options.runs, seed + cells.length + 1))
            }
            rows.push([
              gate.join(', '),
              pct(aa.flagged / options.runs),
              ...cells.map(
                (c) =>
                  `${pct(c.flagged / options.runs, 0)} · ${c.pairs.toFixed(1)} pairs · ` +
                  `${Math.round(c.pairs * pairWallS)} s`
              )
            ])
          }
          process.stdout.write(
            markdownTable([
              [
                'gate',
                `A/A false alarms (${FAMILY} endpoints)`,
                ...variants.slice(2).map((v) => `loop ${v}: power · pairs · wall`)
              ],
              ...rows
            ]) + '\n\n'
          )
        } finally {
          neighbour?.kill()
        }
      }
    }
  }
  const minutes = (Date.now() - started.getTime()) / 60_000
  process.stdout.write(`Total bench time: ${minutes.toFixed(1)} min.\n`)
}

runBench('bench:verdict-http', main)
