// The A/B scheduler with a scripted runner: randomized order, looks, stopping, errors.
import type { BenchmarkConfig } from '../src/config/types.js'
import type { TrialOutcome, TrialRunner } from '../src/runners/types.js'
import { planLooks, runPairedBenchmark } from '../src/schedule/paired.js'
import { createRandom } from '../src/stats/random.js'
import { commandBenchmark } from './helpers/benchmarks.js'

const head: BenchmarkConfig = {
  ...commandBenchmark('head'),
  name: 'b',
  compare: { gate: ['wall'], threshold: 0.05, alpha: 0.05 }
}
const base: BenchmarkConfig = {
  ...head,
  spec: { ...head.spec, run: 'base' } as BenchmarkConfig['spec']
}

/** Wall times: base ~100 ms, head ~100 × factor, with deterministic jitter (default ±1 %). */
function runner(
  factor: number,
  failAt?: { side: 'base' | 'head'; trial: number },
  jitterAmplitude = 0.01
) {
  const calls: string[] = []
  const r: TrialRunner = {
    async runTrial(benchmark, trial): Promise<TrialOutcome> {
      const side = benchmark === head ? 'head' : 'base'
      calls.push(`${side}${trial}`)
      if (failAt && failAt.side === side && failAt.trial === trial) {
        return { ok: false, message: 'exit 1', stderrTail: undefined, durationMs: 1 }
      }
      const jitter = 1 + jitterAmplitude * Math.sin(trial * 7 + (side === 'head' ? 1 : 0))
      return {
        ok: true,
        metrics: { wall: 100 * (side === 'head' ? factor : 1) * jitter },
        details: {},
        durationMs: 1
      }
    }
  }
  return { r, calls }
}

const options = (r: TrialRunner, extra = {}) => ({
  runner: r,
  random: createRandom(42),
  lookSizes: [5, 10, 15],
  maxTimeMs: 60_000,
  test: 't' as const,
  familySize: 1,
  definitionHash: () => 'h',
  ...extra
})

describe('planLooks', () => {
  it('looks every `trials` pairs, three times by default, or up to max-pairs', () => {
    expect(planLooks(10, undefined, 3)).toEqual([10, 20, 30])
    expect(planLooks(10, 25, 3)).toEqual([10, 20, 25])
    expect(planLooks(10, 5, 3)).toEqual([10])
    expect(planLooks(1, undefined, 3)).toEqual([2, 4, 6])
  })
})

describe('runPairedBenchmark', () => {
  it('stops at the first look when a large change is decided', async () => {
    const { r, calls } = runner(1.3)
    const { head: h, base: b } = await runPairedBenchmark(head, base, options(r))
    expect(h.paired).toMatchObject({ pairs: 5, stopReason: 'decided', lookSizes: [5, 10, 15] })
    expect(h.trials).toHaveLength(5)
    expect(b.trials).toHaveLength(5)
    expect(calls).toHaveLength(10)
  })

  it('randomizes which side runs first in each pair, reproducibly from the seed', async () => {
    const first = await runPairedBenchmark(head, base, options(runner(1.3).r))
    const again = await runPairedBenchmark(head, base, options(runner(1.3).r))
    const order = first.head.paired!.firstInPair
    expect(order).toEqual(again.head.paired!.firstInPair)
    const { r, calls } = runner(1.3)
    await runPairedBenchmark(head, base, options(r))
    const firsts = calls.filter((_, i) => i % 2 === 0).map((c) => c.replace(/\d+$/, ''))
    expect(firsts).toEqual(order)
  })

  it('runs to the last look when the evidence stays unclear', async () => {
    // +3 % with 1 % jitter: neither past ±5 % nor surely inside it at 5 or 10 pairs.
    const { r } = runner(1.045)
    const { head: h } = await runPairedBenchmark(head, base, options(r))
    expect(h.paired).toMatchObject({ pairs: 15, stopReason: 'max-pairs' })
  })

  it('with futility, stops a benchmark too noisy to be decided by the last look', async () => {
    // ±30 % jitter: 5 pairs leave it open; 10 say the 15 of the last look will not tell ±5 %.
    const looks: string[] = []
    const progress = {
      benchmarkStart() {},
      trialEnd() {},
      look(_b: BenchmarkConfig, pairs: number, state: string) {
        looks.push(`${pairs} ${state}`)
      },
      benchmarkEnd() {}
    }
    const noisy = () => runner(1, undefined, 0.3).r
    const futile = await runPairedBenchmark(
      head,
      base,
      options(noisy(), { futility: 0.05, progress })
    )
    expect(futile.head.paired).toMatchObject({ pairs: 10, stopReason: 'futile' })
    expect(looks).toEqual(['5 open', '10 futile'])
    const every = await runPairedBenchmark(head, base, options(noisy(), { futility: 0 }))
    expect(every.head.paired).toMatchObject({ pairs: 15, stopReason: 'max-pairs' })
  })

  it('with futility, goes on while the last look may still decide', async () => {
    // ±1 % jitter around +4.5 %: close to the ±5 % threshold, yet 15 pairs may tell.
    const { r } = runner(1.045)
    const { head: h } = await runPairedBenchmark(head, base, options(r, { futility: 0.05 }))
    expect(h.paired).toMatchObject({ pairs: 15, stopReason: 'max-pairs' })
  })

  it('stops at the time cap', async () => {
    let clock = 0
    const { r } = runner(1.045)
    const { head: h } = await runPairedBenchmark(
      head,
      base,
      options(r, { maxTimeMs: 3, now: () => clock++ })
    )
    expect(h.paired!.stopReason).toBe('max-time')
    expect(h.paired!.pairs).toBeLessThan(5)
  })

  it('records an errored head and drops the incomplete pair', async () => {
    const { r } = runner(1, { side: 'head', trial: 3 })
    const { head: h, base: b } = await runPairedBenchmark(head, base, options(r))
    expect(h).toMatchObject({ state: 'errored', error: { message: 'exit 1', trial: 3 } })
    expect(b.state).toBe('ok')
    expect(h.paired).toMatchObject({ pairs: 3, stopReason: 'errored' })
    expect(h.trials).toHaveLength(3)
    expect(b.trials).toHaveLength(3)
  })

  it('measures head alone for a first look when the base cannot run the benchmark', async () => {
    const { r, calls } = runner(1, { side: 'base', trial: 0 })
    const { head: h, base: b } = await runPairedBenchmark(head, base, options(r))
    expect(b).toMatchObject({ state: 'errored', error: { message: 'exit 1', trial: 0 } })
    expect(h.state).toBe('ok')
    expect(h.trials).toHaveLength(5)
    expect(h.paired).toBeUndefined()
    expect(calls.filter((c) => c.startsWith('head'))).toHaveLength(5)
  })
})

describe('runPairedBenchmark with a runner that measures pairs together', () => {
  /** runPair for even pairs only (odd ones fall back to two trials), scripted values. */
  function pairRunner(factor: number) {
    const calls: string[] = []
    const trial = (side: 'base' | 'head', i: number): TrialOutcome => ({
      ok: true,
      metrics: { wall: 100 * (side === 'head' ? factor : 1) * (1 + 0.01 * Math.sin(i * 7)) },
      details: {},
      durationMs: 1
    })
    const r: TrialRunner = {
      async runTrial(benchmark, i) {
        const side = benchmark === head ? 'head' : 'base'
        calls.push(`${side}${i}`)
        return trial(side, i)
      },
      runPair(pair, first, i) {
        if (i % 2 === 1) return undefined
        expect(pair).toEqual({ base, head })
        calls.push(`pair${i}:${first}`)
        return Promise.resolve({ base: trial('base', i), head: trial('head', i) })
      }
    }
    return { r, calls }
  }

  it('takes a pair at once where the runner can, two trials where it cannot, same order rule', async () => {
    const { r, calls } = pairRunner(1.3)
    const { head: h, base: b } = await runPairedBenchmark(head, base, options(r))
    expect(h.trials).toHaveLength(5)
    expect(b.trials).toHaveLength(5)
    expect(calls.filter((c) => c.startsWith('pair'))).toHaveLength(3) // pairs 0, 2, 4
    const first = h.paired!.firstInPair
    for (const i of [0, 2, 4]) expect(calls).toContain(`pair${i}:${first[i]}`)
    for (const i of [1, 3]) {
      const order = calls.filter((c) => c.endsWith(String(i)) && !c.startsWith('pair'))
      expect(order).toEqual(
        first[i] === 'head' ? [`head${i}`, `base${i}`] : [`base${i}`, `head${i}`]
      )
    }
    expect(h.paired).toMatchObject({ pairs: 5, stopReason: 'decided' })
  })

  it('stops as errored when one side of a pair measured together failed', async () => {
    const r: TrialRunner = {
      // The base cannot run it: head alone gets trials up to the first look, one by one.
      runTrial: () =>
        Promise.resolve({ ok: true, metrics: { wall: 100 }, details: {}, durationMs: 1 }),
      runPair: () =>
        Promise.resolve({
          base: { ok: false, message: 'server exited', stderrTail: 'boom', durationMs: 1 },
          head: { ok: true, metrics: { wall: 100 }, details: {}, durationMs: 1 }
        })
    }
    const { head: h, base: b } = await runPairedBenchmark(head, base, {
      ...options(r),
      lookSizes: [1]
    })
    expect(b).toMatchObject({
      state: 'errored',
      error: { message: 'server exited', detail: 'boom' }
    })
    expect(h.state).toBe('ok')
  })
})
