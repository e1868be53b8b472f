/**
 * `npm run bench:profile`: does "Where the time went" name a planted slowdown? Base and
 * head are the same small program except that head's `checksum` helper, two calls below
 * the benchmarked code (handle → validate → checksum), does a quarter more work, about
 * +10 % per operation. Each run profiles both sides exactly as an A/B run does after a
 * regression (two profiled trials per side, interleaved, real processes) and checks
 * whether `checksum` is the top entry; for a function benchmark and for an HTTP endpoint
 * of a Node server.
 *
 * As in an A/B run, a few measured pairs come first (interleaved, as the scheduler runs
 * them): their CPU time per unit (base's median, head as base × the median per-pair ratio,
 * as the run use case takes it) scales each side's profile, which says how it divides
 * between functions. The profiled HTTP trials are interleaved pairs too (the default).
 *
 * Progress goes to stderr, a Markdown table to stdout. Options: --runs N (10), --measured N
 * (measured pairs per run, 5), --kinds LIST (function,http),
 * --time-ms N (function sampling time per profiled trial, 500), --load-ms N (HTTP load per
 * profiled trial, 1000).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { pairedPerUnit, profileBenchmarks, trialPerUnit } from '../src/app/profile.js'
import type { BenchmarkConfig } from '../src/config/types.js'
import { createProcessTrialRunner } from '../src/runners/index.js'
import { createProcessProfileRunner } from '../src/runners/profile.js'
import type { TrialOutcome } from '../src/runners/types.js'
import { median } from '../src/stats/quantile.js'
import { integerOption, runBench } from './common.js'

const COMPARE = { gate: [], threshold: 0.05, alpha: 0.05 }

/** The program: `factor` scales checksum's work (1 on base, 1.25 on head). */
function program(factor: number): string {
  return `
export function parseRecord(n) {
  let s = 0
  for (let i = 0; i < n; i++) s += (i * 7) % 13
  return s
}

export function checksum(n) {
  let s = 0
  const m = Math.round(n * ${factor})
  for (let i = 0; i < m; i++) s = (s + Math.sqrt(i)) % 1e9
  return s
}

export function validate(n) {
  return checksum(n) > -1
}

export function handle() {
  return parseRecord(6000) + (validate(600) ? 1 : 0)
}
`
}

const BENCH = `import { bench } from 'perfgate'
import { handle } from './work.js'
bench('handle', () => handle())
`

// A request does eight operations' work, so the application, not HTTP, is most of it.
const SERVER = `import http from 'node:http'
import { handle } from './work.js'
function work() {
  let s = 0
  for (let i = 0; i < 8; i++) s += handle()
  return String(s)
}
http
  .createServer((req, res) => res.end(req.url === '/work' ? work() : 'ok'))
  .listen(Number(process.env.PORT), '127.0.0.1')
`

function side(root: string, name: 'base' | 'head'): string {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(path.join(dir, 'work.js'), program(name === 'base' ? 1 : 1.25))
  writeFileSync(path.join(dir, 'handle.bench.js'), BENCH)
  writeFileSync(path.join(dir, 'server.js'), SERVER)
  return dir
}

function functionBenchmark(dir: string, timeMs: number): BenchmarkConfig {
  return {
    name: 'handle',
    kind: 'function',
    spec: {
      kind: 'function',
      file: path.join(dir, 'handle.bench.js'),
      bench: undefined,
      timeMs,
      warmupMs: 200,
      interleave: true
    },
    trials: 1,
    timeoutMs: 60_000,
    budgets: [],
    targets: [],
    compare: COMPARE
  }
}

function httpBenchmark(dir: string, loadMs: number): BenchmarkConfig {
  return {
    name: 'GET /work',
    kind: 'http',
    spec: {
      kind: 'http',
      server: {
        command: 'node server.js',
        cwd: dir,
        env: {},
        readyUrl: 'http://127.0.0.1:{port}/health',
        readyTimeoutMs: 10_000,
        restart: 'per-trial'
      },
      requests: [
        {
          url: 'http://127.0.0.1:{port}/work',
          method: 'GET',
          headers: {},
          body: undefined,
          weight: 1
        }
      ],
      load: {
        connections: 4,
        durationMs: loadMs,
        warmupMs: 300,
        pipelining: 1,
        rate: undefined,
        timeoutMs: 5000,
        interleave: true,
        pin: true
      }
    },
    trials: 1,
    timeoutMs: 60_000,
    budgets: [],
    targets: [],
    compare: COMPARE
  }
}

interface Tally {
  top: number
  runs: number
  seconds: number[]
  cpuRatio: number[]
  tops: Map<string, number>
}

runBench('bench:profile', async () => {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      'time-ms': { type: 'string', default: '500' },
      'load-ms': { type: 'string', default: '1000' },
      measured: { type: 'string', default: '5' },
      kinds: { type: 'string', default: 'function,http' }
    }
  })
  const runs = integerOption('runs', values.runs, 1)
  const timeMs = integerOption('time-ms', values['time-ms'], 50)
  const loadMs = integerOption('load-ms', values['load-ms'], 100)
  const root = mkdtempSync(path.join(tmpdir(), 'perfgate-bench-profile-'))
  const baseDir = side(root, 'base')
  const headDir = side(root, 'head')
  const runner = createProcessProfileRunner()
  const trials = createProcessTrialRunner()
  const measuredTrials = integerOption('measured', values.measured, 1)
  const allKinds = [
    ['function', (dir: string) => functionBenchmark(dir, timeMs)],
    ['http', (dir: string) => httpBenchmark(dir, loadMs)]
  ] as const
  const wanted = values.kinds.split(',')
  for (const kind of wanted) {
    if (!allKinds.some(([k]) => k === kind)) {
      throw new Error(`--kinds: expected function and/or http, got ${JSON.stringify(kind)}`)
    }
  }
  const kinds = allKinds.filter(([kind]) => wanted.includes(kind))
  const tallies = new Map<string, Tally>()
  for (let run = 1; run <= runs; run++) {
    for (const [kind, make] of kinds) {
      const tally: Tally = tallies.get(kind) ?? {
        top: 0,
        runs: 0,
        seconds: [],
        cpuRatio: [],
        tops: new Map<string, number>()
      }
      tallies.set(kind, tally)
      const started = performance.now()
      // As in an A/B run: measured trials first (their paired CPU per unit scales the profiles).
      const perUnit = { base: 0, head: 0 }
      const values = { base: [] as number[], head: [] as number[] }
      const pair = { base: make(baseDir), head: make(headDir) }
      for (let i = 0; i < measuredTrials; i++) {
        // In pairs, the order alternating; measured together where the runner can (an
        // interleaved pair), else one trial after the other, as the paired scheduler does.
        const order = i % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)
        const both = await trials.runPair?.(pair, order[0], i)
        for (const s of order) {
          const outcome: TrialOutcome = both ? both[s] : await trials.runTrial(pair[s], i)
          if (!outcome.ok) throw new Error(`${kind} ${s}: ${outcome.message}`)
          // CPU time per unit of one trial, as the run use case reads it from its trials.
          const perTrial = trialPerUnit(kind, outcome.metrics)
          if (perTrial === undefined) throw new Error(`${kind} ${s}: no CPU time per unit`)
          values[s].push(perTrial)
        }
        await trials.release?.(pair.base)
        await trials.release?.(pair.head)
      }
      // As the run use case does: head = base × the median per-pair ratio.
      Object.assign(perUnit, pairedPerUnit(values.base, values.head))
      const [profile] = await profileBenchmarks(
        [make(headDir).name],
        {
          pairs: [{ head: make(headDir), base: make(baseDir) }],
          headRoot: headDir,
          baseRoot: baseDir,
          measured: new Map([[make(headDir).name, perUnit]])
        },
        { runner, log: { write: () => true } }
      )
      const seconds = (performance.now() - started) / 1000
      tally.runs++
      tally.seconds.push(seconds)
      if (profile?.status !== 'profiled') {
        process.stderr.write(
          `${kind} run ${run}: no profile: ${profile?.status === 'unavailable' ? profile.message : '?'}\n`
        )
        continue
      }
      const first = profile.diff.grew[0]
      const name = first ? `${first.name}${first.file ? ` (${first.file})` : ''}` : '(nothing grew)'
      tally.tops.set(name, (tally.tops.get(name) ?? 0) + 1)
      if (first?.name === 'checksum') tally.top++
      tally.cpuRatio.push(profile.diff.headCpu / profile.diff.baseCpu)
      // The first three entries, base → head µs per unit: what outranked the helper on a miss.
      const top3 = profile.diff.grew
        .slice(0, 3)
        .map((f) => `${f.name} ${f.base.toFixed(1)}→${f.head.toFixed(1)}`)
        .join(', ')
      process.stderr.write(
        `${kind} run ${run}: top ${name}, CPU per unit ×${(profile.diff.headCpu / profile.diff.baseCpu).toFixed(3)}, ${seconds.toFixed(1)} s (${top3})\n`
      )
    }
  }
  process.stdout.write(
    markdownTable([
      [
        'benchmark',
        'checksum top entry',
        'top entries seen',
        'head/base CPU per unit (median)',
        'seconds per run (median)'
      ],
      ...[...tallies].map(([kind, t]) => [
        kind,
        `${t.top} of ${t.runs}`,
        [...t.tops].map(([n, c]) => `${n} ×${c}`).join(', '),
        t.cpuRatio.length > 0 ? `×${median(t.cpuRatio).toFixed(3)}` : '–',
        median(t.seconds).toFixed(1)
      ])
    ]) + '\n'
  )
})
