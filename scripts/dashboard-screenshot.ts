/**
 * Writes docs/history-dashboard.png: the history dashboard (`perfgate history --html`) of a
 * simulated history of main — 40 commits of two of the example suite's function benchmarks,
 * 10 trials each with 2 % noise between trials and 1.5 % between runs: "parse orders CSV"
 * steps +8 % at commit 25, "revenue by customer" drifts +1 % per commit over commits 10–25 —
 * rendered by perfgate's own code and drawn by headless Chromium (/usr/bin/chromium).
 *
 *     node --import tsx scripts/dashboard-screenshot.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { historyOf } from '../src/app/history.js'
import { loadChartLibrary } from '../src/history/chart-library.js'
import { renderHistoryHtml } from '../src/report/history-html.js'
import type { BenchmarkResult, Results, TrialResult } from '../src/results/types.js'
import { createRandom, type Random } from '../src/stats/random.js'
import { simulatedBenchmark, simulatedResults } from '../bench/simulated-results.js'

const OUT = fileURLToPath(new URL('../docs/history-dashboard.png', import.meta.url))

function benchmark(random: Random, name: string, level: number): BenchmarkResult {
  const run = Math.exp(0.015 * random.normal())
  const trials: TrialResult[] = Array.from({ length: 10 }, () => {
    const p50 = level * run * Math.exp(0.02 * random.normal())
    return {
      metrics: {
        p50,
        p95: p50 * 1.3,
        ops: 1000 / p50,
        heap: 250_000 * Math.exp(0.05 * random.normal())
      },
      durationMs: 400
    }
  })
  return simulatedBenchmark(name, trials)
}

function results(random: Random, i: number): Results {
  const commit = createRandom(1000 + i)
    .next()
    .toString(16)
    .slice(2)
    .padEnd(40, '7')
    .slice(0, 40)
  return simulatedResults(
    commit,
    new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
    i,
    [
      benchmark(random, 'parse orders CSV', 0.84 * (i >= 25 ? 1.08 : 1)),
      benchmark(random, 'revenue by customer', 0.12 * 1.01 ** Math.min(15, Math.max(0, i - 10)))
    ]
  )
}

async function main(): Promise<void> {
  const random = createRandom(7)
  const entries = Array.from({ length: 40 }, (_, i) => {
    const r = results(random, i)
    return { commit: r.environment.git!.commit, results: r }
  })
  const report = historyOf(entries)
  const shown = (metric: string) => metric === 'p50' || metric === 'ops'
  const html = renderHistoryHtml(
    {
      series: report.series.filter((s) => shown(s.metric)),
      changePoints: report.changePoints.filter((c) => shown(c.metric))
    },
    { library: loadChartLibrary(), generatedAt: '2026-11-27T12:00:00Z' }
  )
  const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-screenshot-'))
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    viewport: { width: 1000, height: 900 }
  })
  try {
    const file = path.join(dir, 'index.html')
    writeFileSync(file, html)
    const page = await context.newPage()
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-ready]')
    await page.screenshot({ path: OUT, fullPage: true })
    process.stdout.write(`${OUT}: ${report.changePoints.length} change points\n`)
  } finally {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
