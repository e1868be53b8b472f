/**
 * Real A/B runs for `npm run bench:verdict`: the example suite (`examples/`) copied into a
 * fresh git repository and committed, then `perfgate run --base HEAD --json` through the
 * CLI's own `main()`, with the working tree either unchanged (A/A) or with a slowdown
 * planted in `parseCsv` (`src/orders.js`): an extra pass over the CSV text, a multiply-add
 * chain of `factor × text.length` steps whose result is kept observable.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { registerCleanup } from '../src/process/cleanup.js'
import type { MetricName } from '../src/metrics.js'
import { parseResults } from '../src/results/format.js'
import type { Results } from '../src/results/types.js'
import { runFunctionPair } from '../src/runners/function/runner.js'
import { median } from '../src/stats/quantile.js'
import type { BenchmarkConfig, FunctionSpec } from '../src/config/types.js'

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url))
const ORDERS = 'src/orders.js'
const PLANT_BEFORE = '  const [header, ...body] = rows\n'

/** orders.js with `factor × text.length` extra steps at the end of parseCsv. */
export function plantSlowdown(source: string, factor: number): string {
  if (!source.includes(PLANT_BEFORE)) throw new Error(`${ORDERS}: parseCsv changed, cannot plant`)
  const extra = [
    '  // Planted by bench:verdict: an extra pass proportional to the input.',
    '  let check = 0',
    `  const steps = Math.round(text.length * ${factor})`,
    '  for (let i = 0, j = 0; i < steps; i++, j = j + 1 === text.length ? 0 : j + 1) {',
    '    check = (Math.imul(check, 31) + text.charCodeAt(j)) | 0',
    '  }',
    '  if (check === 0x7fffffff) rows.push([])',
    ''
  ].join('\n')
  return source.replace(PLANT_BEFORE, extra + PLANT_BEFORE)
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=perfgate', '-c', 'user.email=perfgate@localhost', ...args],
    { cwd, encoding: 'utf8' }
  ).trim()
}

export interface ExampleRepo {
  readonly root: string
  /** The committed orders.js. */
  readonly original: string
  /** Writes orders.js in the working tree: the original (factor 0) or a planted variant. */
  setSlowdown(factor: number): void
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
    setSlowdown(factor) {
      writeFileSync(file, factor === 0 ? original : plantSlowdown(original, factor))
    },
    remove
  }
}

/** The example's parse benchmark on `file`, as perfgate's runner takes it (300 ms sampling). */
export function parseBenchmark(file: string): BenchmarkConfig & { spec: FunctionSpec } {
  return {
    name: 'parse orders CSV',
    kind: 'function',
    spec: {
      kind: 'function',
      file,
      bench: undefined,
      timeMs: 300,
      warmupMs: 100,
      interleave: true
    },
    trials: 1,
    timeoutMs: 60_000,
    budgets: [],
    targets: [],
    compare: { gate: [], threshold: 0.05, alpha: 0.05 }
  }
}

/**
 * The planted pass's cost as perfgate measures it: the example's parse benchmark, original
 * (base) and with factor 1 (head), in `pairs` interleaved pairs of real worker processes
 * (what an A/B run does; an in-process estimate differed 5× from run to run, as the JIT
 * compiled the planted loop). Returns the factors that should add `targets` (fractions)
 * of work; the A/B runs then measure the effect actually planted.
 */
export async function calibrateFactors(
  repo: ExampleRepo,
  targets: readonly number[],
  pairs = 20
): Promise<{ baseNs: number; passNs: number; factors: number[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-calibrate-'))
  try {
    const side = (name: string, source: string) => {
      mkdirSync(path.join(dir, name, 'src'), { recursive: true })
      cpSync(path.join(repo.root, 'bench'), path.join(dir, name, 'bench'), { recursive: true })
      writeFileSync(path.join(dir, name, 'package.json'), '{ "type": "module" }\n')
      writeFileSync(path.join(dir, name, ORDERS), source)
      return parseBenchmark(path.join(dir, name, 'bench', 'parse.bench.js'))
    }
    const base = side('original', repo.original)
    const head = side('planted', plantSlowdown(repo.original, 1))
    const baseTimes: number[] = []
    const ratios: number[] = []
    for (let i = 0; i < pairs; i++) {
      const outcomes = await runFunctionPair(
        { base: { benchmark: base, spec: base.spec }, head: { benchmark: head, spec: head.spec } },
        i % 2 === 0 ? 'base' : 'head'
      )
      if (!outcomes.base.ok || !outcomes.head.ok) {
        const failed = outcomes.base.ok ? outcomes.head : outcomes.base
        throw new Error(`calibration: ${failed.ok ? '' : failed.message}`)
      }
      // The mean time per call, as perfgate gates function benchmarks.
      baseTimes.push(outcomes.base.metrics.mean! * 1e6)
      ratios.push(outcomes.head.metrics.mean! / outcomes.base.metrics.mean!)
    }
    // The pass's cost relative to its own pair's base: the machine's drift between pairs
    // cancels in each ratio.
    const baseNs = median(baseTimes)
    const passNs = baseNs * (median(ratios) - 1)
    if (!(passNs > 0)) throw new Error('calibration: the planted pass measured no cost')
    const factors = targets.map((t) => Math.round(((t * baseNs) / passNs) * 1000) / 1000)
    return { baseNs, passNs, factors }
  } finally {
    rmSync(dir, { recursive: true, force: true })
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
