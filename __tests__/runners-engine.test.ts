// The timing engine in-process (the worker runs this same code).
import { measureFunction } from '../src/runners/function/engine.js'

describe('measureFunction', () => {
  it('batches a fast function so each sample spans the minimum batch time', async () => {
    let calls = 0
    const m = await measureFunction(
      () => calls++,
      {},
      { timeMs: 50, warmupMs: 10, minBatchNs: 50_000 }
    )
    expect(m.batchSize).toBeGreaterThan(1)
    expect(m.samples).toBeGreaterThanOrEqual(10)
    // Every sampled batch ran batchSize calls, on top of calibration and warm-up.
    expect(calls).toBeGreaterThan(m.samples * m.batchSize)
    expect(m.p50).toBeGreaterThan(0)
    expect(m.async).toBe(false)
  })

  it('takes at least minSamples even when each call is slow', async () => {
    const m = await measureFunction(
      () => {
        const end = performance.now() + 2
        while (performance.now() < end) {
          // busy for 2 ms
        }
      },
      {},
      { timeMs: 1, warmupMs: 0, minSamples: 5 }
    )
    expect(m.samples).toBe(5)
    expect(m.batchSize).toBe(1)
    expect(m.p50).toBeGreaterThanOrEqual(2) // each call busy-waits 2 ms: a lower bound
  })

  it('awaits async functions and runs setup and teardown once', async () => {
    const events: string[] = []
    const m = await measureFunction(
      async () => {
        await null
      },
      {
        setup: () => void events.push('setup'),
        teardown: async () => void events.push('teardown')
      },
      { timeMs: 20, warmupMs: 5 }
    )
    expect(m.async).toBe(true)
    expect(events).toEqual(['setup', 'teardown'])
  })

  it('runs teardown even when the function throws', async () => {
    const events: string[] = []
    await expect(
      measureFunction(
        () => {
          throw new Error('nope')
        },
        { teardown: () => void events.push('teardown') },
        { timeMs: 10, warmupMs: 0 }
      )
    ).rejects.toThrow('nope')
    expect(events).toEqual(['teardown'])
  })
})
