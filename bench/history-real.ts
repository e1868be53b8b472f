/**
 * `npm run bench:history-real`: the history of main measured for real, as a new user would.
 * A fresh git repository of 30 commits with two function benchmarks: "stepped" runs a fixed
 * CPU loop made 8 % longer at commit 20 (and kept so), "unchanged" never changes. Each
 * commit is checked out and measured with `perfgate run --out` one after another, while a
 * neighbour spinning a CPU runs during chosen commits (the machine's own load comes and
 * goes as well). Then `perfgate history --dir --json` names the candidates (on the stored
 * values and relative to the other benchmark of each run; the script prints the spread of
 * both benchmarks' means and of their ratio) and
 * `perfgate history --dir --json --confirm` re-measures them in pairs; the script prints
 * both, the step's place and the confirmation's wall time.
 *
 * Runs the built CLI (`bin/perfgate.js`; `npm run build` first), as child processes.
 * Options: --commits N (30), --step N (20), --trials N (5; 1 with --measure instructions), --busy FROM-TO[,FROM-TO] (the
 * commits measured beside the neighbour, default 8-13,23-26), --measure time|instructions|both
 * (the config's `measure`, default time; instructions needs valgrind), --keep (keep the
 * repository).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { registerCleanup } from '../src/process/cleanup.js'
import type { HistoryChangePoint, HistoryReport } from '../src/history/series.js'
import { stepCommit } from '../src/history/confirmation.js'
import { git, integerOption, runBench } from './common.js'

const CLI = fileURLToPath(new URL('../bin/perfgate.js', import.meta.url))
const BUILT = fileURLToPath(new URL('../dist/', import.meta.url))
const ITERATIONS = 2_000_000
const STEP = 1.08

/** The config; `measure` as the run's `--measure` would set it (time, instructions or both). */
const configText = (measure: string) => [`measure: ${measure}`, CONFIG_BENCHMARKS].join('\n')

const CONFIG_BENCHMARKS = [
  'trials: 5',
  'benchmarks:',
  '  - name: stepped',
  '    function: { file: bench/work.bench.js, bench: stepped }',
  '  - name: unchanged',
  '    function: { file: bench/work.bench.js, bench: unchanged }',
  ''
].join('\n')

const BENCH_FILE = [
  "import { bench } from 'perfgate'",
  "import { ITERATIONS, spin } from '../src/work.js'",
  '',
  "bench('stepped', () => spin(ITERATIONS))",
  "bench('unchanged', () => spin(2000000))",
  ''
].join('\n')

/** src/work.js: a fixed CPU loop, `iterations` long for the stepped benchmark. */
function workSource(iterations: number): string {
  return [
    `export const ITERATIONS = ${iterations}`,
    '',
    'export function spin(n) {',
    '  let x = 0',
    '  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0',
    '  return x',
    '}',
    ''
  ].join('\n')
}

/** The repository: commit 1..commits, the stepped loop 8 % longer from commit `step` on. */
function makeRepo(root: string, commits: number, step: number, measure: string): string[] {
  mkdirSync(path.join(root, 'bench'), { recursive: true })
  mkdirSync(path.join(root, 'src'))
  writeFileSync(path.join(root, 'perfgate.yml'), configText(measure))
  writeFileSync(path.join(root, 'bench/work.bench.js'), BENCH_FILE)
  git(root, 'init', '--quiet', '--initial-branch=main')
  const shas: string[] = []
  for (let i = 1; i <= commits; i++) {
    const iterations = i >= step ? Math.round(ITERATIONS * STEP) : ITERATIONS
    writeFileSync(path.join(root, 'src/work.js'), workSource(iterations))
    writeFileSync(path.join(root, 'notes.txt'), `change ${i}\n`)
    git(root, 'add', '.')
    git(root, 'commit', '--quiet', '-m', `change ${i}`)
    shas.push(git(root, 'rev-parse', 'HEAD'))
  }
  return shas
}

/** Parses `8-13,23-26` into the set of commit numbers it names. */
function busyCommits(text: string): Set<number> {
  const busy = new Set<number>()
  for (const range of text.split(',').filter(Boolean)) {
    const match = /^(\d+)-(\d+)$/.exec(range)
    if (!match) throw new Error(`--busy: expected FROM-TO[,FROM-TO], got ${JSON.stringify(text)}`)
    for (let i = Number(match[1]); i <= Number(match[2]); i++) busy.add(i)
  }
  return busy
}

/** A neighbour spinning one CPU all the time, killed by the caller or on a signal. */
function startSpinner(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
  child.once(
    'exit',
    registerCleanup(() => child.kill('SIGKILL'))
  )
  return child
}

/** Runs the built CLI in `cwd`; its stdout, or an error with its stderr's tail. */
function perfgate(cwd: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [CLI, ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024
    })
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
    throw new Error(`perfgate ${args.join(' ')} failed: ${stderr.slice(-2000)}`)
  }
}

function describe(point: HistoryChangePoint, shas: string[]): string {
  const at = shas.indexOf(point.commit) + 1
  const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`
  const c = point.confirmed
  // An unmeasured confirmation has no ratio (NaN, null in JSON): the A/B lacks the metric.
  const pairs = !c
    ? ''
    : c.verdict === 'unmeasured'
      ? `; A/B of ${c.pairs} pairs does not measure it`
      : `; A/B of commits ${shas.indexOf(c.base) + 1} → ${shas.indexOf(c.head) + 1} ` +
        `${pct(c.ratio)} [${pct(c.low)}, ${pct(c.high)}] in ${c.pairs} pairs, ${c.verdict}` +
        (c.opposite ? ' (opposite to the stored values)' : '') +
        (c.at ? `, located at commit ${shas.indexOf(c.at) + 1}` : '')
  return (
    `  ${point.benchmark} ${point.metric}: commit ${at} ${pct(point.ratio)} ` +
    `[${pct(point.ciLow)}, ${pct(point.ciHigh)}] p ${point.p.toExponential(1)}` +
    `${point.gated ? ', gated' : ''}, found on ${point.foundOn}, ${point.status}${pairs}`
  )
}

const geometricMean = (xs: number[]) =>
  Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length)

/**
 * What the stored means hold, whatever the detector says: the spread of the commits'
 * medians (SD of their logs, commit to commit) and the ratio of their geometric means
 * after and before the planted step.
 */
function printSpread(
  report: HistoryReport,
  shas: string[],
  step: number,
  metric: 'mean' | 'instructions'
): void {
  const means = report.series.filter((s) => s.metric === metric)
  const [stepped, unchanged] = ['stepped', 'unchanged'].map((b) =>
    means.find((s) => s.benchmark === b)
  )
  if (stepped && unchanged && stepped.points.length === unchanged.points.length) {
    // What the relative search sees with two benchmarks: their ratio, commit by commit.
    const logs = stepped.points.map((p, i) => Math.log(p.median / unchanged.points[i]!.median))
    const average = logs.reduce((a, x) => a + x, 0) / logs.length
    const sd = Math.sqrt(logs.reduce((a, x) => a + (x - average) ** 2, 0) / (logs.length - 1))
    const ratios = logs.map(Math.exp)
    console.log(
      `  stepped / unchanged ${metric}: ${(sd * 100).toFixed(1)} % between commits; commits ` +
        `${step}+ / before: ${(geometricMean(ratios.slice(step - 1)) / geometricMean(ratios.slice(0, step - 1))).toFixed(3)}`
    )
  }
  for (const series of means) {
    const logs = series.points.map((p) => Math.log(p.median))
    const average = logs.reduce((a, x) => a + x, 0) / logs.length
    const sd = Math.sqrt(logs.reduce((a, x) => a + (x - average) ** 2, 0) / (logs.length - 1))
    const at = (p: { commit: string }) => shas.indexOf(p.commit) + 1
    const before = series.points.filter((p) => at(p) < step).map((p) => p.median)
    const after = series.points.filter((p) => at(p) >= step).map((p) => p.median)
    console.log(
      `  ${series.benchmark} ${metric}: ${(sd * 100).toFixed(2)} % between commits; ` +
        `commits ${step}+ / before: ${(geometricMean(after) / geometricMean(before)).toFixed(3)}`
    )
  }
}

function printReport(title: string, report: HistoryReport, shas: string[]): void {
  console.log(`${title}: ${report.changePoints.length} change points`)
  for (const point of report.changePoints) console.log(describe(point, shas))
}

/** The targets: where the confirmed steps of each benchmark are named. */
function printVerdict(report: HistoryReport, shas: string[], step: number): void {
  for (const benchmark of ['stepped', 'unchanged']) {
    const named = new Set(
      report.changePoints
        .filter((p) => p.benchmark === benchmark && p.status === 'confirmed' && p.gated)
        .map((p) => shas.indexOf(stepCommit(p)) + 1)
    )
    const at = [...named].sort((a, b) => a - b).join(', ') || 'none'
    const target =
      benchmark === 'stepped'
        ? named.size === 1 && named.has(step)
          ? 'met'
          : 'not met'
        : named.size === 0
          ? 'met'
          : 'not met'
    console.log(`${benchmark}: confirmed steps at commit(s) ${at}: ${target}`)
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

async function main() {
  const { values } = parseArgs({
    options: {
      commits: { type: 'string', default: '30' },
      step: { type: 'string', default: '20' },
      trials: { type: 'string' },
      busy: { type: 'string', default: '8-13,23-26' },
      measure: { type: 'string', default: 'time' },
      keep: { type: 'boolean', default: false }
    }
  })
  const commits = integerOption('commits', values.commits, 4)
  const step = integerOption('step', values.step, 2)
  // A count repeats: one per commit (a trial of each side per look, as `run --base` does).
  const trials = integerOption(
    'trials',
    values.trials ?? (values.measure === 'instructions' ? '1' : '5'),
    1
  )
  const busy = busyCommits(values.busy)
  if (!['time', 'instructions', 'both'].includes(values.measure)) {
    throw new Error(
      `--measure: expected time, instructions or both, got ${JSON.stringify(values.measure)}`
    )
  }
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` first')
  const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-history-real-'))
  const remove = registerCleanup(() => rmSync(dir, { recursive: true, force: true }))
  const root = path.join(dir, 'repo')
  const results = path.join(dir, 'results')
  mkdirSync(results)
  console.log(
    `bench:history-real — ${commits} commits, +8 % at commit ${step}, ${trials} trials, measure ${values.measure}, ` +
      `neighbour at commits ${values.busy}; ${cpus().length} cores, load ${load()} at start`
  )
  try {
    const shas = makeRepo(root, commits, step, values.measure)
    const started = performance.now()
    for (let i = 1; i <= commits; i++) {
      const spinner = busy.has(i) ? startSpinner() : undefined
      try {
        git(root, 'checkout', '--quiet', shas[i - 1]!)
        perfgate(root, [
          'run',
          '--trials',
          String(trials),
          '--out',
          path.join(results, `${i}.json`)
        ])
      } finally {
        spinner?.kill('SIGKILL')
      }
      console.log(`commit ${i} measured${spinner ? ' (neighbour)' : ''}, load ${load()}`)
    }
    git(root, 'checkout', '--quiet', 'main')
    const measured = (performance.now() - started) / 1000
    const candidates = JSON.parse(
      perfgate(root, ['history', '--dir', results, '--json'])
    ) as HistoryReport
    printReport('history --json', candidates, shas)
    printSpread(candidates, shas, step, values.measure === 'instructions' ? 'instructions' : 'mean')
    const confirmStarted = performance.now()
    const confirmed = JSON.parse(
      perfgate(root, ['history', '--dir', results, '--json', '--confirm'])
    ) as HistoryReport
    const confirmSeconds = (performance.now() - confirmStarted) / 1000
    printReport('history --json --confirm', confirmed, shas)
    printVerdict(confirmed, shas, step)
    console.log(
      `measuring ${commits} commits: ${measured.toFixed(0)} s; confirmation: ` +
        `${confirmSeconds.toFixed(0)} s; load ${load()} at the end`
    )
    if (values.keep) console.log(`kept: ${dir}`)
  } finally {
    if (!values.keep) remove()
  }
}

runBench('bench:history-real', main)
