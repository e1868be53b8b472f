/**
 * Writes docs/report-*.png: the PR comment as a reader sees it on GitHub — perfgate's own
 * markdown renderer on scripted results (no measuring), turned into HTML by a renderer of
 * GitHub's flavour (marked, GFM) with GitHub's markdown stylesheet (github-markdown-css),
 * drawn by headless Chromium (/usr/bin/chromium) at the width of a PR comment. Collapsed
 * sections stay collapsed, as GitHub shows them.
 *
 *     npm run docs:screenshots
 *
 * Four pictures: a regression (with "Where the time went"), a run that ends inconclusive, a
 * run with an errored benchmark, and the profile section of an HTTP and a function
 * benchmark.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { marked } from 'marked'
import { chromium } from 'playwright-core'
import { compareResults } from '../src/compare/compare.js'
import type { FunctionChange } from '../src/profile/diff.js'
import type { BenchmarkProfile } from '../src/profile/types.js'
import { renderMarkdownReport } from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import { profileSections, renderProfileMarkdown, withProfiles } from '../src/report/profile.js'
import type { BenchmarkResult, Results } from '../src/results/types.js'
import { BASE, benchResult, NOISE, WILD } from '../__fixtures__/results/comparison.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url))
/** The width of a comment's body in a pull request's conversation on a desktop screen. */
const COMMENT_WIDTH = 780
const VERSION = '0.1.0'

const scaled = (factor: number, noise = NOISE) => BASE.map((v, i) => v * factor + noise[i]!)

/** Head and base judged as a paired A/B run, as `perfgate run --base` leaves them. */
function judged(head: BenchmarkResult[], base: BenchmarkResult[]): Results {
  const comparison = compareResults({
    mode: 'paired',
    head,
    base,
    compare: SAMPLE_RESULTS.compare
  })
  return {
    ...SAMPLE_RESULTS,
    benchmarks: head,
    base: {
      source: 'the merge-base with main (e4f5a6b)',
      environment: SAMPLE_RESULTS.environment,
      benchmarks: base,
      dependencies: 'setup `npm ci`'
    },
    comparison
  }
}

const baseOf = (head: BenchmarkResult[]) =>
  head.map((h) => benchResult(h.name, h.trials.length === 1 ? [100] : BASE, undefined))

const change = (over: Partial<FunctionChange> & { name: string }): FunctionChange => ({
  key: `code:${over.name}`,
  kind: 'code',
  base: 1,
  head: 2,
  delta: 1,
  share: 0.5,
  isNew: false,
  ...over
})

/** What profiling a function and an HTTP benchmark found, and one it could not profile. */
const PROFILES: BenchmarkProfile[] = [
  {
    benchmark: 'parse orders CSV',
    status: 'profiled',
    trials: { base: 2, head: 2 },
    diff: {
      unit: 'op',
      baseCpu: 98.6,
      headCpu: 112.4,
      baseSamples: 4100,
      headSamples: 4300,
      grew: [
        change({
          name: 'splitFields',
          file: 'src/orders.js',
          line: 14,
          base: 31.2,
          head: 40.9,
          delta: 9.7,
          share: 0.7
        }),
        change({
          name: 'normalizeDate',
          file: 'src/dates.js',
          line: 3,
          base: 0,
          head: 2.4,
          delta: 2.4,
          share: 0.17,
          isNew: true
        }),
        change({
          key: 'dep:decimal.js',
          name: 'decimal.js',
          kind: 'dependency',
          base: 6.1,
          head: 6.9,
          delta: 0.8,
          share: 0.06
        })
      ]
    },
    files: {
      base: ['/out/profiles/parse-orders-csv/base-1.cpuprofile'],
      head: ['/out/profiles/parse-orders-csv/head-1.cpuprofile'],
      flameGraph: '/out/profiles/parse-orders-csv/flamegraph.html'
    }
  },
  {
    benchmark: 'GET /customers/top',
    status: 'profiled',
    trials: { base: 2, head: 2 },
    diff: {
      unit: 'request',
      baseCpu: 1210,
      headCpu: 1395,
      baseSamples: 9000,
      headSamples: 9800,
      node: { base: 61, head: 70.2 },
      grew: [
        change({
          name: 'topCustomers',
          file: 'src/report.js',
          line: 41,
          base: 402,
          head: 541,
          delta: 139,
          share: 0.75
        }),
        change({
          key: 'vm:(garbage collector)',
          name: '(garbage collector)',
          kind: 'vm',
          base: 88,
          head: 104,
          delta: 16,
          share: 0.09
        }),
        change({
          key: 'dep:fastify',
          name: 'fastify',
          kind: 'dependency',
          base: 57,
          head: 63,
          delta: 6,
          share: 0.03
        })
      ]
    },
    files: {
      base: ['/out/profiles/get-customers-top/base-1.cpuprofile'],
      head: ['/out/profiles/get-customers-top/head-1.cpuprofile'],
      flameGraph: '/out/profiles/get-customers-top/flamegraph.html'
    }
  },
  {
    benchmark: 'report CLI (20k orders)',
    status: 'unavailable',
    message: 'the command wrote no CPU profile: it does not run on Node (or ignores NODE_OPTIONS)'
  }
]

const shownDir = (dir: string) => dir.replace('/out/', 'perfgate-output/')

/** A regression past its budget, an improvement, an inconclusive and an unchanged benchmark. */
function regression(): string {
  const head = [
    benchResult('parse orders CSV', scaled(1.137), 'decided', {
      settings: {
        compare: { gate: ['p50'], threshold: 0.05, alpha: 0.05 },
        budgets: [{ metric: 'p50', comparator: '<=', limit: 0.11, source: '110us' }],
        targets: []
      }
    }),
    benchResult('revenue by customer', scaled(0.84), 'decided'),
    benchResult('GET /customers/top', scaled(1.02, WILD), 'max-pairs'),
    benchResult('report CLI (20k orders)', scaled(1.004), 'decided')
  ]
  const results = judged(head, baseOf(head))
  const model = withProfiles(
    buildReport(results, results.comparison!),
    profileSections(PROFILES.slice(0, 1), shownDir)
  )
  return renderMarkdownReport(model, { version: VERSION })
}

/** Nothing failed, but three gated tests could not decide, for three reasons. */
function inconclusive(): string {
  const head = [
    benchResult('parse orders CSV', scaled(1.004), 'decided'),
    benchResult('GET /customers/top', scaled(1.02, WILD), 'max-pairs'),
    benchResult('POST /orders/parse', scaled(1.03, WILD), 'time-budget'),
    benchResult('report CLI (20k orders)', [100], 'time-budget')
  ]
  const results = judged(head, baseOf(head))
  return renderMarkdownReport(buildReport(results, results.comparison!), { version: VERSION })
}

/** One benchmark threw on head; the other was measured and compared. */
function errored(): string {
  const failing = {
    ...benchResult('parse orders CSV', [100, 100], 'errored'),
    state: 'errored' as const,
    error: {
      message: 'trial 3 threw: TypeError: Cannot read properties of undefined (reading "trim")',
      detail: [
        'TypeError: Cannot read properties of undefined (reading "trim")',
        '    at splitFields (src/orders.js:16:24)',
        '    at parseCsv (src/orders.js:31:18)',
        '    at bench/parse.bench.js:7:27'
      ].join('\n'),
      trial: 2
    }
  }
  const head = [
    benchResult('revenue by customer', scaled(1.003), 'decided'),
    failing as BenchmarkResult
  ]
  const results = judged(head, [
    benchResult('revenue by customer', BASE, undefined),
    benchResult('parse orders CSV', [100, 100], undefined)
  ])
  return renderMarkdownReport(buildReport(results, results.comparison!), { version: VERSION })
}

/** "Where the time went" for a function, an HTTP endpoint and a command not on Node. */
function profile(): string {
  return renderProfileMarkdown(profileSections(PROFILES, shownDir)).join('\n')
}

/** The markdown as GitHub draws a comment: GFM to HTML, GitHub's stylesheet, a comment box. */
function page(markdown: string): string {
  const require = createRequire(import.meta.url)
  const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
  const body = marked.parse(markdown, { gfm: true, async: false })
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>${css}
body { margin: 0; padding: 16px; background: #fff; }
.comment { width: ${COMMENT_WIDTH}px; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
  border-radius: 6px 6px 0 0; font: 14px -apple-system, "Segoe UI", sans-serif; color: #59636e; }
.markdown-body { padding: 16px; }
</style></head>
<body><div class="comment"><div class="comment-header"><b>github-actions</b> bot commented</div>
<article class="markdown-body">${body}</article></div></body></html>`
}

const SHOTS: Record<string, () => string> = {
  'report-regression.png': regression,
  'report-inconclusive.png': inconclusive,
  'report-errored.png': errored,
  'report-profile.png': profile
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-report-shots-'))
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ],
    viewport: { width: COMMENT_WIDTH + 32, height: 600 }
  })
  try {
    const browserPage = await context.newPage()
    for (const [name, render] of Object.entries(SHOTS)) {
      const file = path.join(dir, `${name}.html`)
      writeFileSync(file, page(render()))
      await browserPage.goto(pathToFileURL(file).href)
      const out = path.join(DOCS, name)
      await browserPage.locator('.comment').screenshot({ path: out })
      process.stdout.write(`${path.relative(process.cwd(), out)}\n`)
      // GitHub scrolls a table wider than the comment sideways: the last columns go unseen.
      const overflow = await browserPage.$$eval('.markdown-body table', (tables) =>
        tables.map((t) => t.scrollWidth - t.clientWidth).filter((px) => px > 0)
      )
      for (const px of overflow)
        process.stdout.write(`  a table is ${px}px wider than the comment\n`)
    }
  } finally {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
