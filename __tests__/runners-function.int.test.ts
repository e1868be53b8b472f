// Real worker processes on fixture bench files (__fixtures__/bench).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import {
  FUNCTION_SLICE_MS,
  runFunctionPair,
  runFunctionTrial
} from '../src/runners/function/runner.js'
import { createProcessTrialRunner } from '../src/runners/index.js'
import type { Side } from '../src/runners/types.js'
import { functionBenchmark, waitUntilGone } from './helpers/benchmarks.js'
import { scratchDir } from './helpers/scratch.js'

const scratch = scratchDir('perfgate-test-')

async function trial(
  file: string,
  ...rest: Parameters<typeof functionBenchmark> extends [string, ...infer R] ? R : never
) {
  const benchmark = functionBenchmark(file, ...rest)
  return runFunctionTrial(benchmark, benchmark.spec)
}

afterEach(() => {
  expect(liveChildCount()).toBe(0)
})

describe('function worker', () => {
  it('measures a TypeScript bench file that imports perfgate', async () => {
    const outcome = await trial('sum.bench.ts')
    if (!outcome.ok) throw new Error(outcome.message)
    const m = outcome.metrics
    expect(m.p50).toBeGreaterThan(0)
    expect(m.p50!).toBeLessThanOrEqual(m.p95!)
    expect(m.p95!).toBeLessThanOrEqual(m.p99!)
    expect(m.p99!).toBeLessThanOrEqual(m.max!)
    expect(m.ops).toBeCloseTo(1000 / m.mean!, 6)
    expect(outcome.details.batchSize).toBeGreaterThan(1)
    expect(outcome.details.samples).toBeGreaterThanOrEqual(10)
    expect(outcome.details.async).toBe(false)
  })

  it('measures TypeScript benches in a CommonJS package, their imports compiled to require()', async () => {
    const own = await trial('commonjs/sum.bench.ts')
    if (!own.ok) throw new Error(own.message)
    expect(own.metrics.p50).toBeGreaterThan(0)
    const vitest = await trial('commonjs/vitest.bench.ts', { bench: 'strings › join' })
    if (!vitest.ok) throw new Error(vitest.message)
    expect(vitest.metrics.p50).toBeGreaterThan(0)
  })

  it('measures a leak of Buffers outside the heap as memory growth, and the peak RSS', async () => {
    const outcome = await trial('leak.bench.js', { timeMs: 30, warmupMs: 5 })
    if (!outcome.ok) throw new Error(outcome.message)
    const m = outcome.metrics
    // Each sampled call keeps 1 MiB: the growth is that, to within a factor of two.
    const calls = Number(outcome.details.samples) * Number(outcome.details.batchSize)
    expect(calls).toBeGreaterThanOrEqual(10)
    const leaked = calls * 1024 * 1024
    expect(m.memory!).toBeGreaterThan(leaked / 2)
    expect(m.memory!).toBeLessThan(leaked * 2)
    // The heap holds only the references: it alone would show no leak.
    expect(Math.abs(m.heap!)).toBeLessThan(leaked / 10)
    // The worker needed at least what it kept.
    expect(m.rss!).toBeGreaterThan(m.memory!)
  })

  it('awaits async benches', async () => {
    const outcome = await trial('async.bench.js')
    expect(outcome.ok && outcome.details.async).toBe(true)
  })

  it('runs setup and teardown once per trial', async () => {
    const log = path.join(scratch, 'setup.log')
    process.env.PERFGATE_TEST_LOG = log
    const outcome = await trial('setup.bench.js')
    expect(outcome.ok).toBe(true)
    expect(readFileSync(log, 'utf8')).toBe('setup\nteardown\n')
  })

  it('reports a bench that throws with its message and stack', async () => {
    const outcome = await trial('throws.bench.js')
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.message).toBe('boom in bench')
    expect(outcome.stderrTail).toContain('throws.bench.js')
  })

  it('reports a worker that dies with its exit code and stderr tail', async () => {
    const outcome = await trial('crash.bench.js')
    expect(outcome).toMatchObject({
      ok: false,
      message: 'worker exited with code 7 before reporting a result',
      stderrTail: 'fatal: out of coffee'
    })
  })

  it('kills a worker that times out, and the processes it started', async () => {
    const pidFile = path.join(scratch, 'hang.pid')
    process.env.PERFGATE_TEST_PIDFILE = pidFile
    const outcome = await trial('hang.bench.js', {}, 3000)
    expect(outcome).toMatchObject({
      ok: false,
      message: 'trial timed out after 3 s (worker killed)'
    })
    const grandchild = Number(readFileSync(pidFile, 'utf8'))
    expect(grandchild).toBeGreaterThan(0)
    expect(await waitUntilGone(grandchild)).toBe(true)
  })

  it('picks a bench by name, and explains an ambiguous file', async () => {
    const picked = await trial('multi.bench.js', { bench: 'concat' })
    expect(picked.ok).toBe(true)
    const ambiguous = await trial('multi.bench.js')
    expect(ambiguous).toMatchObject({
      ok: false,
      message: `${path.join(
        path.dirname(functionBenchmark('x').spec.file),
        'multi.bench.js'
      )} registers "join", "concat", none named "multi.bench.js"; set function.bench in perfgate.yml to one of them`
    })
  })

  it('explains a file that registers no bench', async () => {
    const outcome = await trial('empty.bench.js')
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && outcome.message).toMatch(
      /registers no bench; expected a call such as bench\('name', \(\) => work\(\)\)/
    )
  })
})

/** An interleaved pair of two fixture files (base, head), `first` in front. */
async function pair(
  files: Readonly<Record<Side, string>>,
  first: Side = 'base',
  overrides: Parameters<typeof functionBenchmark>[1] = {},
  timeoutMs?: number | Readonly<Record<Side, number>>
) {
  const timeout = (side: Side) => (typeof timeoutMs === 'object' ? timeoutMs[side] : timeoutMs)
  const base = functionBenchmark(files.base, overrides, timeout('base'))
  const head = functionBenchmark(files.head, overrides, timeout('head'))
  return runFunctionPair(
    { base: { benchmark: base, spec: base.spec }, head: { benchmark: head, spec: head.spec } },
    first
  )
}

describe('interleaved function pair', () => {
  it('measures both sides, each over its own slices, and stops both workers', async () => {
    const timeMs = 4 * FUNCTION_SLICE_MS
    for (const first of ['base', 'head'] as const) {
      const outcomes = await pair({ base: 'sum.bench.ts', head: 'sum.bench.ts' }, first, { timeMs })
      for (const side of ['base', 'head'] as const) {
        const outcome = outcomes[side]
        if (!outcome.ok) throw new Error(`${side}: ${outcome.message}`)
        // Slices of at least FUNCTION_SLICE_MS until the side has sampled timeMs.
        expect(outcome.details.interleavedSlices).toBeGreaterThanOrEqual(1)
        expect(outcome.details.interleavedSlices).toBeLessThanOrEqual(4)
        expect(outcome.details.samples).toBeGreaterThanOrEqual(10)
        expect(outcome.metrics.p50!).toBeGreaterThan(0)
        expect(outcome.metrics.p50!).toBeLessThanOrEqual(outcome.metrics.max!)
        expect(outcome.metrics.ops).toBeCloseTo(1000 / outcome.metrics.mean!, 6)
      }
    }
  })

  it("runs each side's setup and teardown once", async () => {
    const log = path.join(scratch, 'pair-setup.log')
    process.env.PERFGATE_TEST_LOG = log
    const outcomes = await pair({ base: 'setup.bench.js', head: 'setup.bench.js' })
    expect(outcomes.base.ok && outcomes.head.ok).toBe(true)
    const lines = readFileSync(log, 'utf8').trim().split('\n').sort()
    expect(lines).toEqual(['setup', 'setup', 'teardown', 'teardown'])
  })

  it('fails only the side whose bench throws; the other samples alone', async () => {
    const outcomes = await pair({ base: 'throws.bench.js', head: 'sum.bench.ts' }, 'base', {
      timeMs: 4 * FUNCTION_SLICE_MS
    })
    expect(outcomes.base).toMatchObject({ ok: false, message: 'boom in bench' })
    expect(outcomes.head.ok && outcomes.head.details.interleavedSlices).toBeGreaterThanOrEqual(1)
  })

  it('samples a call longer than a slice at least ten times, as a single trial does', async () => {
    const outcomes = await pair({ base: 'slow.bench.js', head: 'slow.bench.js' }, 'head', {
      timeMs: 50
    })
    for (const side of ['base', 'head'] as const) {
      const outcome = outcomes[side]
      if (!outcome.ok) throw new Error(`${side}: ${outcome.message}`)
      // One call per slice; the side stops once it has 10 batches and 50 ms of sampling.
      expect(outcome.details).toMatchObject({ batchSize: 1, samples: 10, interleavedSlices: 10 })
    }
  })

  it('fails only the side whose worker dies, mid-pair or at load', async () => {
    const later = await pair({ base: 'sum.bench.ts', head: 'dies-later.bench.js' }, 'head', {
      timeMs: 1000
    })
    expect(later.head).toMatchObject({
      ok: false,
      message: 'worker exited with code 9 before reporting a result',
      stderrTail: 'fatal: gave up mid-sampling'
    })
    expect(later.base.ok && later.base.details.interleavedSlices).toBeGreaterThanOrEqual(1)
    const atLoad = await pair({ base: 'crash.bench.js', head: 'sum.bench.ts' })
    expect(atLoad.base).toMatchObject({ ok: false, stderrTail: 'fatal: out of coffee' })
    expect(atLoad.head.ok).toBe(true)
  })

  it('kills a side that hangs on its own timeout, and what it started; the other goes on', async () => {
    const pidFile = path.join(scratch, 'pair-hang.pid')
    process.env.PERFGATE_TEST_PIDFILE = pidFile
    // The side that goes on keeps the default timeout: on a loaded machine its own start
    // (a TypeScript bench through tsx) may take longer than the hanging side is given.
    const outcomes = await pair(
      { base: 'sum.bench.ts', head: 'hang.bench.js' },
      'base',
      {},
      {
        base: 60_000,
        // Long enough for the hanging worker to start its grandchild on a loaded machine.
        head: 8000
      }
    )
    expect(outcomes.head).toMatchObject({
      ok: false,
      message: 'trial timed out after 8 s (worker killed)'
    })
    expect(outcomes.base.ok).toBe(true)
    expect(await waitUntilGone(Number(readFileSync(pidFile, 'utf8')))).toBe(true)
  })
})

describe('the process runner', () => {
  it('pairs function benchmarks unless interleave is false', async () => {
    const runner = createProcessTrialRunner()
    const off = functionBenchmark('sum.bench.ts', { interleave: false })
    expect(runner.runPair!({ base: off, head: off }, 'base', 0)).toBeUndefined()
    const on = functionBenchmark('sum.bench.ts')
    const outcomes = await runner.runPair!({ base: on, head: on }, 'head', 0)
    expect(outcomes?.base.ok && outcomes.base.details.interleavedSlices).toBeGreaterThan(0)
    expect(outcomes?.head.ok && outcomes.head.details.interleavedSlices).toBeGreaterThan(0)
  })
})

describe('the worker Node', () => {
  it('knows which versions strip TypeScript types natively', async () => {
    const { stripsTypes } = await import('../src/runtime-files.js')
    expect(['v20.20.2', 'v22.17.0', 'v23.5.0'].map(stripsTypes)).toEqual([false, false, false])
    expect(['v22.18.0', 'v23.6.0', 'v24.4.0'].map(stripsTypes)).toEqual([true, true, true])
  })
})
