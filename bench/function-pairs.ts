/**
 * `npm run bench:function-pairs`: how much do two measurements of the same function differ
 * when taken back to back, and when interleaved in slices of a given length? The example's
 * `parse orders CSV` benchmark (examples/, a ~2 ms call) is run as A/A pairs of real worker
 * processes through perfgate's own runner: `seq` — two trials one after the other (what
 * `function.interleave: false` does), a number — an interleaved pair with slices of that
 * many ms. Prints, per mode, the SD of ln(head/base) over the pairs for p50 and for the mean
 * time per call: the noise a paired verdict must see through.
 *
 * Options: --pairs N (20), --modes LIST (seq,50,25,10), --times LIST (each side's sampling
 * time per trial in ms, the default 500; every mode is run at every time), --neighbour (a
 * process busy half the time beside the pairs, as on a shared runner). Progress to
 * stderr, a Markdown table to stdout.
 */
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { runFunctionPair, runFunctionTrial } from '../src/runners/function/runner.js'
import type { Side, TrialOutcome } from '../src/runners/types.js'
import { integerOption, runBench, startNeighbour } from './common.js'
import { DEFAULT_FUNCTION_TIME_MS } from '../src/config/defaults.js'
import { parseBenchmark, sampleSd } from './verdict-real.js'

const FILE = fileURLToPath(new URL('../examples/bench/parse.bench.js', import.meta.url))

const BENCHMARK = parseBenchmark(FILE)
type Benchmark = typeof BENCHMARK

function metric(outcome: TrialOutcome, name: 'p50' | 'mean'): number {
  if (!outcome.ok) throw new Error(`trial failed: ${outcome.message}`)
  return outcome.metrics[name]!
}

async function pair(
  benchmark: Benchmark,
  mode: string,
  first: Side
): Promise<Record<Side, TrialOutcome>> {
  if (mode !== 'seq') {
    const sides = { benchmark, spec: benchmark.spec }
    return runFunctionPair({ base: sides, head: sides }, first, Number(mode))
  }
  const one = await runFunctionTrial(benchmark, benchmark.spec)
  const two = await runFunctionTrial(benchmark, benchmark.spec)
  return first === 'base' ? { base: one, head: two } : { base: two, head: one }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pairs: { type: 'string', default: '20' },
      modes: { type: 'string', default: 'seq,50,25,10' },
      times: { type: 'string', default: String(DEFAULT_FUNCTION_TIME_MS) },
      neighbour: { type: 'boolean' }
    }
  })
  const pairs = integerOption('pairs', values.pairs, 3)
  const modes = values.modes.split(',')
  for (const mode of modes) {
    if (mode !== 'seq' && !(Number(mode) > 0)) {
      throw new Error(`--modes: expected seq or a slice length in ms, got ${JSON.stringify(mode)}`)
    }
  }
  const times = values.times.split(',').map((t) => integerOption('times', t, 1))
  const neighbour = values.neighbour ? startNeighbour() : undefined
  const rows: string[][] = []
  try {
    for (const [timeMs, mode] of times.flatMap((t) => modes.map((m) => [t, m] as const))) {
      const benchmark: Benchmark = { ...BENCHMARK, spec: { ...BENCHMARK.spec, timeMs } }
      const logs = { p50: [] as number[], mean: [] as number[] }
      const load = loadavg()[0]!
      const started = performance.now()
      for (let i = 0; i < pairs; i++) {
        const outcomes = await pair(benchmark, mode, i % 2 === 0 ? 'base' : 'head')
        for (const name of ['p50', 'mean'] as const) {
          logs[name].push(Math.log(metric(outcomes.head, name) / metric(outcomes.base, name)))
        }
        process.stderr.write(`\r${timeMs} ms, ${mode}: pair ${i + 1}/${pairs}`)
      }
      process.stderr.write('\n')
      rows.push([
        mode === 'seq' ? 'back to back' : `interleaved, ${mode} ms slices`,
        `${timeMs} ms`,
        `${(sampleSd(logs.p50) * 100).toFixed(1)} %`,
        `${(sampleSd(logs.mean) * 100).toFixed(1)} %`,
        `${((performance.now() - started) / 1000 / pairs).toFixed(2)} s`,
        load.toFixed(1)
      ])
    }
  } finally {
    neighbour?.kill()
  }
  process.stdout.write(
    `A/A pairs of \`parse orders CSV\` (examples/), ${pairs} per mode` +
      (values.neighbour ? ', beside a neighbour busy half the time' : '') +
      '\n\n' +
      markdownTable(
        [
          [
            'pairs',
            'sampling per side',
            'SD of ln(head/base): p50',
            'mean',
            'wall per pair',
            'load average before'
          ],
          ...rows
        ],
        { align: ['l', 'r', 'r', 'r', 'r', 'r'] }
      ) +
      '\n'
  )
}

runBench('bench:function-pairs', main)
