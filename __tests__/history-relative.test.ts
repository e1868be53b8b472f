import { historyOf } from '../src/app/history.js'
import { changePointsOnBoth, relativeValues } from '../src/history/relative.js'
import { renderHistoryTerminal } from '../src/report/history-terminal.js'
import { createRandom } from '../src/stats/random.js'
import { fakeSha, functionResult, hoursAfterStart, resultsOf } from './helpers/history.js'

describe('relativeValues', () => {
  it('divides each value by the median of the other series at that commit, each over its own median', () => {
    // Series medians: 10, 20, 40 (the middle commit of each).
    const grid = [
      [10, 10, 10],
      [22, 20, 18],
      [40, 44, 36]
    ]
    const relative = relativeValues(grid)
    // Row 0, commit 0: others at 22/20 = 1.1 and 40/40 = 1 → median 1.05.
    expect(relative[0]![0]).toBeCloseTo(10 / 1.05, 12)
    // Row 0, commit 1: 20/20 = 1 and 44/40 = 1.1.
    expect(relative[0]![1]).toBeCloseTo(10 / 1.05, 12)
    // Row 1, commit 2: 10/10 = 1 and 36/40 = 0.9 → 0.95.
    expect(relative[1]![2]).toBeCloseTo(18 / 0.95, 12)
  })

  it('leaves the series out of its own reference, so its step stays whole', () => {
    const flat = Array.from({ length: 8 }, () => 5)
    const stepped = Array.from({ length: 8 }, (_, i) => (i >= 4 ? 11 : 10))
    const [ownStepped, ...ownFlat] = relativeValues([stepped, flat, flat, flat])
    expect(ownStepped).toEqual(stepped) // the others never move: reference 1
    // The flat ones: the median of the stepped one and two flat ones is 1.
    for (const row of ownFlat) expect(row).toEqual(flat)
  })

  it('removes a drift shared by every series of the run', () => {
    const drift = [1, 1.3, 0.8, 1.1, 1.25, 0.9] // median 1.05
    const levels = [7, 3, 12]
    const relative = relativeValues(levels.map((level) => drift.map((d) => level * d)))
    relative.forEach((row, i) => {
      // Each value at the series' own median level, whatever the run's speed.
      for (const value of row) expect(value!).toBeCloseTo(levels[i]! * 1.05, 12)
    })
  })

  it('has no value where the series or every other series is missing', () => {
    const relative = relativeValues([
      [1, undefined, 1, 1],
      [2, 2, undefined, 2]
    ])
    expect(relative).toEqual([
      [1, undefined, undefined, 1],
      [2, undefined, undefined, 2]
    ])
    expect(relativeValues([[1, 2, 3]])).toEqual([[undefined, undefined, undefined]])
  })
})

/** `n` values `level × drift(i) × step(i)`, the drift shared, a little noise of its own. */
function drifting(n: number, drift: readonly number[], step: (i: number) => number, seed: number) {
  const random = createRandom(seed)
  return Array.from(
    { length: n },
    (_, i) => drift[i]! * step(i) * Math.exp(0.003 * random.normal())
  )
}

describe('changePointsOnBoth', () => {
  const n = 40
  const random = createRandom(3)
  // A runner 0–60 % slower from one stored commit to the next, shared by the run.
  const drift = Array.from({ length: n }, () => 1 + 0.6 * random.next())

  it('finds a step hidden by shared drift on the relative series only', () => {
    const stepped = drifting(n, drift, (i) => (i >= 25 ? 1.08 : 1), 1)
    const others = [2, 3, 4].map((seed) => drifting(n, drift, () => 1, seed))
    const relative = relativeValues([stepped, ...others])
    expect(changePointsOnBoth(stepped, undefined, { minStep: 0.04 })).toEqual([])
    const found = changePointsOnBoth(stepped, relative[0], { minStep: 0.04 })
    expect(found.map((s) => [s.index, s.foundOn])).toEqual([[25, 'relative']])
    expect(found[0]!.ratio).toBeCloseTo(1.08, 2)
    // The unchanged ones: nothing (one other's step barely moves a median of three).
    for (let i = 1; i < 4; i++) {
      expect(changePointsOnBoth(others[i - 1]!, relative[i], { minStep: 0.04 })).toEqual([])
    }
  })

  it('keeps a step that slows every benchmark (raw only), and merges one found on both', () => {
    const flat = Array.from({ length: n }, () => 1)
    const all = (i: number) => (i >= 20 ? 1.2 : 1)
    const series = [1, 2, 3].map((seed) => drifting(n, flat, all, seed))
    const relative = relativeValues(series)
    const found = changePointsOnBoth(series[0]!, relative[0], { minStep: 0.04 })
    expect(found.map((s) => [s.index, s.foundOn])).toEqual([[20, 'raw']])
    // Without drift a step of one series is found on both, once, at its commit.
    const others = [5, 6, 7].map((seed) => drifting(n, flat, () => 1, seed))
    const own = drifting(n, flat, (i) => (i >= 15 ? 1.1 : 1), 4)
    const both = changePointsOnBoth(own, relativeValues([own, ...others])[0], { minStep: 0.04 })
    expect(both.map((s) => [s.index, s.foundOn])).toEqual([[15, 'both']])
  })
})

describe('history relative to the other benchmarks of each run', () => {
  /** Entries of `n` commits: benchmarks at `levels`, all slowed by the run's drift. */
  function entriesOf(n: number, names: readonly string[], seed: number) {
    const random = createRandom(seed)
    return Array.from({ length: n }, (_, i) => {
      const run = 1 + 0.6 * random.next()
      const benchmarks = names.map((name, b) =>
        functionResult(
          name,
          (b + 1) * run * (name === 'stepped' && i >= 20 ? 1.08 : 1),
          0.003,
          5,
          random
        )
      )
      return { commit: fakeSha(i), results: resultsOf(fakeSha(i), hoursAfterStart(i), benchmarks) }
    })
  }

  it('names the step at its commit under drift, found relative to the others', () => {
    const report = historyOf(entriesOf(30, ['stepped', 'a', 'b', 'c'], 7))
    const p50 = report.changePoints.filter((p) => p.metric === 'p50')
    expect(p50.map((p) => [p.benchmark, p.commit, p.foundOn, p.status])).toEqual([
      ['stepped', fakeSha(20), 'relative', 'candidate']
    ])
    const judged = report.series.filter((s) => !s.skipped) // heap and memory are 0
    expect(judged.map((s) => s.relativeTo)).toEqual(judged.map(() => 3))
    const text = renderHistoryTerminal(report)
    expect(text).toContain('found relative to the other benchmarks of each run\n')
    expect(text).not.toContain('stored values only')
  })

  it('keeps the reference from benchmarks a filter hides, and says when there is none', () => {
    const entries = entriesOf(30, ['stepped', 'a', 'b', 'c'], 7)
    const filtered = historyOf(entries, { filter: /^stepped$/ })
    expect(filtered.changePoints.filter((p) => p.metric === 'p50')).toHaveLength(1)
    const judged = filtered.series.filter((s) => !s.skipped)
    expect(judged.map((s) => [s.benchmark, s.relativeTo])).toEqual(judged.map(() => ['stepped', 3]))
    const single = historyOf(entriesOf(30, ['stepped'], 7))
    expect(single.series.every((s) => s.relativeTo === 0)).toBe(true)
    expect(single.changePoints.every((p) => p.foundOn === 'raw')).toBe(true)
    expect(renderHistoryTerminal(single)).toContain(
      'each series judged on its stored values only: no other benchmark of its kind to compare within a run\n'
    )
  })
})
