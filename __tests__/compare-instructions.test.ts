// Verdicts on instruction counts, through a scripted trial runner: near-deterministic values
// (a spread far below the noise floor) decide "unchanged" at the first look, from one pair,
// and a change at the second, from two that agree; a change below the threshold is
// "unchanged", never "inconclusive"; one count off the others' level is set aside, neither
// a regression nor hiding one; no NaN at zero spread.
import { compareResults } from '../src/compare/compare.js'
import type { BenchmarkConfig } from '../src/config/types.js'
import type { TrialOutcome, TrialRunner } from '../src/runners/types.js'
import { planLooks, runPairedBenchmark } from '../src/schedule/paired.js'
import { comparePaired } from '../src/stats/paired.js'
import { createRandom } from '../src/stats/random.js'
import { METRICS } from '../src/metrics.js'
import { renderMarkdownReport } from '../src/report/markdown.js'
import { buildReport } from '../src/report/model.js'
import { renderTerminalVerdict } from '../src/report/terminal.js'
import type { Results } from '../src/results/types.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { commandBenchmark } from './helpers/benchmarks.js'

const head: BenchmarkConfig = {
  ...commandBenchmark('head'),
  name: 'count',
  trials: 1,
  measure: 'instructions',
  compare: { gate: ['instructions'], threshold: 0.04, instructionThreshold: 0.005, alpha: 0.05 }
}
const base: BenchmarkConfig = {
  ...head,
  spec: { ...head.spec, run: 'base' } as BenchmarkConfig['spec']
}

/** A count that lands on a level `factor` off, in one process: its side and trial. */
interface Jump {
  readonly side: 'base' | 'head'
  readonly trial: number
  readonly factor: number
}

/**
 * Instructions: base 1,000,000 per run, head × factor (× `jump` in the count it names,
 * a number meaning head's first), each count off by up to `jitter`.
 */
function counts(
  factor: number,
  jitter = 2e-5,
  jump: number | Jump = 1
): { runner: TrialRunner; calls: string[] } {
  const calls: string[] = []
  const off = typeof jump === 'number' ? { side: 'head', trial: 0, factor: jump } : jump
  return {
    calls,
    runner: {
      async runTrial(benchmark, trial): Promise<TrialOutcome> {
        const side = benchmark === head ? 'head' : 'base'
        calls.push(`${side}${trial}`)
        const wobble = 1 + jitter * Math.sin(trial * 5 + (side === 'head' ? 2 : 0))
        const level = side === off.side && trial === off.trial ? off.factor : 1
        return {
          ok: true,
          metrics: {
            instructions: 1e6 * (side === 'head' ? factor : 1) * level * wobble
          },
          details: {},
          durationMs: 1
        }
      }
    }
  }
}

async function judge(
  factor: number,
  jitter?: number,
  jump?: number | Jump,
  stops: { futility?: number; familySize?: number } = {}
) {
  const { runner, calls } = counts(factor, jitter, jump)
  const pair = await runPairedBenchmark(head, base, {
    runner,
    random: createRandom(7),
    lookSizes: planLooks(1, undefined, 3, 1),
    maxTimeMs: 60_000,
    test: 'trimmed',
    familySize: stops.familySize ?? 1,
    ...(stops.futility === undefined ? {} : { futility: stops.futility }),
    definitionHash: () => 'h'
  })
  const comparison = compareResults({
    mode: 'paired',
    head: [pair.head],
    base: [pair.base],
    compare: { failOn: 'both', test: 'trimmed', maxPairs: undefined, maxTimeMs: 60_000 }
  })
  return { pair, calls, test: comparison.benchmarks[0]!.metrics[0]! }
}

describe('instruction counts: one pair decides unchanged, two a change', () => {
  it('finds a +1 % change at the second look, from two pairs that agree', async () => {
    const { pair, calls, test } = await judge(1.01)
    expect(calls).toHaveLength(4)
    expect(pair.head.paired).toMatchObject({
      pairs: 2,
      stopReason: 'decided',
      lookSizes: [1, 2, 3]
    })
    expect(test.verdict).toBe('regression')
    expect(test.threshold).toBe(0.005)
    expect(test.ratio).toBeCloseTo(1.01, 3)
    expect(test.ciHigh - test.ciLow).toBeLessThan(test.threshold)
  })

  it('calls a change below the threshold unchanged, not inconclusive', async () => {
    for (const factor of [1, 1.002, 0.997]) {
      const { pair, test } = await judge(factor)
      expect(pair.head.paired?.stopReason).toBe('decided')
      expect(test.verdict).toBe('unchanged')
    }
    // No change at all: decided from one pair.
    expect((await judge(1)).pair.head.paired?.pairs).toBe(1)
  })

  it('sets aside one count that landed 0.63 % high: unchanged from the other pairs', async () => {
    // A process-wide state a count can rarely land in (docs/DESIGN.md): one head count only.
    // The run's default futility stop and a suite of three gated tests do not end it at
    // two pairs that disagree: the third tells which one is off.
    for (const stops of [{}, { futility: 0.05, familySize: 3 }]) {
      const { pair, test } = await judge(1, 2e-5, 1.0063, stops)
      expect(pair.head.paired?.pairs).toBe(3)
      expect(test.verdict).toBe('unchanged')
      expect(test.setAside).toEqual({ pair: 1, ratio: expect.closeTo(1.0063, 4), pairs: 3 })
      expect(test.ratio).toBeCloseTo(1, 4)
      // The last look's test is the other pairs' (all three pairs' trimmed test: p 0.5).
      const counted = (side: typeof pair.head) =>
        side.trials.map((trial) => trial.metrics.instructions!)
      const last = comparePaired(counted(pair.base), counted(pair.head), {
        noiseFloor: METRICS.instructions.noiseFloor,
        method: 'trimmed'
      })
      expect(last.pValue).toBeGreaterThan(0.9)
    }
  })

  it('names the pair set aside in the comment and the terminal, with what it read', async () => {
    const { pair } = await judge(1, 0, 1.0063)
    const comparison = compareResults({
      mode: 'paired',
      head: [pair.head],
      base: [pair.base],
      compare: SAMPLE_RESULTS.compare
    })
    const results: Results = {
      ...SAMPLE_RESULTS,
      benchmarks: [pair.head],
      base: { source: 'main', environment: SAMPLE_RESULTS.environment, benchmarks: [pair.base] },
      comparison
    }
    const model = buildReport(results, comparison)
    const note =
      "pair 1 set aside, its count off the others' level: it read +0.63 %, the other 2 pairs ±0.00 %"
    expect(renderMarkdownReport(model)).toContain(`- count instructions/run: ${note}`)
    expect(renderTerminalVerdict(model)).toContain(`  count instructions/run: ${note}`)
  })

  it('sets aside nothing within the noise, nor a pair too far off to be a rare level', () => {
    const floor = METRICS.instructions.noiseFloor
    const ones = [1e6, 1e6, 1e6]
    // Ratios 1.2 floors apart: noise, whichever pair comes last.
    for (const d of [
      [0.004, 0.0052, 0.0064],
      [0.0064, 0.0052, 0.004]
    ]) {
      const r = comparePaired(
        ones,
        d.map((x) => 1e6 * Math.exp(x)),
        { noiseFloor: floor }
      )
      expect(r.setAside).toBeUndefined()
    }
    // +30 % in one pair: not a count on another level, a different program run.
    expect(comparePaired(ones, [1.3e6, 1e6, 1e6], { noiseFloor: floor }).setAside).toBeUndefined()
  })

  it('finds a change through a count off its level, on either side', async () => {
    // Head's first count higher still: the two other pairs agree on +1 %.
    const high = await judge(1.01, 2e-5, { side: 'head', trial: 0, factor: 1.0063 })
    expect(high.test.verdict).toBe('regression')
    expect(high.test.setAside?.pair).toBe(1)
    expect(high.test.ratio).toBeCloseTo(1.01, 3)
    // Base's first count high: its pair reads +0.37 %, the change is found from the others.
    const masked = await judge(1.01, 2e-5, { side: 'base', trial: 0, factor: 1.0063 })
    expect(masked.pair.head.paired?.pairs).toBe(3)
    expect(masked.test.verdict).toBe('regression')
    expect(masked.test.setAside?.pair).toBe(1)
    // A later pair off its level: head's second count higher still, set aside as pair 2.
    const late = await judge(1.01, 2e-5, { side: 'head', trial: 1, factor: 1.0063 })
    expect(late.pair.head.paired?.pairs).toBe(3)
    expect(late.test.verdict).toBe('regression')
    expect(late.test.setAside?.pair).toBe(2)
  })
})

describe('comparePaired with a noise floor', () => {
  const floor = METRICS.instructions.noiseFloor

  it('gives one pair a finite interval and p-value', () => {
    const r = comparePaired([1e6], [1.01e6], { noiseFloor: floor })
    expect(r.pValue).toBeLessThan(1e-10)
    expect(r.ciLow).toBeGreaterThan(1.008)
    expect(r.ciHigh).toBeLessThan(1.012)
  })

  it('uses the ordinary test when the pairs spread more than the floor', () => {
    // ±2 % between pairs: not deterministic, so the t interval, wide at 3 pairs.
    const r = comparePaired([1e6, 1e6, 1e6], [1.023e6, 0.983e6, 1.003e6], { noiseFloor: floor })
    expect(r.ciHigh - r.ciLow).toBeGreaterThan(0.05)
    expect(r.pValue).toBeGreaterThan(0.5)
  })

  it('sets aside only one pair, and only against two or more that agree', () => {
    const same = [1e6, 1e6, 1e6]
    const one = comparePaired(same, [1.0063e6, 1e6, 1.00001e6], { noiseFloor: floor })
    expect(one.setAside).toEqual({ index: 0, ratio: expect.closeTo(1.0063, 9) })
    expect(one.n).toBe(2)
    expect(one.ratio).toBeCloseTo(1.000005, 6)
    expect(one.ciHigh).toBeLessThan(1.0025)
    // Two pairs: no majority to tell which one is off.
    expect(comparePaired([1e6, 1e6], [1.0063e6, 1e6], { noiseFloor: floor }).setAside).toBe(
      undefined
    )
    // Two pairs off the others' level: not deterministic, the ordinary test.
    const two = comparePaired([...same, 1e6], [1.0063e6, 1e6, 1.0063e6, 1e6], {
      noiseFloor: floor
    })
    expect(two.setAside).toBeUndefined()
    expect(two.n).toBe(4)
    // Without a noise floor (time), never.
    expect(comparePaired(same, [1.0063e6, 1e6, 1e6]).setAside).toBeUndefined()
  })

  it('never gives NaN at zero spread', () => {
    const same = comparePaired([5, 5, 5], [5, 5, 5], { noiseFloor: floor, method: 'trimmed' })
    expect(same).toMatchObject({ ratio: 1, pValue: 1 })
    expect(same.ciLow).toBeLessThan(1)
    expect(same.ciHigh).toBeGreaterThan(1)
    const moved = comparePaired([5, 5, 5], [6, 6, 6], { noiseFloor: floor, method: 'sign-flip' })
    expect(Number.isFinite(moved.pValue) && moved.pValue < 1e-10).toBe(true)
  })
})
