// Stored confirmations of steps on main: read back with the checks of any stored file (a
// file that names another commit or benchmark than its path, bad JSON, a wrong shape, an
// oversized file are refused with the file named), and judged per metric in the step's
// direction against the threshold. The window of one A/B around a named step, and the
// steps chosen to confirm with their stored base and head.
import { confirmationWindow, stepsToConfirm } from '../src/app/confirm.js'
import { historyOf } from '../src/app/history.js'
import { createRandom } from '../src/stats/random.js'
import { fakeSha, functionResult, hoursAfterStart, resultsOf } from './helpers/history.js'
import {
  betweenText,
  stepCommit,
  whereText,
  comparedCommits,
  confirmationPath,
  confirmationVerdict,
  MAX_CONFIRMATION_BYTES,
  parseConfirmation,
  serializeConfirmation,
  type StepConfirmation
} from '../src/history/confirmation.js'
import type { HistoryChangePoint, Series } from '../src/history/series.js'

const commit = 'a'.repeat(40)
const record: StepConfirmation = {
  schemaVersion: 1,
  benchmark: 'parse <b>',
  commit,
  parent: 'b'.repeat(40),
  base: 'c'.repeat(40),
  head: 'd'.repeat(40),
  at: '2026-12-07T00:00:00.000Z',
  pairs: 20,
  alpha: 0.05,
  metrics: [
    { metric: 'wall', ratio: 1.08, low: 1.06, high: 1.1, p: 0.0001, threshold: 0.04 },
    { metric: 'p99', ratio: 1.03, low: 1.01, high: 1.05, p: 0.001, threshold: 0.04 }
  ]
}
const file = `perfgate-data:${confirmationPath(commit, record.benchmark)}`

describe('stored confirmations', () => {
  it('round-trips through its file, at the path of its commit and benchmark hash', () => {
    expect(confirmationPath(commit, record.benchmark)).toMatch(
      new RegExp(`^confirmations/${commit}/[0-9a-f]{64}\\.json$`)
    )
    expect(parseConfirmation(serializeConfirmation(record), file)).toEqual(record)
    expect(() => confirmationPath('HEAD', 'x')).toThrow('not a full commit sha')
  })

  it('refuses a file that names another step than its path, bad JSON, a bad shape, an oversized file', () => {
    const other = `perfgate-data:${confirmationPath(commit, 'other')}`
    expect(() => parseConfirmation(serializeConfirmation(record), other)).toThrow(
      `${other}: holds the confirmation of "parse <b>" at ${commit}, not the one its path names`
    )
    expect(() => parseConfirmation('{', file)).toThrow(`${file}: not valid JSON`)
    const wrong = { ...record, pairs: -1 }
    expect(() => parseConfirmation(JSON.stringify(wrong), file)).toThrow(
      `${file}: not a perfgate confirmation: pairs must be >= 0`
    )
    const metric = { ...record, metrics: [{ ...record.metrics[0]!, metric: 'bogus' }] }
    expect(() => parseConfirmation(JSON.stringify(metric), file)).toThrow(
      `${file}: not a perfgate confirmation: metrics.0.metric`
    )
    expect(() => parseConfirmation(' '.repeat(MAX_CONFIRMATION_BYTES + 1), file)).toThrow(
      'larger than a confirmation can be'
    )
  })

  it('confirms a metric whose pairs moved significantly, past the threshold, either way', () => {
    expect(confirmationVerdict(record, 'wall', 1.09)).toEqual({
      base: 'c'.repeat(40),
      head: 'd'.repeat(40),
      ratio: 1.08,
      low: 1.06,
      high: 1.1,
      pairs: 20,
      verdict: 'confirmed',
      opposite: false
    })
    // The stored values stepped down; the pairs went up: the pairs' step, marked opposite.
    expect(confirmationVerdict(record, 'wall', 0.92)).toMatchObject({
      verdict: 'confirmed',
      ratio: 1.08,
      opposite: true
    })
    // Significant, but smaller than the threshold.
    expect(confirmationVerdict(record, 'p99', 1.1).verdict).toBe('not-confirmed')
    // Not measured by the pairs, or the A/B failed.
    expect(confirmationVerdict(record, 'p50', 1.1).verdict).toBe('unmeasured')
    const failed = { ...record, metrics: [], pairs: 0, error: 'no parent' }
    expect(confirmationVerdict(failed, 'wall', 1.1)).toMatchObject({ verdict: 'unmeasured' })
  })

  it('names the commit the bisection of the window located, and only for a confirmed step', () => {
    const located = { ...record, located: { commit: 'e'.repeat(40), probes: 2 } }
    const parsed = parseConfirmation(serializeConfirmation(located), file)
    const confirmed = confirmationVerdict(parsed, 'wall', 1.09)
    expect(confirmed).toMatchObject({ at: 'e'.repeat(40), verdict: 'confirmed' })
    expect(whereText(confirmed)).toBe('at eeeeeee (located between ccccccc and ddddddd)')
    expect(stepCommit({ commit, confirmed })).toBe('e'.repeat(40))
    const notConfirmed = confirmationVerdict(parsed, 'p99', 1.1)
    expect(notConfirmed.at).toBeUndefined()
    expect(whereText(notConfirmed)).toBe('between ccccccc and ddddddd')
    expect(stepCommit({ commit, confirmed: notConfirmed })).toBe(commit)
    const stoppedShort = { ...record, located: { probes: 1, reason: 'could not decide' } }
    expect(confirmationVerdict(stoppedShort, 'wall', 1.09).at).toBeUndefined()
    const badLocated = { ...record, located: { commit: 'HEAD', probes: 1 } }
    expect(() => parseConfirmation(JSON.stringify(badLocated), file)).toThrow(
      `${file}: not a perfgate confirmation: located.commit must match pattern`
    )
  })

  it('reads a record made before the window as the commit against its parent', () => {
    const { base: _base, head: _head, ...old } = record
    const parsed = parseConfirmation(serializeConfirmation(old), file)
    expect(parsed.base).toBeUndefined()
    expect(comparedCommits(parsed)).toEqual({ base: 'b'.repeat(40), head: commit })
    expect(confirmationVerdict(parsed, 'wall', 1.09)).toMatchObject({
      base: 'b'.repeat(40),
      head: commit,
      verdict: 'confirmed'
    })
    expect(betweenText(comparedCommits(record))).toBe('between ccccccc and ddddddd')
    const badBase = { ...record, base: 'HEAD' }
    expect(() => parseConfirmation(JSON.stringify(badBase), file)).toThrow(
      `${file}: not a perfgate confirmation: base must match pattern`
    )
  })
})

describe('the window of a confirmation', () => {
  it('spans two stored commits before the predecessor to two after, clamped to the series', () => {
    expect(confirmationWindow(5, 10)).toEqual({ base: 2, head: 7 })
    expect(confirmationWindow(1, 10)).toEqual({ base: 0, head: 3 })
    expect(confirmationWindow(9, 10)).toEqual({ base: 6, head: 9 })
    expect(confirmationWindow(5, 10, 0)).toEqual({ base: 4, head: 5 }) // commit against parent
    expect(() => confirmationWindow(0, 10)).toThrow("a step's index must be in 1..9, got 0")
    expect(() => confirmationWindow(10, 10)).toThrow('got 10')
  })

  it('gives each step to confirm its stored base and head, newest first, metrics grouped', () => {
    const order = Array.from({ length: 8 }, (_, i) => String(i + 1).repeat(40))
    const point = (at: number, metric: HistoryChangePoint['metric']): HistoryChangePoint => ({
      benchmark: 'parse',
      metric,
      commit: order[at]!,
      before: 10,
      after: 11,
      ratio: 1.1,
      ciLow: 1.05,
      ciHigh: 1.15,
      p: 0.001,
      minStep: 0.04,
      gated: true,
      foundOn: 'raw',
      status: 'candidate',
      confirmed: null
    })
    const steps = stepsToConfirm([point(3, 'wall'), point(3, 'p50'), point(7, 'wall')], {
      order,
      limit: 5
    })
    expect(steps).toEqual([
      { benchmark: 'parse', commit: order[7], metrics: ['wall'], base: order[4], head: order[7] },
      {
        benchmark: 'parse',
        commit: order[3],
        metrics: ['wall', 'p50'],
        base: order[0],
        head: order[5]
      }
    ])
    // With the series searched, the window is among the series' own commits: commits 2 and
    // 4, where the benchmark failed, have no point and are skipped.
    const points = [0, 1, 3, 5, 6, 7].map((at) => ({
      commit: order[at]!,
      createdAt: '2026-12-07T00:00:00.000Z',
      median: 10,
      values: [10]
    }))
    const of = (metric: 'wall' | 'p50', on: typeof points): Series => ({
      benchmark: 'parse',
      kind: 'function',
      metric,
      unit: 'duration',
      higherIsBetter: false,
      points: on
    })
    const series = [of('wall', points), of('p50', [])]
    expect(stepsToConfirm([point(5, 'wall')], { order, limit: 5, series })).toEqual([
      { benchmark: 'parse', commit: order[5], metrics: ['wall'], base: order[0], head: order[7] }
    ])
    // Not gated, or measured before: not confirmed again.
    const ungated = { ...point(5, 'wall'), gated: false }
    const measured = { ...point(5, 'wall'), confirmed: confirmationVerdict(record, 'wall', 1.1) }
    expect(stepsToConfirm([ungated, measured], { order, limit: 5 })).toEqual([])
    // The budget (limit) goes first to a step found on both series, then to the larger
    // step, then to the newest: a small raw step waits.
    const mirrored = { ...point(7, 'wall'), benchmark: 'other', ratio: 1 / 1.2 }
    const small = { ...point(6, 'wall'), ratio: 1.05 }
    const large = { ...point(5, 'wall'), ratio: 1.3 }
    const both = { ...point(4, 'wall'), foundOn: 'both' as const }
    const first = stepsToConfirm([{ ...mirrored, foundOn: 'relative' }, small, large, both], {
      order,
      limit: 3
    })
    expect(first.map((step) => step.commit)).toEqual([order[4], order[5], order[7]])
  })
})

describe('confirmations in the history', () => {
  it('confirms the metrics the pairs measured; another metric stepping at that commit stays a candidate', () => {
    const random = createRandom(3)
    const entries = Array.from({ length: 30 }, (_, i) => ({
      commit: fakeSha(i),
      results: resultsOf(fakeSha(i), hoursAfterStart(i), [
        functionResult('parse', i < 20 ? 1 : 1.2, 0.005, 5, random)
      ])
    }))
    const stored: StepConfirmation = {
      ...record,
      benchmark: 'parse',
      commit: fakeSha(20),
      parent: fakeSha(19),
      base: fakeSha(17),
      head: fakeSha(22),
      metrics: [{ metric: 'p50', ratio: 1.2, low: 1.18, high: 1.22, p: 1e-6, threshold: 0.04 }]
    }
    const at = historyOf(entries, { confirmations: [stored] }).changePoints.filter(
      (c) => c.commit === fakeSha(20)
    )
    expect(at.find((c) => c.metric === 'p50')).toMatchObject({
      gated: true,
      status: 'confirmed',
      confirmed: { ratio: 1.2, verdict: 'confirmed' }
    })
    const others = at.filter((c) => c.metric !== 'p50')
    expect(others.map((c) => c.metric).sort()).toEqual(['ops', 'p95'])
    for (const c of others) expect(c).toMatchObject({ status: 'candidate', confirmed: null })

    // Drift turned the step around in the stored values: the pairs decide. A step the
    // stored values show up, the pairs measured down, is confirmed at the pairs' ratio,
    // marked opposite and placed where the window's bisection located it.
    const turned: StepConfirmation = {
      ...stored,
      metrics: [{ metric: 'p50', ratio: 0.9, low: 0.88, high: 0.92, p: 1e-6, threshold: 0.04 }],
      located: { commit: fakeSha(19), probes: 2 }
    }
    const opposite = historyOf(entries, { confirmations: [turned] }).changePoints.find(
      (c) => c.commit === fakeSha(20) && c.metric === 'p50'
    )
    expect(opposite).toMatchObject({
      ratio: expect.any(Number),
      status: 'confirmed',
      confirmed: { ratio: 0.9, verdict: 'confirmed', opposite: true, at: fakeSha(19) }
    })
    expect(opposite!.ratio).toBeGreaterThan(1.1)
  })
})
