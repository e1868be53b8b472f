/**
 * `npm run bench:data-branch -- --example <results.json>`: what the data branch costs as
 * main's history grows — the bytes one stored commit adds, and the time to fetch the branch
 * after many stored commits — for two suites:
 *
 * - the example suite (examples/perfgate.yml): the results file of a real run of it, given
 *   with `--example` (`npm run example -- --out <file>` writes one);
 * - ten HTTP endpoints: the example's first HTTP benchmark as a template, ten of them with
 *   their own names, 10 trials each (the default).
 *
 * Each stored commit gets its own results: every metric and numeric detail of every trial
 * scaled by lognormal noise (CV 3 %), each HTTP trial's HDR histogram recorded anew from
 * as many lognormal latencies as the trial had responses (so histograms differ from commit
 * to commit as real ones do and git cannot delta them away), summaries recomputed.
 *
 * The branch is built as the store builds it — `index.json` (schemaVersion 2, one entry
 * per commit, rewritten each time) and `results/<sha>.json` — with `git fast-import` in a
 * scratch bare repository, one data-branch commit per stored commit, then repacked as a
 * server does (`git repack -adf`, git's default delta window). Measured per variant of
 * the stored file:
 *
 * - `stored`: what the store writes (storedText: the results without HTTP trials'
 *   histograms, JSON with 2-space indent);
 * - `pretty`: the whole results file as `perfgate run` writes it (serializeResults), which
 *   the store wrote before;
 * - `compact`: JSON without whitespace;
 * - `gzip`: the pretty text gzip-compressed (a `.json.gz` file);
 * - `stored+dashboard`: `stored`, plus what the action writes after storing on a push: a
 *   second data-branch commit with the history dashboard (`index.html`, rendered from the
 *   history so far: the charting library inlined, every commit's points). Rendering the
 *   history at each commit makes this variant slow beyond a few hundred commits;
 *
 * the size of one results file, the packed branch per stored commit (all N, and the last
 * 10 % alone: the marginal growth), the time to fetch the whole branch into an empty
 * repository (what a job with no copy of it does: median of 3), and the bytes and time of
 * fetching one more stored commit into a copy that has the rest (what a later job does).
 *
 * Options: --example FILE (required), --commits N (1000), --seed S (1), --variants
 * stored,pretty,compact,gzip,stored+dashboard (all). Tables (Markdown) go to stdout.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import { markdownTable } from 'markdown-table'
import { integerOption, runBench } from './common.js'
import { parseResults, serializeResults } from '../src/results/format.js'
import { historyOf } from '../src/app/history.js'
import { loadChartLibrary } from '../src/history/chart-library.js'
import type { HistoryEntry } from '../src/history/series.js'
import { renderHistoryHtml } from '../src/report/history-html.js'
import { storedText } from '../src/store/branch-store.js'
import { summarizeTrials } from '../src/results/summary.js'
import type { BenchmarkResult, Results, TrialResult } from '../src/results/types.js'
import { createRandom, type Random } from '../src/stats/random.js'

type Variant = 'stored' | 'pretty' | 'compact' | 'gzip' | 'stored+dashboard'
const VARIANTS: Variant[] = ['stored', 'pretty', 'compact', 'gzip', 'stored+dashboard']
const CV = 0.03

function git(cwd: string, args: string[], input?: string | Buffer) {
  const run = spawnSync('git', args, {
    cwd,
    input,
    maxBuffer: 1 << 30,
    env: { ...process.env, LC_ALL: 'C' }
  })
  if (run.status !== 0) {
    throw new Error(`git ${args.join(' ')}: ${run.stderr?.toString() ?? run.error?.message}`)
  }
  return run.stdout.toString().trim()
}

/** A fake but well-formed commit sha for stored commit `i`. */
const sha = (i: number) => (0x10000000 + i).toString(16).repeat(5)

/** The histogram of `count` latencies (ms) around `p50`, encoded as the load runner does. */
function histogram(random: Random, p50: number, count: number): string {
  const h = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3
  })
  for (let i = 0; i < count; i++) {
    h.recordValue(Math.max(1, Math.round(p50 * 1000 * Math.exp(0.4 * random.normal()))))
  }
  const text = encodeIntoCompressedBase64(h)
  h.destroy()
  return text
}

function noisyTrial(random: Random, trial: TrialResult): TrialResult {
  const scale = (v: number) => {
    const x = v * Math.exp(CV * random.normal())
    return Number.isInteger(v) ? Math.round(x) : x
  }
  const metrics: Record<string, number> = {}
  for (const [k, v] of Object.entries(trial.metrics)) metrics[k] = scale(v!)
  const details: Record<string, number | boolean | string> = {}
  for (const [k, v] of Object.entries(trial.details ?? {})) {
    details[k] = typeof v === 'number' ? scale(v) : v
  }
  if (typeof details.histogram === 'string') {
    const count = typeof details.responses === 'number' ? details.responses : 1000
    details.histogram = histogram(random, metrics.p50 ?? 10, count)
  }
  return { metrics, durationMs: scale(trial.durationMs), details }
}

/** Results of stored commit `i`: the template with noisy trials, summaries recomputed. */
function resultsOf(random: Random, template: Results, i: number): Results {
  const commit = sha(i)
  const benchmarks = template.benchmarks.map((b) => {
    const trials = b.trials.map((t) => noisyTrial(random, t))
    return { ...b, trials, summary: summarizeTrials(trials) } as BenchmarkResult
  })
  const git = template.environment.git
  return {
    ...template,
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    environment: { ...template.environment, ...(git ? { git: { ...git, commit } } : {}) },
    benchmarks
  }
}

/** Ten HTTP endpoints, 10 trials each, from the template's first HTTP benchmark. */
function httpSuite(example: Results): Results {
  const http = example.benchmarks.find((b) => b.kind === 'http')
  if (!http) throw new Error('the example results hold no HTTP benchmark')
  const trials = Array.from({ length: 10 }, (_, i) => http.trials[i % http.trials.length]!)
  const benchmarks = Array.from({ length: 10 }, (_, i) => ({
    ...http,
    name: `GET /api/v1/resource-${i + 1}`,
    trials
  })) as BenchmarkResult[]
  const { comparison: _comparison, ...rest } = example
  return { ...rest, benchmarks }
}

function fileOf(variant: Variant, results: Results): { name: string; data: Buffer } {
  const commit = results.environment.git?.commit ?? ''
  if (variant === 'stored' || variant === 'stored+dashboard') {
    return { name: `results/${commit}.json`, data: Buffer.from(storedText(results)) }
  }
  const pretty = serializeResults(results)
  if (variant === 'gzip') {
    return { name: `results/${commit}.json.gz`, data: gzipSync(pretty, { level: 9 }) }
  }
  const text = variant === 'pretty' ? pretty : JSON.stringify(results)
  return { name: `results/${commit}.json`, data: Buffer.from(text) }
}

interface Measured {
  readonly fileBytes: number
  /** The newest dashboard page (stored+dashboard). */
  readonly pageBytes: number | undefined
  readonly packPerCommit: number
  readonly marginalPerCommit: number
  readonly cloneMs: number
  readonly fetchOneBytes: number
  readonly fetchOneMs: number
  readonly packBytes: number
}

function packBytes(repo: string): number {
  const counted = git(repo, ['count-objects', '-v'])
  const kib = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(counted)![1])
  return (kib('size-pack') + kib('size')) * 1024
}

/** fast-import stream of stored commits `from`..`to` (exclusive), each its own commit. */
function stream(
  files: { name: string; data: Buffer; entry: object; page?: Buffer }[],
  entries: object[],
  from: number,
  parent: boolean
): Buffer {
  const parts: Buffer[] = []
  const text = (s: string) => parts.push(Buffer.from(s))
  files.forEach((file, k) => {
    entries.push(file.entry)
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, tool: 'perfgate', entries }, null, 2) + '\n'
    )
    const message = `perfgate: results of ${(file.entry as { commit: string }).commit.slice(0, 7)}`
    text(`commit refs/heads/perfgate-data\n`)
    text(`committer perfgate <perfgate@users.noreply.github.com> ${1767225600 + from + k} +0000\n`)
    text(`data ${Buffer.byteLength(message)}\n${message}\n`)
    if (k === 0 && parent) text('from refs/heads/perfgate-data^0\n')
    text(`M 100644 inline ${file.name}\ndata ${file.data.length}\n`)
    parts.push(file.data)
    text(`\nM 100644 inline index.json\ndata ${index.length}\n`)
    parts.push(index)
    text('\n')
    if (file.page) {
      // The action's second commit of a push: the dashboard, rendered from the history.
      const note = 'perfgate: update the history dashboard'
      text(`commit refs/heads/perfgate-data\n`)
      text(
        `committer perfgate <perfgate@users.noreply.github.com> ${1767225600 + from + k} +0000\n`
      )
      text(`data ${Buffer.byteLength(note)}\n${note}\n`)
      text(`M 100644 inline index.html\ndata ${file.page.length}\n`)
      parts.push(file.page)
      text('\n')
    }
  })
  return Buffer.concat(parts)
}

function timed(run: () => void): number {
  const start = process.hrtime.bigint()
  run()
  return Number(process.hrtime.bigint() - start) / 1e6
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function measure(template: Results, variant: Variant, commits: number, seed: number): Measured {
  const random = createRandom(seed)
  const top = mkdtempSync(path.join(tmpdir(), 'perfgate-data-branch-'))
  try {
    const repo = path.join(top, 'origin.git')
    git(top, ['init', '--quiet', '--bare', repo])
    const entries: object[] = []
    const fileBytes: number[] = []
    const pageBytes: number[] = []
    const history: HistoryEntry[] = []
    const library = variant === 'stored+dashboard' ? loadChartLibrary() : undefined
    const make = (i: number) => {
      const results = resultsOf(random, template, i)
      const file = fileOf(variant, results)
      fileBytes.push(file.data.length)
      let page: Buffer | undefined
      if (library) {
        history.push({ commit: sha(i), results })
        page = Buffer.from(
          renderHistoryHtml(historyOf(history), {
            library,
            commitUrl: 'https://example.invalid/o/r/commit/{commit}',
            generatedAt: results.createdAt
          })
        )
        pageBytes.push(page.length)
      }
      return {
        ...file,
        ...(page ? { page } : {}),
        entry: {
          commit: sha(i),
          file: file.name,
          createdAt: results.createdAt,
          branch: 'main',
          benchmarks: results.benchmarks.map((b) => b.name),
          committedAt: results.createdAt,
          ...(i > 0 ? { parent: sha(i - 1) } : {})
        }
      }
    }
    const cut = Math.floor(commits * 0.9)
    const batch = 100
    let sizeAtCut = 0
    for (let from = 0; from < commits;) {
      const to = Math.min(from < cut ? cut : commits, from + batch)
      const files = Array.from({ length: to - from }, (_, k) => make(from + k))
      git(repo, ['fast-import', '--quiet'], stream(files, entries, from, from > 0))
      if (to === cut) {
        git(repo, ['repack', '-adf', '-q'])
        sizeAtCut = packBytes(repo)
      }
      from = to
    }
    git(repo, ['repack', '-adf', '-q'])
    const total = packBytes(repo)
    const clones: number[] = []
    let clone = ''
    for (let k = 0; k < 3; k++) {
      clone = path.join(top, `clone-${k}`)
      git(top, ['init', '--quiet', '--bare', clone])
      clones.push(
        timed(() =>
          git(clone, [
            'fetch',
            '--quiet',
            '--no-tags',
            `file://${repo}`,
            '+refs/heads/perfgate-data:refs/perfgate/perfgate-data'
          ])
        )
      )
    }
    // One more stored commit, fetched into the last copy: what the next job fetches.
    const old = git(repo, ['rev-parse', 'perfgate-data'])
    git(repo, ['fast-import', '--quiet'], stream([make(commits)], entries, commits, true))
    const thin = spawnSync('git', ['pack-objects', '--revs', '--thin', '--stdout', '-q'], {
      cwd: repo,
      input: `perfgate-data\n^${old}\n`,
      maxBuffer: 1 << 30
    }).stdout.length
    const fetchOneMs = timed(() =>
      git(clone, [
        'fetch',
        '--quiet',
        '--no-tags',
        `file://${repo}`,
        '+refs/heads/perfgate-data:refs/perfgate/perfgate-data'
      ])
    )
    return {
      fileBytes: median(fileBytes),
      pageBytes: pageBytes.length > 0 ? pageBytes[pageBytes.length - 1] : undefined,
      packPerCommit: total / commits,
      marginalPerCommit: (total - sizeAtCut) / (commits - cut),
      packBytes: total,
      cloneMs: median(clones),
      fetchOneBytes: thin,
      fetchOneMs
    }
  } finally {
    rmSync(top, { recursive: true, force: true })
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      example: { type: 'string' },
      commits: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      variants: { type: 'string', default: VARIANTS.join(',') }
    }
  })
  const variants = values.variants!.split(',') as Variant[]
  for (const v of variants) {
    if (!VARIANTS.includes(v))
      throw new Error(`--variants: expected some of ${VARIANTS.join(', ')}, got ${v}`)
  }
  if (!values.example) {
    throw new Error('--example <results.json> is required (npm run example -- --out <file>)')
  }
  const commits = integerOption('commits', values.commits!, 20)
  const seed = integerOption('seed', values.seed!, 0)
  const example = parseResults(readFileSync(values.example, 'utf8'), values.example)
  const suites: [string, Results][] = [
    [`example suite (${example.benchmarks.length} benchmarks)`, example],
    ['10 HTTP endpoints × 10 trials', httpSuite(example)]
  ]
  const rows = [
    [
      'suite',
      'stored file',
      'file size',
      `packed, per commit (all ${commits})`,
      'packed, per commit (last 10 %)',
      `branch after ${commits}`,
      'fetch whole branch',
      'next commit: bytes',
      'next commit: fetch'
    ]
  ]
  for (const [name, template] of suites) {
    for (const variant of variants) {
      const m = measure(template, variant, commits, seed)
      rows.push([
        name,
        variant,
        kb(m.fileBytes) + (m.pageBytes !== undefined ? ` + page ${kb(m.pageBytes)}` : ''),
        kb(m.packPerCommit),
        kb(m.marginalPerCommit),
        mb(m.packBytes),
        `${Math.round(m.cloneMs)} ms`,
        kb(m.fetchOneBytes),
        `${Math.round(m.fetchOneMs)} ms`
      ])
      process.stderr.write(`${name}, ${variant}: done\n`)
    }
  }
  process.stdout.write(
    `Data branch after ${commits} stored commits (seed ${seed}, git ${git('.', ['--version']).replace('git version ', '')}):\n\n` +
      markdownTable(rows, { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] }) +
      '\n'
  )
}

runBench('bench:data-branch', main)
