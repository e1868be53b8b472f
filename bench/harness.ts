/**
 * `npm run bench:harness`: compares perfgate's function timing engine with tinybench and
 * mitata the way perfgate runs a function benchmark, one fresh process per trial.
 *
 * - Overhead: the median ns/op each engine reports for `() => {}`.
 * - Spread: the per-trial medians of 10 processes on a ~1 µs function (summing 1,000
 *   doubles) and a ~1 ms function (that sum 1,200 times): (max - min) / median and the
 *   coefficient of variation, plus the wall time a trial costs.
 *
 * Every engine gets the same budget (500 ms sampling after 100 ms warm-up by default).
 * Trials run one at a time, engines in rotating order, so drift hits all three alike.
 * Progress goes to stderr, the tables (Markdown) to stdout. Children run in their own
 * process groups (perfgate's startChild) and are killed on timeout, error and Ctrl-C.
 *
 * Options: --trials N (10), --overhead-trials N (5), --time MS (500), --warmup MS (100),
 * --timeout MS per trial (60000).
 */
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { integerOption, runBench } from './common.js'
import { markdownTable } from 'markdown-table'
import { startChild } from '../src/process/children.js'
import { tsxLoaderUrl } from '../src/runtime-files.js'
import type { Engine, TrialReport, Workload } from './harness-fixtures/trial.js'

const ENGINES: readonly Engine[] = ['perfgate', 'tinybench', 'mitata']
const TRIAL_SCRIPT = fileURLToPath(new URL('./harness-fixtures/trial.ts', import.meta.url))

const WORKLOAD_LABELS: Record<Workload, string> = {
  empty: '`() => {}`',
  sum1k: 'sum of 1,000 doubles (~1 µs)',
  'sum1k-x1200': 'that sum ×1,200 (~1 ms)'
}

interface Options {
  readonly trials: number
  readonly overheadTrials: number
  readonly timeMs: number
  readonly warmupMs: number
  readonly timeoutMs: number
}

interface TrialResult extends TrialReport {
  /** Parent-side time from spawn to exit, milliseconds. */
  readonly wallMs: number
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '10' },
      'overhead-trials': { type: 'string', default: '5' },
      time: { type: 'string', default: '500' },
      warmup: { type: 'string', default: '100' },
      timeout: { type: 'string', default: '60000' }
    }
  })
  const number = integerOption
  return {
    trials: number('trials', values.trials, 2),
    overheadTrials: number('overhead-trials', values['overhead-trials'], 1),
    timeMs: number('time', values.time, 1),
    warmupMs: number('warmup', values.warmup, 0),
    timeoutMs: number('timeout', values.timeout, 1000)
  }
}

/** One trial in a fresh process: node --import tsx --expose-gc trial.ts engine workload. */
async function runTrial(engine: Engine, workload: Workload, options: Options) {
  // The loader is resolved as perfgate's runner resolves it, so the cwd does not matter.
  const tsx = tsxLoaderUrl()
  if (!tsx) throw new Error('tsx is not installed: run npm install')
  const started = performance.now()
  const { child, finished } = startChild(
    process.execPath,
    [
      '--import',
      tsx,
      '--expose-gc',
      TRIAL_SCRIPT,
      engine,
      workload,
      String(options.timeMs),
      String(options.warmupMs)
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], timeoutMs: options.timeoutMs }
  )
  let reply: TrialReport | { type: 'error'; message: string } | undefined
  child.on('message', (message: typeof reply) => {
    reply ??= message
  })
  const end = await finished
  const wallMs = performance.now() - started
  if (reply?.type === 'trial') return { ...reply, wallMs } satisfies TrialResult
  const why = end.timedOut
    ? `timed out after ${options.timeoutMs} ms (killed)`
    : reply?.type === 'error'
      ? reply.message
      : `exited with ${end.signal ?? end.code} without a result`
  throw new Error(`${engine} on ${workload}: ${why}\n${end.stderr.text()}`.trimEnd())
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Coefficient of variation: sample standard deviation (n - 1) over the mean. */
function cv(values: readonly number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
  return Math.sqrt(variance) / mean
}

interface Summary {
  readonly workload: Workload
  readonly engine: Engine
  readonly trials: number
  readonly medianNs: number
  readonly minNs: number
  readonly maxNs: number
  readonly spread: number
  readonly cv: number
  readonly wallMs: number
  readonly engineMs: number
  readonly startupMs: number
  readonly samples: number
  readonly maxRssBytes: number
}

function summarize(workload: Workload, engine: Engine, results: readonly TrialResult[]): Summary {
  const medians = results.map((r) => r.medianNs)
  const mid = median(medians)
  const minNs = Math.min(...medians)
  const maxNs = Math.max(...medians)
  return {
    workload,
    engine,
    trials: results.length,
    medianNs: mid,
    minNs,
    maxNs,
    spread: (maxNs - minNs) / mid,
    cv: results.length > 1 ? cv(medians) : NaN,
    wallMs: median(results.map((r) => r.wallMs)),
    engineMs: median(results.map((r) => r.engineMs)),
    startupMs: median(results.map((r) => r.startupMs)),
    samples: median(results.map((r) => r.samples)),
    maxRssBytes: Math.max(...results.map((r) => r.maxRssBytes))
  }
}

function formatNs(ns: number): string {
  if (ns < 10) return `${ns.toFixed(2)} ns`
  if (ns < 1000) return `${ns.toFixed(1)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toFixed(3)} µs`
  return `${(ns / 1e6).toFixed(3)} ms`
}

const percent = (ratio: number) => (Number.isNaN(ratio) ? '–' : `${(ratio * 100).toFixed(2)} %`)
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const megabytes = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`

function overheadTable(summaries: readonly Summary[]): string {
  return markdownTable(
    [
      [
        'Engine',
        'ns/op reported',
        'Min – max',
        'Wall / trial',
        'In engine',
        'Peak RSS',
        'Samples / trial'
      ],
      ...summaries.map((s) => [
        s.engine,
        s.medianNs.toFixed(2),
        `${s.minNs.toFixed(2)} – ${s.maxNs.toFixed(2)}`,
        seconds(s.wallMs),
        seconds(s.engineMs),
        megabytes(s.maxRssBytes),
        Math.round(s.samples).toLocaleString('en-US')
      ])
    ],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'] }
  )
}

function spreadTable(summaries: readonly Summary[]): string {
  return markdownTable(
    [
      [
        'Function',
        'Engine',
        'Median',
        'Min – max',
        '(max−min)/median',
        'CV',
        'Wall / trial',
        'In engine',
        'Peak RSS'
      ],
      ...summaries.map((s) => [
        WORKLOAD_LABELS[s.workload],
        s.engine,
        formatNs(s.medianNs),
        `${formatNs(s.minNs)} – ${formatNs(s.maxNs)}`,
        percent(s.spread),
        percent(s.cv),
        seconds(s.wallMs),
        seconds(s.engineMs),
        megabytes(s.maxRssBytes)
      ])
    ],
    { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] }
  )
}

/**
 * The most common differences between consecutive process.hrtime.bigint() reads: their
 * cost, and (if they all fall on a grid such as 10 ns) the clock's granularity, which
 * quantizes an engine that times one call per sample.
 */
function clockSteps(reads = 200_000): number[] {
  const counts = new Map<number, number>()
  let previous = process.hrtime.bigint()
  for (let i = 0; i < reads; i++) {
    const now = process.hrtime.bigint()
    const delta = Number(now - previous)
    counts.set(delta, (counts.get(delta) ?? 0) + 1)
    previous = now
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([delta]) => delta)
}

async function main(): Promise<void> {
  const options = readOptions()
  const plan: [Workload, number][] = [
    ['empty', options.overheadTrials],
    ['sum1k', options.trials],
    ['sum1k-x1200', options.trials]
  ]
  const total = plan.reduce((sum, [, trials]) => sum + trials * ENGINES.length, 0)
  const results = new Map<string, TrialResult[]>()
  const started = performance.now()
  let done = 0
  for (const [workload, trials] of plan) {
    for (let round = 0; round < trials; round++) {
      // Rotate the order so no engine always runs first (or right after the heaviest).
      const order = ENGINES.map((_, i) => ENGINES[(i + round) % ENGINES.length]!)
      for (const engine of order) {
        const result = await runTrial(engine, workload, options)
        const key = `${workload}/${engine}`
        results.set(key, [...(results.get(key) ?? []), result])
        done++
        process.stderr.write(
          `[${String(done).padStart(String(total).length)}/${total}] ${workload.padEnd(11)} ` +
            `${engine.padEnd(9)} median ${formatNs(result.medianNs).padStart(10)}  ` +
            `wall ${seconds(result.wallMs)}\n`
        )
      }
    }
  }

  const summary = (workload: Workload) =>
    ENGINES.map((engine) => summarize(workload, engine, results.get(`${workload}/${engine}`)!))
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  const lines = [
    `Node ${process.version}, ${cpus().length} × ${cpu}; ` +
      `${options.timeMs} ms sampling + ${options.warmupMs} ms warm-up per trial, ` +
      `one fresh process per trial; total ${seconds(performance.now() - started)}. ` +
      `Most common gaps between two hrtime reads: ${clockSteps().join(', ')} ns. ` +
      'Wall / trial (spawn to exit) and In engine are medians over the trials, Peak RSS ' +
      'the largest.',
    '',
    `Overhead: \`() => {}\`, median over ${options.overheadTrials} processes of the ` +
      `median ns/op each engine reports.`,
    '',
    overheadTable(summary('empty')),
    '',
    `Spread of the per-process median over ${options.trials} processes ` +
      `(CV = standard deviation / mean of those medians).`,
    '',
    spreadTable([...summary('sum1k'), ...summary('sum1k-x1200')])
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

runBench('bench:harness', main)
