// Real HTTP servers (node:http fixtures) started, loaded with autocannon and stopped.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import path from 'node:path'
import { cpuSplit, ownCpuList, parseCpuList } from '../src/process/affinity.js'
import { liveChildCount } from '../src/process/children.js'
import { HttpTrialRunner } from '../src/runners/http/runner.js'
import { freePort } from '../src/runners/http/server.js'
import type { HttpSpec } from '../src/config/types.js'
import { createProcessTrialRunner } from '../src/runners/index.js'
import { commandBenchmark, httpBenchmark } from './helpers/benchmarks.js'
import { scratchDir } from './helpers/scratch.js'

const runner = new HttpTrialRunner()

async function trial(...args: Parameters<typeof httpBenchmark>) {
  const benchmark = httpBenchmark(...args)
  return runner.runTrial(benchmark, benchmark.spec)
}

/** No server process may outlive a trial, whatever happened in it. */
afterEach(async () => {
  for (let i = 0; i < 50 && liveChildCount() > 0; i++) await new Promise((r) => setTimeout(r, 20))
  expect(liveChildCount()).toBe(0)
})

describe('HTTP trials', () => {
  it('measures latency percentiles, throughput and the server process tree', async () => {
    const outcome = await trial('ok')
    if (!outcome.ok) throw new Error(`${outcome.message}\n${outcome.stderrTail}`)
    const m = outcome.metrics
    // Figures of a real load are not checked against expectations, only for consistency.
    expect(m.rps).toBeGreaterThan(0)
    expect(m.errors).toBe(0)
    expect(m.p50!).toBeGreaterThan(0)
    expect(m.p50!).toBeLessThanOrEqual(m.p90!)
    expect(m.p90!).toBeLessThanOrEqual(m.p95!)
    expect(m.p95!).toBeLessThanOrEqual(m.p99!)
    expect(m.p99!).toBeLessThanOrEqual(m.p999!)
    expect(m.p999!).toBeLessThanOrEqual(m.max! * 1.001)
    expect(m.serverCpu).toBeGreaterThan(0)
    expect(m.rss).toBeGreaterThan(10e6)
    expect(m.throughput).toBeGreaterThan(m.rps! * 5) // "hello" plus headers per response
    expect(typeof outcome.details.histogram).toBe('string')
    expect(typeof outcome.details.loadgenSaturated).toBe('boolean')
  })

  it('counts 5xx answers as errors, and fails a trial with no successful response', async () => {
    const outcome = await trial('ok', '/fail')
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && outcome.message).toMatch(
      /^no successful response in 0.4 s of load \(\d+ non-2xx, 0 connection errors, 0 timeouts\)$/
    )
  })

  it('counts request timeouts', async () => {
    const benchmark = httpBenchmark('ok', '/hang', {
      load: { timeoutMs: 1000, durationMs: 1500, warmupMs: 0 }
    })
    const outcome = await runner.runTrial(benchmark, benchmark.spec)
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && outcome.message).toMatch(
      /0 non-2xx, \d+ connection errors, [1-9]\d* timeouts\)$/
    )
  })

  it('reports a command that is not found', async () => {
    const benchmark = httpBenchmark('', '/ok', {
      server: { command: 'no-such-server-binary --port {port}' }
    })
    const outcome = await runner.runTrial(benchmark, benchmark.spec)
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^server exited with code 127 before it was ready/)
    })
    expect(!outcome.ok && outcome.stderrTail).toContain('not found')
  })

  it('reports a server that exits before it is ready, with its stderr', async () => {
    const outcome = await trial('exit-early')
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^server exited with code 1 before it was ready \(http:\/\/127\.0\.0\.1:\d+\/health\)$/
      ),
      stderrTail: 'fatal: DATABASE_URL is not set'
    })
  })

  it('gives up on a server that never gets ready, and stops it', async () => {
    const benchmark = httpBenchmark('never-ready', '/ok', { server: { readyTimeoutMs: 600 } })
    const outcome = await runner.runTrial(benchmark, benchmark.spec)
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^server not ready after 0.6 s: http:\/\/127\.0\.0\.1:\d+\/health \(last: status 503\)$/
      ),
      stderrTail: 'warming caches…'
    })
  })

  it('explains a port that is already taken', async () => {
    const port = await freePort()
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const benchmark = httpBenchmark(`ok --port ${port}`, '/ok', {
        server: { readyUrl: `http://127.0.0.1:${port + 0}/health`, readyTimeoutMs: 2000 }
      })
      const outcome = await runner.runTrial(benchmark, benchmark.spec)
      expect(outcome.ok).toBe(false)
      expect(!outcome.ok && outcome.stderrTail).toContain('EADDRINUSE')
    } finally {
      blocker.close()
    }
  })

  it('reports a server that crashes during load', async () => {
    const outcome = await trial('crash-after 300', '/ok', {
      load: { warmupMs: 0, durationMs: 1000 }
    })
    expect(outcome).toMatchObject({
      ok: false,
      message: 'server exited with code 3 during load',
      stderrTail: 'crashing after 300 requests'
    })
  })

  it('keeps one server across trials with restart: once, and stops it on release', async () => {
    const benchmark = httpBenchmark('ok', '/ok', { server: { restart: 'once' } })
    const first = await runner.runTrial(benchmark, benchmark.spec)
    const second = await runner.runTrial(benchmark, benchmark.spec)
    expect(first.ok && second.ok).toBe(true)
    expect(liveChildCount()).toBe(1)
    await runner.release(benchmark)
    expect(liveChildCount()).toBe(0)
  })

  it('records at a fixed rate (open loop)', async () => {
    const outcome = await trial('ok', '/ok', { load: { rate: 200, durationMs: 1000, warmupMs: 0 } })
    if (!outcome.ok) throw new Error(outcome.message)
    // The rate caps the load (a busy machine can only send fewer requests, never more);
    // an open-loop load is never called saturated.
    expect(outcome.metrics.rps).toBeGreaterThan(0)
    expect(outcome.metrics.rps).toBeLessThanOrEqual(200 * 1.3)
    expect(outcome.details.loadgenSaturated).toBe(false)
  })
})

describe('interleaved HTTP pairs', () => {
  const pairOf = (
    base: ReturnType<typeof httpBenchmark>,
    head: ReturnType<typeof httpBenchmark>
  ) => ({
    base: { benchmark: base, spec: base.spec },
    head: { benchmark: head, spec: head.spec }
  })

  it('measures both servers in alternating slices, each side its own cost and latency', async () => {
    const base = httpBenchmark('ok', '/ok', { load: { durationMs: 600, warmupMs: 100 } })
    const head = httpBenchmark('ok', '/ok', { load: { durationMs: 600, warmupMs: 100 } })
    const pair = await runner.runPair(pairOf(base, head), 'head')
    for (const side of ['base', 'head'] as const) {
      const outcome = pair[side]
      if (!outcome.ok) throw new Error(`${side}: ${outcome.message}\n${outcome.stderrTail}`)
      // 600 ms in 100 ms slices: 6 slices per side, in the order head, base, base, head, …
      expect(outcome.details.interleavedSlices).toBe(6)
      // Each side's load lasted about its 0.6 s (slices end on autocannon's 20 ms tick).
      expect(outcome.details.seconds).toBeGreaterThan(0.55)
      expect(outcome.details.seconds).toBeLessThan(1.5)
      expect(outcome.metrics.p50!).toBeGreaterThan(0)
      expect(outcome.metrics.p50!).toBeLessThanOrEqual(outcome.metrics.p99!)
      expect(outcome.metrics.cpuPerRequest).toBeGreaterThan(0)
      expect(outcome.metrics.serverCpu).toBeGreaterThan(0)
      expect(outcome.metrics.rss).toBeGreaterThan(10e6)
    }
  })

  it('gives the other side an ordinary trial when one server cannot start', async () => {
    const base = httpBenchmark('exit-early')
    const head = httpBenchmark('ok')
    const pair = await runner.runPair(pairOf(base, head), 'base')
    expect(pair.base).toMatchObject({ ok: false, stderrTail: 'fatal: DATABASE_URL is not set' })
    expect(pair.head.ok).toBe(true)
    expect(pair.head.ok && pair.head.details.interleavedSlices).toBeUndefined()
  })

  it('fails only the side whose server crashes, and stops both', async () => {
    const base = httpBenchmark('ok', '/ok', { load: { warmupMs: 0, durationMs: 1000 } })
    const head = httpBenchmark('crash-after 300', '/ok', {
      load: { warmupMs: 0, durationMs: 1000 }
    })
    const pair = await runner.runPair(pairOf(base, head), 'base')
    expect(pair.head).toMatchObject({
      ok: false,
      message: 'server exited with code 3 during load',
      stderrTail: 'crashing after 300 requests'
    })
    expect(pair.base.ok).toBe(true)
  })

  it('pairs closed-loop HTTP benchmarks unless interleave is false, never commands', () => {
    const runner = createProcessTrialRunner()
    const pairOfConfigs = (load: Partial<HttpSpec['load']>) => ({
      base: httpBenchmark('ok', '/ok', { load }),
      head: httpBenchmark('ok', '/ok', { load })
    })
    expect(runner.runPair!(pairOfConfigs({ interleave: false }), 'base', 0)).toBeUndefined()
    expect(runner.runPair!(pairOfConfigs({ rate: 100 }), 'base', 0)).toBeUndefined()
    const command = commandBenchmark('true')
    expect(runner.runPair!({ base: command, head: command }, 'head', 0)).toBeUndefined()
  })

  it('keeps both servers across pairs with restart: once, and stops them on release', async () => {
    const base = httpBenchmark('ok', '/ok', { server: { restart: 'once' } })
    const head = httpBenchmark('ok', '/ok', { server: { restart: 'once' } })
    const first = await runner.runPair(pairOf(base, head), 'base')
    const second = await runner.runPair(pairOf(base, head), 'head')
    expect([first.base.ok, first.head.ok, second.base.ok, second.head.ok]).toEqual([
      true,
      true,
      true,
      true
    ])
    expect(liveChildCount()).toBe(2)
    await runner.release(base)
    await runner.release(head)
    expect(liveChildCount()).toBe(0)
  })
})

describe('CPUs of an HTTP trial (Linux, 2+ CPUs)', () => {
  const split = cpuSplit()
  const ownCpus = () => ownCpuList()!
  const pinnedIt = split ? it : it.skip

  pinnedIt(
    'runs the server on its CPUs and the load generator on its own, then restores perfgate',
    async () => {
      const dir = scratchDir('perfgate-cpus-')
      const before = ownCpus()
      const benchmark = httpBenchmark('ok', '/ok', {
        server: { env: { CPUS_FILE: path.join(dir, 'server') } }
      })
      let duringLoad: string | undefined
      const outcome = await runner.runTrial(benchmark, benchmark.spec, () => {
        duringLoad = ownCpus()
      })
      if (!outcome.ok) throw new Error(outcome.message)
      expect(parseCpuList(readFileSync(path.join(dir, 'server'), 'utf8'))).toEqual(
        parseCpuList(split!.server)
      )
      expect(parseCpuList(duringLoad!)).toEqual(parseCpuList(split!.loadgen))
      expect(outcome.details).toMatchObject({
        serverCpus: split!.server,
        loadgenCpus: split!.loadgen
      })
      expect(ownCpus()).toBe(before)
      // An interleaved pair: both servers on the server's CPUs, perfgate restored after.
      const base = httpBenchmark('ok', '/ok', {
        server: { env: { CPUS_FILE: path.join(dir, 'base') } }
      })
      const head = httpBenchmark('ok', '/ok', {
        server: { env: { CPUS_FILE: path.join(dir, 'head') } }
      })
      const pair = await runner.runPair(
        {
          base: { benchmark: base, spec: base.spec },
          head: { benchmark: head, spec: head.spec }
        },
        'base'
      )
      expect(pair.base.ok && pair.head.ok).toBe(true)
      for (const side of ['base', 'head']) {
        expect(parseCpuList(readFileSync(path.join(dir, side), 'utf8'))).toEqual(
          parseCpuList(split!.server)
        )
      }
      expect(ownCpus()).toBe(before)
    }
  )

  const linuxIt = process.platform === 'linux' ? it : it.skip

  linuxIt('leaves every CPU to both with pin: false', async () => {
    const dir = scratchDir('perfgate-cpus-')
    const benchmark = httpBenchmark('ok', '/ok', {
      server: { env: { CPUS_FILE: path.join(dir, 'server') } },
      load: { pin: false }
    })
    const outcome = await runner.runTrial(benchmark, benchmark.spec)
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.details.serverCpus).toBeUndefined()
    expect(readFileSync(path.join(dir, 'server'), 'utf8')).toBe(ownCpus())
  })
})

describe('freePort', () => {
  it('returns a port that can be listened on', async () => {
    const port = await freePort()
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', resolve)
    })
    server.close()
  })
})

describe('HTTP trial timeout', () => {
  it('stops the load and the server, and leaves nothing running that keeps perfgate alive', async () => {
    const local = new HttpTrialRunner()
    // A load of 30 s that the 1.5 s trial timeout must cut short.
    const benchmark = httpBenchmark(
      'ok',
      '/ok',
      { load: { durationMs: 30_000, warmupMs: 0 } },
      1500
    )
    const started = performance.now()
    const outcome = await local.runTrial(benchmark, benchmark.spec)
    expect(outcome).toMatchObject({
      ok: false,
      message: 'trial timed out after 1.5 s (load stopped, server killed)'
    })
    expect(performance.now() - started).toBeLessThan(30_000)
  })
})
