// The suite runner with a scripted TrialRunner (the real one is tested in runners-*).
import type { BenchmarkConfig } from '../src/config/types.js'
import type { TrialOutcome, TrialRunner } from '../src/runners/types.js'
import { runSuite, type ProgressListener } from '../src/schedule/suite.js'
import { commandBenchmark } from './helpers/benchmarks.js'

function scripted(
  script: Record<string, (trial: number) => TrialOutcome>
): TrialRunner & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async runTrial(benchmark: BenchmarkConfig, trial: number) {
      calls.push(`${benchmark.name}#${trial}`)
      return script[benchmark.name]!(trial)
    }
  }
}

const ok = (wall: number): TrialOutcome => ({
  ok: true,
  metrics: { wall },
  details: {},
  durationMs: wall
})

describe('runSuite', () => {
  it('runs every trial, summarizes, and keeps going after an errored benchmark', async () => {
    const a = { ...commandBenchmark('a'), name: 'a', trials: 3 }
    const b = { ...commandBenchmark('b'), name: 'b', trials: 3 }
    const c = { ...commandBenchmark('c'), name: 'c', trials: 2 }
    const runner = scripted({
      a: (t) => ok([10, 30, 20][t]!),
      b: (t) =>
        t === 0 ? ok(5) : { ok: false, message: 'exit 1', stderrTail: 'oops', durationMs: 1 },
      c: () => ok(7)
    })
    const events: string[] = []
    const progress: ProgressListener = {
      benchmarkStart: (bench, position, total) =>
        events.push(`start ${bench.name} ${position}/${total}`),
      trialEnd: (bench, trial, trials, outcome) =>
        events.push(`${bench.name} ${trial + 1}/${trials} ${outcome.ok}`),
      benchmarkEnd: (result) => events.push(`end ${result.name} ${result.state}`)
    }
    const results = await runSuite([a, b, c], {
      runner,
      progress,
      definitionHash: (x) => `hash-${x.name}`
    })

    expect(runner.calls).toEqual(['a#0', 'a#1', 'a#2', 'b#0', 'b#1', 'c#0', 'c#1'])
    expect(results.map((r) => r.state)).toEqual(['ok', 'errored', 'ok'])
    expect(results[0]!.summary.wall).toEqual({
      median: 20,
      min: 10,
      max: 30,
      spread: (1.4826 * 10) / 20,
      n: 3
    })
    expect(results[1]).toMatchObject({
      state: 'errored',
      error: { message: 'exit 1', detail: 'oops', trial: 1 },
      definitionHash: 'hash-b'
    })
    expect(results[1]!.trials).toHaveLength(1)
    expect(events).toEqual([
      'start a 1/3',
      'a 1/3 true',
      'a 2/3 true',
      'a 3/3 true',
      'end a ok',
      'start b 2/3',
      'b 1/3 true',
      'b 2/3 false',
      'end b errored',
      'start c 3/3',
      'c 1/2 true',
      'c 2/2 true',
      'end c ok'
    ])
  })

  it('lets --trials override every benchmark', async () => {
    const runner = scripted({ a: () => ok(1) })
    const [result] = await runSuite([{ ...commandBenchmark('a'), name: 'a', trials: 10 }], {
      runner,
      trials: 2,
      definitionHash: () => 'h'
    })
    expect(result!.trials).toHaveLength(2)
  })
})
