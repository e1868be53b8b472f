/**
 * Real A/B runs for `npm run bench:verdict`: the example suite (`examples/`) copied into a
 * fresh git repository and committed, then `perfgate run --base HEAD --json` through the
 * CLI's own `main()`, with the working tree either unchanged (A/A) or with a slowdown
 * planted in `parseCsv` (`src/orders.js`): a share of its calls parse their text twice
 * (plantSlowdown).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { registerCleanup } from '../src/process/cleanup.js'
import type { MetricName } from '../src/metrics.js'
import { parseResults } from '../src/results/format.js'
import type { Results } from '../src/results/types.js'
import type { BenchmarkConfig, FunctionSpec } from '../src/config/types.js'
import { DEFAULT_FUNCTION_TIME_MS, DEFAULT_FUNCTION_WARMUP_MS } from '../src/config/defaults.js'
import { git } from './common.js'

/** The example project (examples/): its suite, its library and its fastify server. */
export const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url))
const ORDERS = 'src/orders.js'
const PARSE_HEAD = 'export function parseCsv(text) {\n'

/**
 * orders.js with parseCsv doing `share` more of its own work: the original function, kept
 * byte for byte under another name, runs once per call and once more on a `share` of the
 * calls, evenly spread (every 10th call for 0.1). The same code on the same input does the
 * extra work, so the mean time per call (what functions are gated on) grows by `share`
 * whatever the machine's state. Only the second parse's row count is kept (exported, so the
 * call stays observable): keeping its rows alive made every scavenge copy them, and a
 * 10 % share measured +14 %. An extra pass of other code (a multiply-add loop) cost
 * 7.7-11 % of a parse from one run to the next, as memory contention slowed the parse and
 * not the loop (docs/PERFORMANCE.md, "Verdict engine").
 */
export function plantSlowdown(source: string, share: number): string {
  if (!source.includes(PARSE_HEAD)) throw new Error(`${ORDERS}: parseCsv changed, cannot plant`)
  const planted = [
    '',
    `// Planted by bench:verdict: ${share} of the calls parse their text twice.`,
    'let plantedDue = 0',
    'let plantedKept',
    'export function parseCsv(text) {',
    `  plantedDue += ${share}`,
    '  if (plantedDue >= 1) {',
    '    plantedDue -= 1',
    '    plantedKept = parseCsvOnce(text).length',
    '  }',
    '  return parseCsvOnce(text)',
    '}',
    'export const plantedResult = () => plantedKept',
    ''
  ].join('\n')
  return source.replace(PARSE_HEAD, 'function parseCsvOnce(text) {\n') + planted
}

export interface ExampleRepo {
  readonly root: string
  /** The committed orders.js. */
  readonly original: string
  /** Writes orders.js in the working tree: the original (share 0) or a planted variant. */
  setSlowdown(share: number): void
  remove(): void
}

/** A temporary git repository holding examples/, committed once. */
export function makeExampleRepo(): ExampleRepo {
  const root = mkdtempSync(path.join(tmpdir(), 'perfgate-verdict-'))
  cpSync(EXAMPLES, root, { recursive: true })
  git(root, 'init', '--quiet', '--initial-branch=main')
  git(root, 'add', '.')
  git(root, 'commit', '--quiet', '-m', 'examples')
  const file = path.join(root, ORDERS)
  const original = readFileSync(file, 'utf8')
  // Also removed on Ctrl-C (bench/verdict.ts runs the registered clean-ups).
  const remove = registerCleanup(() => rmSync(root, { recursive: true, force: true }))
  return {
    root,
    original,
    setSlowdown(share) {
      writeFileSync(file, share === 0 ? original : plantSlowdown(original, share))
    },
    remove
  }
}

/** The example's parse benchmark on `file`, as perfgate's runner takes it (default sampling). */
export function parseBenchmark(file: string): BenchmarkConfig & { spec: FunctionSpec } {
  return {
    name: 'parse orders CSV',
    kind: 'function',
    spec: {
      kind: 'function',
      file,
      bench: undefined,
      timeMs: DEFAULT_FUNCTION_TIME_MS,
      warmupMs: DEFAULT_FUNCTION_WARMUP_MS,
      interleave: true
    },
    trials: 1,
    timeoutMs: 60_000,
    budgets: [],
    targets: [],
    compare: { gate: [], threshold: 0.05, alpha: 0.05 }
  }
}

export interface RealBenchmark {
  readonly name: string
  readonly kind: string
  readonly pairs: number
  readonly stopReason: string
  readonly metrics: readonly {
    readonly metric: MetricName
    readonly verdict: string
    readonly ratio: number
    readonly ciLow: number
    readonly ciHigh: number
    readonly pAdjusted: number
    /** SD of ln(head_i / base_i) over the pairs. */
    readonly sdLog: number
  }[]
}

export interface RealRun {
  readonly exitCode: number
  readonly seconds: number
  /** 1-minute load average of the machine before and after the run (other work on it). */
  readonly load: readonly [number, number]
  readonly regressions: number
  readonly improvements: number
  readonly benchmarks: readonly RealBenchmark[]
}

/** Sample SD (n − 1). */
export function sampleSd(xs: readonly number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1))
}

function summarize(
  results: Results,
  exitCode: number,
  seconds: number,
  load: readonly [number, number]
): RealRun {
  const comparison = results.comparison!
  const benchmarks = comparison.benchmarks.map((bench): RealBenchmark => {
    const head = results.benchmarks.find((b) => b.name === bench.name)!
    const base = results.base!.benchmarks.find((b) => b.name === bench.name)!
    return {
      name: bench.name,
      kind: bench.kind,
      pairs: head.paired?.pairs ?? head.trials.length,
      stopReason: bench.stopReason ?? '–',
      metrics: bench.metrics.map((m) => {
        const logs = head.trials.map((t, i) =>
          Math.log(t.metrics[m.metric]! / base.trials[i]!.metrics[m.metric]!)
        )
        return {
          metric: m.metric,
          verdict: m.verdict,
          ratio: m.ratio,
          ciLow: m.ciLow,
          ciHigh: m.ciHigh,
          pAdjusted: m.pAdjusted,
          sdLog: sampleSd(logs)
        }
      })
    }
  })
  return {
    exitCode,
    seconds,
    load,
    regressions: comparison.counts.regressions,
    improvements: comparison.counts.improvements,
    benchmarks
  }
}

/** `perfgate run --base HEAD --json --seed <seed> [--filter <filter>]` in the repository. */
export async function runAb(
  repo: ExampleRepo,
  seed: number,
  filter: string | undefined,
  stderr: { write(text: string): unknown }
): Promise<RealRun> {
  let stdout = ''
  const args = ['run', '--base', 'HEAD', '--json', '--seed', String(seed)]
  if (filter !== undefined) args.push('--filter', filter)
  const loadBefore = loadavg()[0]!
  const started = performance.now()
  const exitCode = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr,
    cwd: repo.root
  })
  const seconds = (performance.now() - started) / 1000
  if (exitCode > 1) throw new Error(`perfgate ${args.join(' ')} exited with ${exitCode}`)
  const load = [loadBefore, loadavg()[0]!] as const
  return summarize(parseResults(stdout, 'stdout'), exitCode, seconds, load)
}
