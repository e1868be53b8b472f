/**
 * `npm run bench:history-scale`: how the time and memory of `perfgate history --dir` grow
 * with the number of stored commits. For each size it writes a directory of simulated
 * results files (2 function benchmarks × 5 trials each; one +10 % step halfway, a
 * temporary +20 % regression of 30 commits at three quarters, 2 % noise between commits),
 * then reads and analyses it in a fresh Node process with `perfgate history`'s own code
 * (readResultsDir + historyOf), so the peak memory (the child's maximum resident set) is
 * that of the history alone.
 *
 * Options: --sizes 1000,5000,10000,20000 (commits per directory), --seed S (1). Prints a
 * Markdown table: commits, read + analyse time, peak RSS, change points found.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { markdownTable } from 'markdown-table'
import { integerOption, runBench } from './common.js'
import { simulatedBenchmark, simulatedResults } from './simulated-results.js'
import { historyOf } from '../src/app/history.js'
import { readResultsDir } from '../src/history/read-dir.js'
import { serializeResults } from '../src/results/format.js'
import type { BenchmarkResult, TrialResult } from '../src/results/types.js'
import { createRandom, type Random } from '../src/stats/random.js'

const BENCHMARKS = 2
const TRIALS = 5

function level(i: number, n: number): number {
  let value = i >= n / 2 ? 1.1 : 1
  if (i >= (3 * n) / 4 && i < (3 * n) / 4 + 30) value *= 1.2
  return value
}

function writeHistory(dir: string, n: number, random: Random): void {
  for (let i = 0; i < n; i++) {
    const commitNoise = Math.exp(0.02 * random.normal())
    const benchmarks: BenchmarkResult[] = Array.from({ length: BENCHMARKS }, (_, b) => {
      const trials: TrialResult[] = Array.from({ length: TRIALS }, () => {
        const p50 = (b + 1) * level(i, n) * commitNoise * Math.exp(0.01 * random.normal())
        return {
          metrics: { p50, p95: p50 * 1.4, p99: p50 * 1.8, mean: p50 * 1.05, ops: 1000 / p50 },
          durationMs: 400
        }
      })
      return simulatedBenchmark(`benchmark ${b}`, trials)
    })
    const commit = (i + 1).toString(16).padStart(40, '0')
    const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()
    writeFileSync(
      path.join(dir, `${String(i).padStart(6, '0')}.json`),
      serializeResults(simulatedResults(commit, createdAt, i, benchmarks))
    )
  }
}

/** In the child: read and analyse `dir`, print what it cost as one JSON line. */
function measure(dir: string): void {
  const started = performance.now()
  const entries = readResultsDir(dir, { onWarning: (m) => process.stderr.write(`${m}\n`) })
  const report = historyOf(entries)
  const ms = performance.now() - started
  process.stdout.write(
    JSON.stringify({
      ms,
      maxRssKiB: process.resourceUsage().maxRSS,
      commits: entries.length,
      series: report.series.length,
      changePoints: report.changePoints.length
    }) + '\n'
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: 'string' }, seed: { type: 'string' }, read: { type: 'string' } },
    strict: true
  })
  if (values.read !== undefined) return measure(values.read)
  const sizes = (values.sizes ?? '1000,5000,10000,20000')
    .split(',')
    .map((size) => integerOption('sizes', size, 10))
  const seed = integerOption('seed', values.seed ?? '1', 0)
  const out = (text: string) => process.stdout.write(text + '\n')
  out(`# History at scale (seed ${seed}; ${BENCHMARKS} benchmarks × ${TRIALS} trials per commit)`)
  out(`Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}\n`)
  const rows = [['commits', 'read + analyse', 'per 1,000 commits', 'peak RSS', 'change points']]
  for (const n of sizes) {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-bench-history-scale-'))
    try {
      writeHistory(dir, n, createRandom(seed))
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--read', dir],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
      )
      if (child.status !== 0) throw new Error(`reading ${n} commits failed: ${child.stderr}`)
      const figures = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
        ms: number
        maxRssKiB: number
        changePoints: number
      }
      rows.push([
        String(n),
        `${(figures.ms / 1000).toFixed(2)} s`,
        `${((figures.ms / n) * 1000).toFixed(0)} ms`,
        `${(figures.maxRssKiB / 1024).toFixed(0)} MiB`,
        String(figures.changePoints)
      ])
      process.stderr.write(`${n} commits: ${(figures.ms / 1000).toFixed(2)} s\n`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  out(markdownTable(rows, { align: ['r', 'r', 'r', 'r', 'r'] }))
}

runBench('bench:history-scale', main)
