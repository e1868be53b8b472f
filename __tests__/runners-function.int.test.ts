// Real worker processes on fixture bench files (__fixtures__/bench).
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import { runFunctionTrial } from '../src/runners/function/runner.js'
import { functionBenchmark, waitUntilGone } from './helpers/benchmarks.js'

const scratch = mkdtempSync(path.join(tmpdir(), 'perfgate-test-'))

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

describe('the worker Node', () => {
  it('knows which versions strip TypeScript types natively', async () => {
    const { stripsTypes } = await import('../src/runtime-files.js')
    expect(['v20.20.2', 'v22.17.0', 'v23.5.0'].map(stripsTypes)).toEqual([false, false, false])
    expect(['v22.18.0', 'v23.6.0', 'v24.4.0'].map(stripsTypes)).toEqual([true, true, true])
  })
})
