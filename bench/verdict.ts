/**
 * `npm run bench:verdict`: how often perfgate's verdict engine raises a false alarm, and
 * how often it finds a real slowdown, with the default settings (trials 10, so looks at
 * 10/20/30 pairs; threshold 4 % (the default); alpha 0.05; the default paired test, `trimmed`).
 *
 * 1. Simulated (bench/verdict-sim.ts): perfgate's own scheduler and comparison with a
 *    scripted trial runner returning lognormal values.
 *    - Family-wise A/A false alarms: runs of 10 benchmarks × 3 gated metrics
 *      (p50, p95, mean, independent noise), per-trial noise 1 / 2 / 4 / 8 %.
 *    - Power: one benchmark (default gate p50) slowed by +3 / +5 / +10 %, for fixed 10,
 *      20, 30 pairs and the adaptive default; pairs used by the adaptive schedule.
 *    - Power inside a family: one of the 10 × 3 benchmarks slowed.
 *    - What if: family A/A and adaptive power with threshold 4 % and 3 %.
 *    - Futility: what compare.futility saves in pairs and costs in verdicts, on clean and
 *      disturbed trials.
 * 2. Real (bench/verdict-real.ts): the example suite in a temporary git repository,
 *    `perfgate run --base HEAD --json` through the CLI's main(), A/A and with a +5 % and
 *    +10 % slowdown planted in parseCsv, `--real-runs` times each (rotating scenarios).
 *
 * Tables (Markdown) go to stdout, progress to stderr.
 *
 * Options: --seed S (1), --aa-runs N (2000), --power-runs N (2000),
 * --family-power-runs N (1000), --real-runs N (3), --real-filter REGEX (the function and
 * command benchmarks of examples/perfgate.yml),
 * --robust-runs N (400), --skip-sim, --skip-robust, --skip-real, --neighbour (the real
 * part beside a process busy half the time, as on a shared runner), --planted LIST
 * (percent slowdowns planted in the real part, 5,10), --skip-real-aa (the real part runs
 * the planted trees only: its A/A runs do not depend on the plant).
 *
 * 3. Robust (bench/verdict-robust.ts): the paired procedures side by side on trials a busy
 *    machine slows as a whole (10-20 % of trials, either side, 1.5-10×) and on clean noise;
 *    then the real case of a ~5 ms function +10 % through perfgate's own scheduler and
 *    comparison, 't' against the default 'trimmed'.
 */
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { integerOption, runBench, startNeighbour } from './common.js'
import { DEFAULT_ALPHA, DEFAULT_FUTILITY, DEFAULT_THRESHOLD } from '../src/config/defaults.js'
import { markdownTable } from 'markdown-table'
import type { MetricName } from '../src/metrics.js'
import {
  COMPARE_CONFIG,
  simulateCell,
  type CellResult,
  type Disturbance,
  type Scenario
} from './verdict-sim.js'
import { PROCEDURES, robustScenarios, simulateProcedure } from './verdict-robust.js'
import { makeExampleRepo, runAb, type ExampleRepo, type RealRun } from './verdict-real.js'

/** Per-trial noise: 2 / 4 / 8 % as asked, and 1 %, the level of the example function benchmarks. */
const NOISES = [0.01, 0.02, 0.04, 0.08] as const
const EFFECTS = [1.03, 1.05, 1.1] as const
const ADAPTIVE = [10, 20, 30] as const
const SCHEDULES: readonly (readonly number[])[] = [[10], [20], [30], ADAPTIVE]
const FAMILY_GATE: readonly MetricName[] = ['p50', 'p95', 'mean']
const DEFAULTS = { threshold: DEFAULT_THRESHOLD, alpha: DEFAULT_ALPHA }
/** Other thresholds tried with the same runs (config `compare: { threshold }`). */
const WHAT_IF_THRESHOLDS = [0.05, 0.03] as const
/**
 * The real part's benchmarks: the example suite's two function benchmarks and its command.
 * Its HTTP benchmarks need the example's own dependencies (fastify), which a fresh copy
 * outside the repository does not have.
 */
const REAL_FILTER = '^(parse orders CSV|revenue by customer|report CLI)'

interface Options {
  readonly seed: number
  readonly aaRuns: number
  readonly powerRuns: number
  readonly familyPowerRuns: number
  readonly realRuns: number
  readonly realFilter: string
  readonly sim: boolean
  readonly robustRuns: number
  readonly robust: boolean
  readonly real: boolean
  /** Real part: a neighbour process busy half the time (100 ms spinning, 100 ms asleep). */
  readonly neighbour: boolean
  /** Real part: the slowdowns planted in parseCsv (fractions of its work). */
  readonly planted: readonly number[]
  /** Real part: run the unchanged tree (A/A) too. */
  readonly realAa: boolean
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      'aa-runs': { type: 'string', default: '2000' },
      'power-runs': { type: 'string', default: '2000' },
      'family-power-runs': { type: 'string', default: '1000' },
      'real-runs': { type: 'string', default: '3' },
      'real-filter': { type: 'string', default: REAL_FILTER },
      'skip-sim': { type: 'boolean' },
      'robust-runs': { type: 'string', default: '400' },
      'skip-robust': { type: 'boolean' },
      'skip-real': { type: 'boolean' },
      neighbour: { type: 'boolean' },
      planted: { type: 'string', default: '5,10' },
      'skip-real-aa': { type: 'boolean' }
    }
  })
  const number = integerOption
  const planted = values.planted.split(',').map((p) => {
    const percent = Number(p)
    if (!(percent > 0 && percent <= 100)) {
      throw new Error(`--planted: percentages above 0, e.g. 5,10; got ${JSON.stringify(p)}`)
    }
    return percent / 100
  })
  return {
    seed: number('seed', values.seed, 0),
    aaRuns: number('aa-runs', values['aa-runs'], 1),
    powerRuns: number('power-runs', values['power-runs'], 1),
    familyPowerRuns: number('family-power-runs', values['family-power-runs'], 1),
    realRuns: number('real-runs', values['real-runs'], 1),
    realFilter: values['real-filter'],
    sim: values['skip-sim'] !== true,
    robustRuns: number('robust-runs', values['robust-runs'], 1),
    robust: values['skip-robust'] !== true,
    real: values['skip-real'] !== true,
    neighbour: values.neighbour === true,
    planted,
    realAa: values['skip-real-aa'] !== true
  }
}

const log = (line: string) => void process.stderr.write(`${line}\n`)
const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : '–')
const noiseLabel = (noise: number) => `${(noise * 100).toFixed(0)} %`
const effectLabel = (effect: number) => `+${Math.round((effect - 1) * 100)} %`
const scheduleLabel = (looks: readonly number[]) =>
  looks.length === 1 ? `fixed ${looks[0]}` : `adaptive ${looks.join('/')}`

/** A share with its binomial standard error: "4.2 ± 0.4 %". */
function rate(hits: number, runs: number): string {
  const p = hits / runs
  const se = Math.sqrt((p * (1 - p)) / runs)
  return `${(p * 100).toFixed(1)} ± ${(se * 100).toFixed(1)} %`
}

/** Upper end of the 95 % Wilson score interval of a binomial share. */
function wilsonUpper(hits: number, runs: number): number {
  const z = 1.959964
  const p = hits / runs
  const centre = p + (z * z) / (2 * runs)
  const spread = z * Math.sqrt((p * (1 - p)) / runs + (z * z) / (4 * runs * runs))
  return (centre + spread) / (1 + (z * z) / runs)
}

function stopShares(cell: CellResult, benchmarks: number): string {
  const total = cell.runs * benchmarks
  return [...cell.stoppedAt]
    .sort((a, b) => a[0] - b[0])
    .map(([pairs, count]) => `${pairs}: ${pct(count / total, 0)}`)
    .join(', ')
}

// Every cell gets its own seed, so cells are independent and a rerun is identical.
/** One benchmark gated on p50, adaptive 10/20/30, the defaults unless `extra` says otherwise. */
function oneBenchmark(noise: number, effect: number, extra: Partial<Scenario> = {}): Scenario {
  return { benchmarks: 1, gate: ['p50'], noise, effect, lookSizes: ADAPTIVE, ...DEFAULTS, ...extra }
}

/** 10 benchmarks × 3 gated metrics, benchmark 1 × `effect`, adaptive 10/20/30, defaults. */
function family(noise: number, effect: number, extra: Partial<Scenario> = {}): Scenario {
  return {
    benchmarks: 10,
    gate: FAMILY_GATE,
    noise,
    effect,
    lookSizes: ADAPTIVE,
    ...DEFAULTS,
    ...extra
  }
}

let cellCounter = 0
async function cell(scenario: Scenario, runs: number, seed: number): Promise<CellResult> {
  cellCounter++
  const started = performance.now()
  const result = await simulateCell(scenario, runs, seed * 1000 + cellCounter)
  log(
    `sim: ${scenario.benchmarks}×${scenario.gate.length} noise ${noiseLabel(scenario.noise)} ` +
      `effect ${effectLabel(scenario.effect)} ${scheduleLabel(scenario.lookSizes)} ` +
      `threshold ${pct(scenario.threshold, 0)}: ${runs} runs in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`
  )
  return result
}

async function familyAaTable(options: Options, threshold: number): Promise<string> {
  const rows: string[][] = []
  for (const noise of NOISES) {
    const c = await cell(family(noise, 1, { threshold }), options.aaRuns, options.seed)
    rows.push([
      noiseLabel(noise),
      String(c.runs),
      rate(c.anyRegression, c.runs),
      pct(wilsonUpper(c.anyRegression, c.runs)),
      rate(c.anyChange, c.runs),
      pct(wilsonUpper(c.anyChange, c.runs)),
      (c.allPairs / (c.runs * 10)).toFixed(1),
      stopShares(c, 10),
      pct(c.inconclusive / c.tests)
    ])
  }
  return markdownTable(
    [
      [
        'Noise / trial',
        'Runs',
        'Any regression',
        '95 % upper',
        'Any regression or improvement',
        '95 % upper',
        'Mean pairs / benchmark',
        'Stopped at (share of benchmarks)',
        'Inconclusive tests'
      ],
      ...rows
    ],
    { align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r'] }
  )
}

async function powerTable(options: Options): Promise<string> {
  const rows: string[][] = []
  for (const noise of NOISES) {
    for (const effect of EFFECTS) {
      const row = [noiseLabel(noise), effectLabel(effect)]
      let adaptive: CellResult | undefined
      for (const lookSizes of SCHEDULES) {
        const c = await cell(
          oneBenchmark(noise, effect, { lookSizes }),
          options.powerRuns,
          options.seed
        )
        row.push(rate(c.slowedFlagged, c.runs))
        if (lookSizes === ADAPTIVE) adaptive = c
      }
      const mean = adaptive!.slowedPairs / adaptive!.runs
      row.push(
        mean.toFixed(1),
        `${(30 - mean).toFixed(1)} (${pct(1 - mean / 30, 0)})`,
        stopShares(adaptive!, 1)
      )
      rows.push(row)
    }
  }
  return markdownTable(
    [
      [
        'Noise / trial',
        'Slowdown',
        ...SCHEDULES.map(scheduleLabel),
        'Adaptive: mean pairs',
        'Fewer than 30',
        'Adaptive stopped at'
      ],
      ...rows
    ],
    { align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] }
  )
}

/** One benchmark of a 10 × 3 family slowed in all three metrics; adaptive schedule. */
async function familyPowerTable(options: Options, threshold: number): Promise<string> {
  const rows: string[][] = []
  for (const noise of NOISES) {
    for (const effect of [1.05, 1.1]) {
      const c = await cell(
        family(noise, effect, { threshold }),
        options.familyPowerRuns,
        options.seed
      )
      rows.push([
        noiseLabel(noise),
        effectLabel(effect),
        String(c.runs),
        rate(c.slowedFlagged, c.runs),
        (c.slowedMetricsFlagged / c.runs).toFixed(2),
        (c.slowedPairs / c.runs).toFixed(1),
        rate(c.slowedDecidedThenInconclusive, c.runs),
        rate(c.slowedDecidedNotFlagged, c.runs),
        rate(c.othersFlagged, c.runs)
      ])
    }
  }
  return markdownTable(
    [
      [
        'Noise / trial',
        'Slowdown',
        'Runs',
        'Slowed benchmark reported as regression',
        'Its metrics reported (of 3)',
        'Its mean pairs',
        'It stopped early as decided, then a metric inconclusive',
        'It stopped early as decided, then not reported',
        'Any other benchmark reported as regression'
      ],
      ...rows
    ],
    { align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] }
  )
}

/** Power of the adaptive default with another threshold (single benchmark, gate p50). */
async function whatIfPowerTable(options: Options, threshold: number): Promise<string> {
  const rows: string[][] = []
  for (const noise of NOISES) {
    const row = [noiseLabel(noise)]
    const pairs: string[] = []
    for (const effect of EFFECTS) {
      const c = await cell(
        oneBenchmark(noise, effect, { threshold }),
        options.powerRuns,
        options.seed
      )
      row.push(rate(c.slowedFlagged, c.runs))
      pairs.push((c.slowedPairs / c.runs).toFixed(1))
    }
    rows.push([...row, pairs.join(' / ')])
  }
  return markdownTable(
    [
      [
        'Noise / trial',
        ...EFFECTS.map((e) => `${effectLabel(e)}: reported`),
        'Mean pairs (+3 / +5 / +10 %)'
      ],
      ...rows
    ],
    { align: ['r', 'r', 'r', 'r', 'r'] }
  )
}

async function whatIf(options: Options): Promise<string[]> {
  const out: string[] = []
  for (const threshold of WHAT_IF_THRESHOLDS) {
    out.push(
      `### What if the threshold were ${pct(threshold, 0)}`,
      '',
      'Family-wise A/A, 10 × 3:',
      '',
      await familyAaTable(options, threshold),
      '',
      'One benchmark, gate p50, adaptive 10/20/30:',
      '',
      await whatIfPowerTable(options, threshold),
      ''
    )
  }
  return out
}

/** compare.futility values the futility table compares: off, the default, and 0.1. */
const FUTILITIES = [0, DEFAULT_FUTILITY, 0.1] as const
const FUTILITY_NOISES = [0.04, 0.06, 0.08, 0.12] as const
/** Trials slowed as a whole by a busy machine: 15 % of them, 1.5-10×. */
const BUSY: Disturbance = { share: 0.15, slowdown: [1.5, 10] }

/**
 * What stopping early for futility costs and saves: one benchmark (gate p50), adaptive
 * 10/20/30, A/A and slowed +5 / +10 %, on clean noise and with disturbed trials. Per
 * compare.futility: the share of runs with the right verdict ("unchanged" for A/A, a
 * regression otherwise) and the mean pairs.
 */
async function futilityTable(options: Options): Promise<string> {
  const rows: string[][] = []
  for (const disturbance of [undefined, BUSY]) {
    for (const noise of FUTILITY_NOISES) {
      for (const effect of [1, 1.05, 1.1]) {
        const row = [
          disturbance ? 'busy' : 'clean',
          noiseLabel(noise),
          effect === 1 ? 'A/A' : effectLabel(effect)
        ]
        for (const futility of FUTILITIES) {
          const c = await cell(
            oneBenchmark(noise, effect, { futility, ...(disturbance ? { disturbance } : {}) }),
            options.powerRuns,
            options.seed
          )
          const right = effect === 1 ? c.tests - c.inconclusive - c.anyChange : c.slowedFlagged
          row.push(`${pct(right / c.runs, 0)}, ${(c.slowedPairs / c.runs).toFixed(1)}`)
        }
        rows.push(row)
      }
    }
  }
  return markdownTable(
    [
      [
        'Trials',
        'Noise / trial',
        'Change',
        ...FUTILITIES.map((f) => `futility ${f}${f === DEFAULT_FUTILITY ? ' (default)' : ''}`)
      ],
      ...rows
    ],
    { align: ['l', 'r', 'r', 'r', 'r', 'r'] }
  )
}

/** Family-wise A/A of 10 benchmarks × 3 gated metrics, per compare.futility. */
async function futilityFamilyTable(options: Options): Promise<string> {
  const rows: string[][] = []
  for (const noise of [0.08, 0.12]) {
    for (const futility of FUTILITIES) {
      const c = await cell(family(noise, 1, { futility }), options.aaRuns, options.seed)
      rows.push([
        noiseLabel(noise),
        String(futility),
        rate(c.anyRegression, c.runs),
        rate(c.anyChange, c.runs),
        (c.allPairs / c.runs / 10).toFixed(1)
      ])
    }
  }
  return markdownTable(
    [
      [
        'Noise / trial',
        'futility',
        'Any regression',
        'Any regression or improvement',
        'Mean pairs / benchmark'
      ],
      ...rows
    ],
    { align: ['r', 'r', 'r', 'r', 'r'] }
  )
}

async function simulated(options: Options): Promise<string[]> {
  const started = performance.now()
  const out = [
    '## Simulated (perfgate scheduler and comparison, scripted lognormal trials)',
    '',
    `Seed ${options.seed}. Defaults: looks at 10/20/30 pairs, threshold ${pct(DEFAULTS.threshold, 0)}, alpha ${DEFAULTS.alpha}, ` +
      `paired test ${COMPARE_CONFIG.test}, Holm over every gated test of the run. "± x %" is the binomial ` +
      'standard error; "95 % upper" the upper end of the Wilson score interval.',
    '',
    `### Family-wise A/A false alarms: 10 benchmarks × 3 gated metrics (p50, p95, mean)`,
    '',
    await familyAaTable(options, DEFAULTS.threshold),
    '',
    '### Power: one benchmark, gate p50 (share of runs reporting it as a regression)',
    '',
    await powerTable(options),
    '',
    '### Power inside a family: 1 of 10 benchmarks × 3 gated metrics slowed, adaptive 10/20/30',
    '',
    await familyPowerTable(options, DEFAULTS.threshold),
    '',
    ...(await whatIf(options)),
    '### Stopping early for futility: one benchmark, gate p50, adaptive 10/20/30',
    '',
    'Each cell: the share of runs with the right verdict ("unchanged" for A/A, a regression ' +
      'otherwise), then the mean pairs. "busy": 15 % of trials (either side) slowed 1.5-10× as a whole.',
    '',
    await futilityTable(options),
    '',
    'Family-wise A/A, 10 benchmarks × 3 gated metrics, per compare.futility:',
    '',
    await futilityFamilyTable(options),
    '',
    `Simulation time: ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    ''
  ]
  return out
}

interface RealScenario {
  readonly label: string
  /** The share of parseCsv's work planted (0: A/A). */
  readonly share: number
  readonly runs: RealRun[]
}

function geometricMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length)
}

function realTables(scenarios: readonly RealScenario[]): string[] {
  const summary = markdownTable(
    [
      [
        'Working tree',
        'Planted',
        'Runs',
        'Runs with any regression',
        'Any improvement',
        'Exit codes',
        'Seconds / run',
        '1-min load avg (min–max)'
      ],
      ...scenarios.map((s) => [
        s.label,
        s.share === 0 ? '–' : `${Math.round(s.share * 100)} % of calls parse twice`,
        String(s.runs.length),
        String(s.runs.filter((r) => r.regressions > 0).length),
        String(s.runs.filter((r) => r.improvements > 0).length),
        s.runs.map((r) => r.exitCode).join(' '),
        (s.runs.reduce((sum, r) => sum + r.seconds, 0) / s.runs.length).toFixed(0),
        `${Math.min(...s.runs.flatMap((r) => r.load)).toFixed(1)}–` +
          Math.max(...s.runs.flatMap((r) => r.load)).toFixed(1)
      ])
    ],
    { align: ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'r'] }
  )
  const rows: string[][] = []
  for (const s of scenarios) {
    const names = [...new Set(s.runs.flatMap((r) => r.benchmarks.map((b) => b.name)))]
    for (const name of names) {
      const benches = s.runs.map((r) => r.benchmarks.find((b) => b.name === name)!)
      const metrics = [...new Set(benches.flatMap((b) => b.metrics.map((m) => m.metric)))]
      for (const metric of metrics) {
        const ms = benches.map((b) => b.metrics.find((m) => m.metric === metric)!)
        const verdicts = new Map<string, number>()
        for (const m of ms) verdicts.set(m.verdict, (verdicts.get(m.verdict) ?? 0) + 1)
        const ratios = ms.map((m) => m.ratio)
        const pooledSd = Math.sqrt(ms.reduce((sum, m) => sum + m.sdLog ** 2, 0) / ms.length)
        rows.push([
          s.label,
          name,
          metric,
          [...verdicts].map(([v, n]) => `${v} ×${n}`).join(', '),
          benches.map((b) => b.pairs).join(' '),
          `${geometricMean(ratios).toFixed(4)} (${Math.min(...ratios).toFixed(4)}–${Math.max(...ratios).toFixed(4)})`,
          ms.map((m) => `${m.ciLow.toFixed(3)}–${m.ciHigh.toFixed(3)}`).join(', '),
          pct(pooledSd, 2),
          pct(pooledSd / Math.SQRT2, 2)
        ])
      }
    }
  }
  const detail = markdownTable(
    [
      [
        'Working tree',
        'Benchmark',
        'Gated metric',
        'Verdicts',
        'Pairs per run',
        'Ratio head/base: geo. mean (min–max)',
        '95 % CIs',
        'SD of log ratios',
        'Per trial (÷√2)'
      ],
      ...rows
    ],
    { align: ['l', 'l', 'l', 'l', 'l', 'r', 'l', 'r', 'r'] }
  )
  return [summary, '', detail]
}

async function real(options: Options): Promise<string[]> {
  const started = performance.now()
  const repo: ExampleRepo = makeExampleRepo()
  try {
    log(`real: example suite committed in ${repo.root}`)
    const scenarios: RealScenario[] = [
      ...(options.realAa ? [{ label: 'A/A (unchanged)', share: 0, runs: [] }] : []),
      ...options.planted.map((share) => ({
        label: `parseCsv +${Math.round(share * 100)} % planted`,
        share,
        runs: []
      }))
    ]
    let runIndex = 0
    const neighbour = options.neighbour ? startNeighbour() : undefined
    try {
      for (let round = 0; round < options.realRuns; round++) {
        // Rotate the scenarios, so a slow spell of the machine does not hit one of them only.
        for (let k = 0; k < scenarios.length; k++) {
          const scenario = scenarios[(k + round) % scenarios.length]!
          repo.setSlowdown(scenario.share)
          runIndex++
          const seed = options.seed * 1000 + runIndex
          log(`real: run ${runIndex}/${options.realRuns * scenarios.length}: ${scenario.label}`)
          const run = await runAb(repo, seed, options.realFilter, process.stderr)
          log(
            `real: ${scenario.label}: exit ${run.exitCode}, ${run.regressions} regression(s), ` +
              `${run.improvements} improvement(s), ${run.seconds.toFixed(0)} s`
          )
          scenario.runs.push(run)
        }
      }
    } finally {
      neighbour?.kill()
    }
    repo.setSlowdown(0)
    return [
      '## Real: the example suite, `perfgate run --base HEAD` on this machine',
      '',
      `${options.realRuns} run(s) per working tree` +
        (options.neighbour ? ', a neighbour process busy half the time throughout' : '') +
        `, \`--filter '${options.realFilter}'\`` +
        `. Planted slowdowns: ${options.planted.map((t) => `${Math.round(t * 100)} %`).join(' or ')} ` +
        'of the calls of parseCsv (1,000 orders) parse their text twice, evenly spread: that ' +
        'much more of its own work per call on average, whatever the state of the machine.',
      '',
      ...realTables(scenarios),
      '',
      `Real part time: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
      ''
    ]
  } finally {
    repo.remove()
  }
}

async function robust(options: Options): Promise<string[]> {
  const started = performance.now()
  const runs = options.robustRuns
  const header = ['scenario', ...PROCEDURES.map((p) => p.name)]
  const rows: string[][] = []
  const scenarios = robustScenarios(DEFAULTS.threshold, DEFAULTS.alpha)
  for (const [i, { label, scenario }] of scenarios.entries()) {
    const t0 = performance.now()
    const cells = PROCEDURES.map((p) => {
      const c = simulateProcedure(p.run, scenario, runs, options.seed * 7919 + i)
      const share = scenario.effect === 1 ? c.anyChange : c.found
      return `${pct(share / runs, 1)} · ${pct(c.covered / runs, 0)} · ${(c.pairs0 / runs).toFixed(1)}`
    })
    rows.push([label, ...cells])
    log(`robust: ${label}: ${runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const realCase = { share: 0.15, slowdown: [1.5, 9] as const }
  const pipelineRows: string[][] = []
  for (const test of ['t', 'trimmed'] as const) {
    for (const effect of [1, 1.1]) {
      const scenario: Scenario = {
        benchmarks: 5,
        gate: ['p50'],
        noise: 0.02,
        effect,
        lookSizes: ADAPTIVE,
        ...DEFAULTS,
        disturbance: realCase,
        test
      }
      const c = await cell(scenario, runs, options.seed)
      pipelineRows.push([
        test,
        effect === 1 ? 'A/A' : '+10 %',
        effect === 1 ? rate(c.anyChange, runs) : rate(c.slowedFlagged, runs),
        (c.slowedPairs / runs).toFixed(1),
        pct(c.inconclusive / c.tests, 1)
      ])
    }
  }
  return [
    '## Robust paired statistics: trials slowed as a whole',
    '',
    `Seed ${options.seed}, ${runs} runs per cell; threshold ${pct(DEFAULTS.threshold, 0)}, alpha ${DEFAULTS.alpha}, ` +
      'looks at 10/20/30 pairs with the sequential rule, Holm over the run. Each trial (base or head, ' +
      'independently) is slowed as a whole with the given probability by a factor log-uniform on ' +
      '[1.5, 10], on top of lognormal noise. Cell: family-wise false alarms (A/A rows) or share of runs ' +
      'that report the planted change as a regression · coverage of the true ratio by the 95 % interval ' +
      'at the pairs used · mean pairs of the changed benchmark.',
    '',
    markdownTable([header, ...rows]),
    '',
    "### The real case through perfgate's scheduler and comparison",
    '',
    '5 function benchmarks (gate p50), noise 2 %, 15 % of trials slowed 1.5–9×, one benchmark +10 % ' +
      '(or none: A/A).',
    '',
    markdownTable([
      ['test', 'case', 'false alarms / found', 'pairs (changed benchmark)', 'inconclusive tests'],
      ...pipelineRows
    ]),
    '',
    `(robust part: ${((performance.now() - started) / 1000).toFixed(0)} s)`,
    ''
  ]
}

async function main(): Promise<void> {
  const options = readOptions()
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  const print = (lines: string[]) => void process.stdout.write(lines.join('\n') + '\n')
  print([`# bench:verdict — Node ${process.version}, ${cpus().length} × ${cpu}`, ''])
  // Each part is printed when done, so a failure in the real part keeps the simulated one.
  if (options.sim) print(await simulated(options))
  if (options.robust) print(await robust(options))
  if (options.real) print(await real(options))
}

runBench('bench:verdict', main)
