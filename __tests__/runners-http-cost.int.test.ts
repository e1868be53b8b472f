// The server CPU per request (its whole process tree over the measured window) and disk
// bytes, on real servers whose CPU per request is known from below: each request burns at
// least BURN_MS of CPU by the burning process's own clock. Assertions are bounds that hold
// whatever the machine's load: the tree's CPU over the window is at least the burns of the
// responses counted in it, up to /proc's tick rounding (reported with each trial).
import { parseBudget } from '../src/config/normalize/metrics.js'
import { liveChildCount } from '../src/process/children.js'
import { snapshotTree, treeWindow, type TreeSnapshot } from '../src/runners/http/proc-tree.js'
import { HttpTrialRunner } from '../src/runners/http/runner.js'
import { httpBenchmark } from './helpers/benchmarks.js'

const runner = new HttpTrialRunner()
const linux = process.platform === 'linux'

afterEach(async () => {
  for (let i = 0; i < 50 && liveChildCount() > 0; i++) await new Promise((r) => setTimeout(r, 20))
  expect(liveChildCount()).toBe(0)
})

async function costTrial(mode: string, durationMs = 800) {
  const benchmark = httpBenchmark('', '/work', {
    server: { command: `node cost-server.js ${mode}` },
    load: { connections: 2, durationMs, warmupMs: 200 }
  })
  const outcome = await runner.runTrial(benchmark, benchmark.spec)
  if (!outcome.ok) throw new Error(`${outcome.message}\n${outcome.stderrTail}`)
  const cpu = outcome.metrics.cpuPerRequest!
  const error = outcome.details.cpuPerRequestError as number
  return { outcome, cpu, error }
}

const describeLinux = linux ? describe : describe.skip

describeLinux('server CPU per request (Linux /proc)', () => {
  it('counts the server itself: at least the burn per response, and not many times more', async () => {
    const { outcome, cpu, error } = await costTrial('inline 3')
    expect(outcome.details.responses).toBeGreaterThan(0)
    expect(error).toBeGreaterThanOrEqual(0)
    expect(cpu + error).toBeGreaterThanOrEqual(3)
    expect(cpu).toBeLessThan(3 * 6 + error)
    // The division is by the responses counted: CPU seconds ÷ responses, in ms.
    const seconds = outcome.details.cpuSeconds as number
    expect(cpu).toBeCloseTo((seconds * 1000) / (outcome.details.responses as number), 9)
    expect(outcome.details.cpuProcesses).toBeGreaterThanOrEqual(1)
  })

  it('counts a worker forked at start (a live descendant)', async () => {
    const { outcome, cpu, error } = await costTrial('worker 3')
    // The relaying server alone uses far less than 3 ms per request: the worker is counted.
    expect(cpu + error).toBeGreaterThanOrEqual(3)
    expect(outcome.details.cpuProcesses).toBeGreaterThanOrEqual(2)
  })

  it('counts a child started and reaped per request (in its parent’s cutime)', async () => {
    const { outcome, cpu, error } = await costTrial('fork-per-request 20', 1500)
    expect(outcome.details.responses).toBeGreaterThan(0)
    expect(cpu + error).toBeGreaterThanOrEqual(20)
  })

  it('makes the trial an error, with the server’s words, when it exits mid-trial', async () => {
    const benchmark = httpBenchmark('', '/work', {
      server: { command: 'node cost-server.js worker-dies-after 30' },
      load: { connections: 2, durationMs: 5000, warmupMs: 0 }
    })
    const outcome = await runner.runTrial(benchmark, benchmark.spec)
    expect(outcome).toMatchObject({
      ok: false,
      message: 'server exited with code 4 during load',
      stderrTail: 'worker exited; shutting down'
    })
  })

  it('reports disk bytes of the window', async () => {
    const { outcome } = await costTrial('inline 1')
    // Readable for our own processes: present, whole bytes, not negative.
    for (const metric of ['diskRead', 'diskWrite'] as const) {
      expect(Number.isInteger(outcome.metrics[metric])).toBe(true)
      expect(outcome.metrics[metric]).toBeGreaterThanOrEqual(0)
    }
  })

  it('reads nothing for a process group that does not exist', () => {
    // Above the kernel's largest pid (2^22).
    expect(snapshotTree(2 ** 22 + 12345)).toBeUndefined()
  })
})

describe('treeWindow accounting', () => {
  type Counters = { threads?: Record<number, number>; ticks: [number, number, number, number] }
  const snap = (processes: Record<string, Counters>, io?: [number, number]): TreeSnapshot => ({
    processes: new Map(
      Object.entries(processes).map(([key, p]) => [
        key,
        {
          ticks: p.ticks,
          ...(p.threads
            ? { threads: new Map(Object.entries(p.threads).map(([t, ns]) => [Number(t), ns])) }
            : {})
        }
      ])
    ),
    ...(io ? { io: { read: io[0], write: io[1] } } : {})
  })
  const MS = 1e6

  it('counts a worker that exits and is reaped inside the window once, in full', () => {
    // Start: the server's threads at 1000 + 50 ms, the worker's at 550 ms. End: the server's
    // threads at 1300 + 60 ms, the worker reaped with 870 ms in all (87 ticks in the
    // server's cutime + cstime).
    const start = snap(
      {
        '10:1': { threads: { 10: 1000 * MS, 12: 50 * MS }, ticks: [100, 5, 0, 0] },
        '11:2': { threads: { 11: 550 * MS }, ticks: [50, 5, 0, 0] }
      },
      [0, 4096]
    )
    const end = snap(
      { '10:1': { threads: { 10: 1300 * MS, 12: 60 * MS }, ticks: [130, 6, 80, 7] } },
      [8192, 4096 + 87 * 512]
    )
    const window = treeWindow(start, end)
    // Server 310 ms + the worker's 870 − 550 = 320 ms in the window.
    expect(window.cpuSeconds).toBeCloseTo(0.63, 9)
    // Rounded counters: the server's cutime and cstime (its own threads are exact).
    expect(window.errorSeconds).toBeCloseTo(0.02, 12)
    expect(window).toMatchObject({ processes: 2, readBytes: 8192, writeBytes: 87 * 512 })
  })

  it('counts a process and a thread started inside the window from zero', () => {
    const start = snap({ '10:1': { threads: { 10: 100 * MS }, ticks: [10, 0, 0, 0] } })
    const end = snap({
      '10:1': { threads: { 10: 110 * MS, 13: 5 * MS }, ticks: [11, 0, 0, 0] },
      '12:9': { threads: { 12: 40 * MS }, ticks: [4, 0, 0, 0] }
    })
    const window = treeWindow(start, end)
    expect(window.cpuSeconds).toBeCloseTo(0.055, 9)
    expect(window.errorSeconds).toBe(0)
  })

  it('falls back to the tick counters where the threads could not be read', () => {
    const start = snap({ '10:1': { ticks: [100, 10, 0, 0] } })
    const end = snap({ '10:1': { ticks: [130, 12, 0, 0] } })
    const window = treeWindow(start, end)
    expect(window.cpuSeconds).toBeCloseTo(0.32, 9)
    expect(window.errorSeconds).toBeCloseTo(0.02, 12)
  })

  it('tells a reused pid apart by its start time', () => {
    const start = snap({ '10:1': { threads: { 10: 100 * MS }, ticks: [10, 0, 0, 0] } })
    const end = snap({ '10:7': { threads: { 10: 5 * MS }, ticks: [0, 0, 0, 0] } })
    expect(treeWindow(start, end).processes).toBe(2)
  })

  it('leaves disk bytes out when a process’s I/O was unreadable at an edge', () => {
    const one = { ticks: [1, 0, 0, 0] } as Counters
    const window = treeWindow(snap({ '10:1': one }, [0, 0]), snap({ '10:1': one }))
    expect(window.readBytes).toBeUndefined()
    expect(window.writeBytes).toBeUndefined()
  })
})

describe('cpuPerRequest budgets', () => {
  it('reads a duration per request, lower is better', () => {
    expect(parseBudget('cpuPerRequest', '200us')).toEqual({
      ok: true,
      value: { metric: 'cpuPerRequest', comparator: '<=', limit: 0.2, source: '200us' }
    })
    expect(parseBudget('diskWrite', '<= 1MB')).toMatchObject({ ok: true, value: { limit: 1e6 } })
  })
})
