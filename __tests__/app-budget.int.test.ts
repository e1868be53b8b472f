// A run-wide time budget (compare.max-duration) with a scripted runner and a scripted
// clock: undecided benchmarks share it look by look, the run ends within the budget plus
// one trial, and what the budget cut short is reported as such, never dropped.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadConfigFile } from '../src/app/files.js'
import { runBenchmarks } from '../src/app/run.js'
import { buildReport, doubtText } from '../src/report/model.js'
import type { TrialRunner } from '../src/runners/types.js'
import { git } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const TRIAL_MS = 1000

/** The suite with a time budget; futility 0 (the default would stop the noisy ones early). */
function repo(budget: string, futility = 0): string {
  const dir = scratchDir('perfgate-budget-')
  git(dir, 'init', '--quiet')
  const bench = (name: string) => `  - name: ${name}\n    command: { run: "true" }\n    trials: 4\n`
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    `compare: { max-duration: ${budget}, futility: ${futility} }\nbenchmarks:\n` +
      ['clear-a', 'noisy-b', 'clear-c', 'noisy-d', 'late-e'].map(bench).join('')
  )
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'suite')
  return dir
}

/** clear-*: head twice as slow (decided at the first look); the others: pure noise. */
function runner(clock: { t: number }): TrialRunner & { trials: number } {
  let trials = 0
  return {
    get trials() {
      return trials
    },
    async runTrial(benchmark, trial) {
      clock.t += TRIAL_MS
      trials++
      const base = (benchmark.spec as { cwd: string }).cwd.includes('perfgate-base-')
      const clear = benchmark.name.startsWith('clear')
      const wobble = 1 + 0.3 * Math.sin(trial * 2.1 + (base ? 0 : 1.3) + benchmark.name.length)
      return okTrial(100 * (clear && !base ? 2 : 1) * (clear ? 1 : wobble))
    }
  }
}

/** An A/B run of the suite in `dir` against its last commit, on the scripted clock. */
function measure(dir: string, clock: { t: number }, log: string[] = []) {
  return runBenchmarks(
    {
      config: loadConfigFile(dir, undefined),
      baseline: { kind: 'merge-base', ref: 'HEAD' },
      seed: 5,
      setupHead: false
    },
    {
      runner: runner(clock),
      log: { write: (text: string) => log.push(...text.split('\n').filter(Boolean)) },
      now: () => clock.t
    }
  )
}

describe('compare.max-duration', () => {
  it('gives undecided benchmarks the budget look by look and reports what it cut short', async () => {
    const dir = repo('60s')
    const clock = { t: 0 }
    const results = await measure(dir, clock)
    // Within the budget plus one trial.
    expect(clock.t).toBeLessThanOrEqual(60_000 + TRIAL_MS)
    const stops = Object.fromEntries(
      results.benchmarks.map((b) => [b.name, [b.paired?.stopReason, b.paired?.pairs]])
    )
    // Round 1: five first looks of 4 pairs (40 s); round 2: the three undecided (+24 s
    // would pass 60 s, so the last is cut short).
    expect(stops['clear-a']).toEqual(['decided', 4])
    expect(stops['clear-c']).toEqual(['decided', 4])
    expect(stops['noisy-b']).toEqual(['time-budget', 8])
    expect(stops['late-e']![0]).toBe('time-budget')
    expect(results.benchmarks.map((b) => b.name)).toEqual([
      'clear-a',
      'noisy-b',
      'clear-c',
      'noisy-d',
      'late-e'
    ])
    const verdicts = results.comparison!.benchmarks.map((b) => [b.name, b.metrics[0]!.verdict])
    expect(verdicts).toContainEqual(['clear-a', 'regression'])
    expect(verdicts.filter(([name]) => String(name).startsWith('noisy'))).not.toContainEqual([
      expect.anything(),
      'regression'
    ])
    const method = buildReport(results, results.comparison!).method.join('\n')
    expect(method).toContain("noisy-b: 8 pairs, cut short by the run's time budget")
  })

  it('with the default futility, stops hopeless benchmarks and passes the budget on', async () => {
    // 80 s: round 1 takes 40 s, round 2 the three undecided to their look at 8 pairs (64 s).
    const stopsOf = (results: Awaited<ReturnType<typeof measure>>) =>
      Object.fromEntries(
        results.benchmarks.map((b) => [b.name, [b.paired?.stopReason, b.paired?.pairs]])
      )
    const every = { t: 0 }
    const withoutStop = stopsOf(await measure(repo('80s', 0), every))
    const clock = { t: 0 }
    const results = await measure(repo('80s', 0.05), clock)
    const stops = stopsOf(results)
    // Without the stop, round 3 spends the budget on the noisy ones and cuts the last short.
    expect(withoutStop['late-e']![0]).toBe('time-budget')
    expect(every.t).toBeGreaterThanOrEqual(80_000)
    // With it, pure noise stops at the look at 8 pairs (the last, 12, unlikely to decide):
    // nothing is cut short and the run ends before the budget.
    expect(stops['clear-a']).toEqual(['decided', 4])
    expect(stops['noisy-b']).toEqual(['futile', 8])
    expect(stops['noisy-d']).toEqual(['futile', 8])
    expect(Object.values(stops).map(([reason]) => reason)).not.toContain('time-budget')
    expect(clock.t).toBeLessThan(80_000)
    const doubt = doubtText(buildReport(results, results.comparison!).doubt!)
    expect(doubt).toContain('noisy-b wall time: too noisy for 8 pairs (stopped early')
  })

  it('reports benchmarks the budget never reached, with no pairs', async () => {
    const dir = repo('10s')
    const clock = { t: 0 }
    const results = await measure(dir, clock)
    expect(clock.t).toBeLessThanOrEqual(10_000 + TRIAL_MS)
    expect(results.benchmarks).toHaveLength(5)
    const last = results.benchmarks.at(-1)!
    expect(last.paired).toMatchObject({ pairs: 0, stopReason: 'time-budget' })
    const row = results.comparison!.benchmarks.at(-1)!
    expect(row.metrics.every((m) => m.verdict === 'inconclusive')).toBe(true)
  })

  it('names every benchmark on its own end line and reports the budget as the reason', async () => {
    const log: string[] = []
    const results = await measure(repo('10s'), { t: 0 }, log)
    // One end line per benchmark, each naming its own (never the last one started).
    const ends = log.filter((line) => /: [✓?✗] /.test(line))
    expect(ends).toHaveLength(5)
    for (const [i, name] of ['clear-a', 'noisy-b', 'clear-c', 'noisy-d', 'late-e'].entries()) {
      expect(ends.filter((line) => line.includes(name))).toHaveLength(1)
      const stop = results.benchmarks[i]!.paired!
      if (stop.pairs === 0) {
        expect(ends).toContain(
          `${name}: ? not measured: the time budget was spent before its first pair`
        )
      }
    }
    // Before its first pair or after too few, the reason is the budget, not the pair count.
    const doubt = doubtText(buildReport(results, results.comparison!).doubt!)
    expect(doubt).toContain("late-e wall time: cut short by the run's time budget")
    expect(doubt).not.toContain('too few pairs to test')
  })
})
