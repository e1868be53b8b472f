// Series from stored results, and reading a directory of results files (real files, a real
// git repository for the first-parent order).
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { historyOf } from '../src/app/history.js'
import {
  HistoryError,
  readResultsDir,
  orderEntries,
  type ReadEntry
} from '../src/history/read-dir.js'
import { MAX_PAIRS } from '../src/config/defaults.js'
import { buildSeries } from '../src/history/series.js'
import { serializeResults } from '../src/results/format.js'
import { createRandom } from '../src/stats/random.js'
import { git } from './helpers/git-repos.js'
import { fakeSha, functionResult, hoursAfterStart, resultsOf } from './helpers/history.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { scratchDir } from './helpers/scratch.js'

const tempDir = () => scratchDir('perfgate-history-')

describe('buildSeries', () => {
  it('makes one series per benchmark x metric, each point with its trials and their median', () => {
    const random = createRandom(1)
    const entries = [0, 1, 2].map((i) => ({
      commit: fakeSha(i),
      results: resultsOf(fakeSha(i), hoursAfterStart(i), [
        functionResult('parse', 1 + i, 0.01, 5, random),
        ...(i === 1 ? [] : [functionResult('render', 2, 0.01, 3, random)])
      ])
    }))
    const series = buildSeries(entries)
    expect(series.map((s) => `${s.benchmark} ${s.metric} ${s.points.length}`)).toEqual([
      'parse p50 3',
      'parse p95 3',
      'parse ops 3',
      'parse heap 3',
      'parse memory 3',
      'render p50 2',
      'render p95 2',
      'render ops 2',
      'render heap 2',
      'render memory 2'
    ])
    const p50 = series[0]!
    expect(p50).toMatchObject({ kind: 'function', unit: 'duration', higherIsBetter: false })
    const trials = entries[2]!.results.benchmarks[0]!.trials.map((t) => t.metrics.p50!)
    expect(p50.points[2]).toEqual({
      commit: fakeSha(2),
      createdAt: hoursAfterStart(2),
      median: [...trials].sort((a, b) => a - b)[2],
      values: trials
    })
    expect(series[5]!.points.map((p) => p.commit)).toEqual([fakeSha(0), fakeSha(2)])
    expect(buildSeries(entries, { filter: /^ren/ }).map((s) => s.benchmark)).toEqual(
      new Array(5).fill('render')
    )
  })

  it('gives errored benchmarks no point', () => {
    const entries = [{ commit: fakeSha(0), results: SAMPLE_RESULTS }]
    expect(new Set(buildSeries(entries).map((s) => s.benchmark))).toEqual(
      new Set(['parse orders CSV', 'report CLI'])
    )
  })

  it('skips change-point tests on a series with values of 0 and says why', () => {
    const random = createRandom(2)
    const entries = Array.from({ length: 8 }, (_, i) => ({
      commit: fakeSha(i),
      results: resultsOf(fakeSha(i), hoursAfterStart(i), [functionResult('a', 1, 0.01, 3, random)])
    }))
    const report = historyOf(entries)
    expect(report.series.find((s) => s.metric === 'heap')!.skipped).toBe(
      'values of 0 or below: no ratio to test'
    )
    expect(report.series.find((s) => s.metric === 'p50')!.skipped).toBeUndefined()
  })
})

function entry(file: string, commit: string, hour: number): ReadEntry {
  return { file, commit, results: resultsOf(commit, hoursAfterStart(hour), []) }
}

describe('orderEntries', () => {
  it('orders along the history, skips commits off it and keeps the later of two measurements', () => {
    const warnings: string[] = []
    const history = [fakeSha(0), fakeSha(1), fakeSha(2)]
    const ordered = orderEntries(
      [
        entry('c.json', fakeSha(2), 0),
        entry('a.json', fakeSha(0), 5),
        entry('x.json', fakeSha(9), 1),
        entry('b1.json', fakeSha(1), 2),
        entry('b2.json', fakeSha(1), 3),
        entry('none.json', '', 4)
      ],
      history,
      (m) => warnings.push(m)
    )
    expect(ordered.map((e) => [e.commit, e.results.createdAt])).toEqual([
      [fakeSha(0), hoursAfterStart(5)],
      [fakeSha(1), hoursAfterStart(3)],
      [fakeSha(2), hoursAfterStart(0)]
    ])
    expect(warnings).toEqual([
      `x.json: skipped: commit ${fakeSha(9)} is not on the first-parent history`,
      'none.json: skipped: it records no git commit (environment.git.commit)',
      'b1.json: skipped: b2.json measured the same commit later'
    ])
  })

  it('falls back to createdAt, with a warning, when no file is on the history', () => {
    const warnings: string[] = []
    const ordered = orderEntries(
      [entry('b.json', fakeSha(1), 2), entry('a.json', fakeSha(0), 1)],
      [fakeSha(7)],
      (m) => warnings.push(m)
    )
    expect(ordered.map((e) => e.commit)).toEqual([fakeSha(0), fakeSha(1)])
    expect(warnings).toEqual([
      'none of the results files measured a commit of the first-parent history: ' +
        'ordered by when they were measured (createdAt) instead'
    ])
  })
})

describe('readResultsDir', () => {
  it('reads every results file, warns about each unusable one by name, orders by createdAt', () => {
    const dir = tempDir()
    const random = createRandom(3)
    for (const [i, hour] of [
      [0, 3],
      [1, 1],
      [2, 2]
    ] as const) {
      const results = resultsOf(fakeSha(i), hoursAfterStart(hour), [
        functionResult('a', 1, 0.01, 3, random)
      ])
      writeFileSync(path.join(dir, `r${i}.json`), serializeResults(results))
    }
    writeFileSync(path.join(dir, 'broken.json'), '{ "schemaVersion": 1,')
    writeFileSync(path.join(dir, 'other.json'), '{"name": "not perfgate"}')
    writeFileSync(path.join(dir, 'notes.txt'), 'not json')
    mkdirSync(path.join(dir, 'sub.json'))
    const warnings: string[] = []
    const entries = readResultsDir(dir, {
      onWarning: (m) => warnings.push(m),
      display: (f) => path.relative(dir, f)
    })
    expect(entries.map((e) => e.commit)).toEqual([fakeSha(1), fakeSha(2), fakeSha(0)])
    expect(warnings).toEqual([
      expect.stringMatching(/^skipped broken\.json: not valid JSON/),
      'skipped other.json: not a perfgate results file (expected "tool": { "name": "perfgate" })'
    ])
  })

  it('orders along the first-parent history of a real repository, not by createdAt', () => {
    const repo = tempDir()
    git(repo, 'init', '--quiet', '--initial-branch=main')
    const commits: string[] = []
    for (let i = 0; i < 4; i++) {
      writeFileSync(path.join(repo, 'f.txt'), `${i}\n`)
      git(repo, 'add', 'f.txt')
      git(repo, 'commit', '--quiet', '-m', `c${i}`)
      commits.push(git(repo, 'rev-parse', 'HEAD'))
    }
    // A side branch merged into main: its own commit is not on main's first-parent history.
    git(repo, 'checkout', '--quiet', '-b', 'side', commits[1]!)
    writeFileSync(path.join(repo, 'g.txt'), 'side\n')
    git(repo, 'add', 'g.txt')
    git(repo, 'commit', '--quiet', '-m', 'side')
    const side = git(repo, 'rev-parse', 'HEAD')
    git(repo, 'checkout', '--quiet', 'main')
    git(repo, 'merge', '--quiet', '--no-ff', '-m', 'merge side', 'side')
    const merge = git(repo, 'rev-parse', 'HEAD')

    const dir = tempDir()
    const hours = [4, 0, 3, 1, 2, 5]
    ;[...commits, side, merge].forEach((commit, i) =>
      writeFileSync(
        path.join(dir, `${i}.json`),
        serializeResults(resultsOf(commit, hoursAfterStart(hours[i]!), []))
      )
    )
    const warnings: string[] = []
    const entries = readResultsDir(dir, { repo, onWarning: (m) => warnings.push(m) })
    expect(entries.map((e) => e.commit)).toEqual([...commits, merge])
    expect(warnings).toEqual([
      `${path.join(dir, '4.json')}: skipped: commit ${side} is not on the first-parent history`
    ])
  })

  it('skips each odd file with one line naming it (and the field), and reads every good one', () => {
    const dir = tempDir()
    const outside = tempDir()
    const random = createRandom(4)
    const good = (i: number) =>
      resultsOf(fakeSha(i), hoursAfterStart(i), [functionResult('steady', 1, 0.01, 3, random)])
    for (let i = 0; i < 11; i++) {
      writeFileSync(path.join(dir, `good${i}.json`), serializeResults(good(i)))
    }
    // The file as any JSON a hand or a tool might have written.
    type Loose = {
      environment: { git: Record<string, unknown> }
      benchmarks: Record<string, unknown>[]
    }
    const odd = (name: string, change: (results: Loose) => void, i: number) => {
      const results = JSON.parse(serializeResults(good(i))) as Loose
      change(results)
      writeFileSync(path.join(dir, name), JSON.stringify(results))
    }
    odd('commit.json', (r) => (r.environment.git.commit = 42), 20)
    odd('name.json', (r) => (r.benchmarks[0]!.name = ['steady']), 21)
    // The newest file: a kind this perfgate does not know must not hide the older ones.
    odd('kind.json', (r) => (r.benchmarks[0]!.kind = 'gpu'), 22)
    odd(
      'trials.json',
      (r) =>
        (r.benchmarks[0]!.trials = Array.from({ length: MAX_PAIRS + 1 }, () => ({
          metrics: { p50: 1 },
          durationMs: 1
        }))),
      23
    )
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')])
    symlinkSync('/dev/zero', path.join(dir, 'zero.json'))
    writeFileSync(path.join(outside, 'elsewhere.json'), serializeResults(good(30)))
    symlinkSync(path.join(outside, 'elsewhere.json'), path.join(dir, 'out.json'))
    // A link to a file of the directory itself is read (as that file: one commit, kept once).
    symlinkSync('good0.json', path.join(dir, 'same.json'))
    const warnings: string[] = []
    const entries = readResultsDir(dir, {
      onWarning: (m) => warnings.push(m),
      display: (f) => path.relative(dir, f)
    })
    expect(entries.map((e) => e.commit)).toEqual(Array.from({ length: 11 }, (_, i) => fakeSha(i)))
    expect(historyOf(entries).series[0]!.points).toHaveLength(11)
    expect(warnings.sort()).toEqual([
      'fifo.json: skipped: not a regular file',
      'good0.json: skipped: same.json measured the same commit later',
      'out.json: skipped: a symbolic link to outside the directory',
      'skipped commit.json: corrupt results at environment.git.commit: must be string',
      'skipped kind.json: corrupt results at benchmarks.0.kind: must be equal to one of the allowed values ("function", "command", "http")',
      'skipped name.json: corrupt results at benchmarks.0.name: must be string',
      `skipped trials.json: corrupt results at benchmarks.0.trials: must NOT have more than ${MAX_PAIRS} items`,
      'zero.json: skipped: a symbolic link to outside the directory'
    ])
  })

  it('refuses a directory with no usable results file, naming it', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'other.json'), '{"name": "not perfgate"}')
    const read = () => readResultsDir(dir, { onWarning: () => {} })
    expect(read).toThrow(HistoryError)
    expect(read).toThrow(
      `${dir}: no usable results files (perfgate results, *.json) in the directory`
    )
  })

  it('says which directory cannot be listed', () => {
    expect(() => readResultsDir('/nonexistent/perfgate', { onWarning: () => {} })).toThrow(
      '/nonexistent/perfgate: cannot list the results directory'
    )
  })
})
