/**
 * One trial of `npm run bench:harness`, run in a fresh process (like a perfgate function
 * worker): `node --import tsx --expose-gc trial.ts <engine> <workload> <timeMs> <warmupMs>`.
 * Measures the workload with one engine and sends a TrialReport to the parent over IPC.
 * Only the chosen engine is imported, so every engine pays only its own start-up. The
 * harness imports types only from here.
 */

const ENGINES = ['perfgate', 'tinybench', 'mitata'] as const
export type Engine = (typeof ENGINES)[number]

const WORKLOADS = ['empty', 'sum1k', 'sum1k-x1200'] as const
export type Workload = (typeof WORKLOADS)[number]

/** What a trial reports: the engine's headline median per call, in nanoseconds. */
export interface TrialReport {
  readonly type: 'trial'
  readonly engine: Engine
  readonly workload: Workload
  readonly medianNs: number
  readonly meanNs: number
  /** Timed samples the engine kept (a perfgate or mitata sample is a batch of calls). */
  readonly samples: number
  /** Time spent inside the engine (warm-up, sampling, statistics), milliseconds. */
  readonly engineMs: number
  /** From process start to the first engine call (Node, tsx, engine import), milliseconds. */
  readonly startupMs: number
  /** Peak resident memory of the trial process, bytes. */
  readonly maxRssBytes: number
}

// 1,000 doubles: summing them is a chain of dependent additions, about 1 µs.
const data = new Float64Array(1000).map((_, i) => ((i * 7919) % 1000) / 7)

function sum1k(): number {
  let s = 0
  for (let i = 0; i < data.length; i++) s += data[i]!
  return s
}

function sum1kRepeated(times: number): number {
  let s = 0
  for (let k = 0; k < times; k++) {
    for (let i = 0; i < data.length; i++) s += data[i]!
  }
  return s
}

const workloads: Record<Workload, () => unknown> = {
  empty: () => {},
  sum1k: () => sum1k(),
  'sum1k-x1200': () => sum1kRepeated(1200)
}

interface Measured {
  readonly medianNs: number
  readonly meanNs: number
  readonly samples: number
}

type Measurer = (fn: () => unknown, timeMs: number, warmupMs: number) => Promise<Measured>

/** Imports one engine (outside the timed part) and returns how to measure with it. */
const loaders: Record<Engine, () => Promise<Measurer>> = {
  async perfgate() {
    const { measureFunction } = await import('../../src/runners/function/engine.js')
    return async (fn, timeMs, warmupMs) => {
      const m = await measureFunction(fn, {}, { timeMs, warmupMs })
      return { medianNs: m.p50 * 1e6, meanNs: m.mean * 1e6, samples: m.samples }
    }
  },
  async tinybench() {
    const { Bench } = await import('tinybench')
    return async (fn, timeMs, warmupMs) => {
      // Defaults otherwise: performance.now, no timer-overhead subtraction, one call a sample.
      const bench = new Bench({ time: timeMs, warmupTime: warmupMs, throws: true })
      bench.add('fn', fn)
      const [task] = await bench.run()
      const result = task?.result
      if (result?.state !== 'completed') throw new Error(`tinybench: task ${result?.state}`)
      const { latency } = result
      return {
        medianNs: latency.p50 * 1e6,
        meanNs: latency.mean * 1e6,
        samples: latency.samplesCount
      }
    }
  },
  async mitata() {
    const { measure } = await import('mitata')
    return async (fn, timeMs, warmupMs) => {
      // mitata has no warm-up budget of its own (two probe calls): a discarded run of
      // warmupMs gives it the same warm-up as the others. min_cpu_time is in nanoseconds.
      await measure(fn, { min_cpu_time: warmupMs * 1e6 })
      const stats = await measure(fn, { min_cpu_time: timeMs * 1e6 })
      return { medianNs: stats.p50, meanNs: stats.avg, samples: stats.samples.length }
    }
  }
}

function send(message: TrialReport | { type: 'error'; message: string }): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(JSON.stringify(message) + '\n')
      return resolve()
    }
    process.send(message, undefined, {}, () => resolve())
  })
}

async function main(): Promise<void> {
  const [engine, workload, time, warmup] = process.argv.slice(2)
  if (!ENGINES.includes(engine as Engine) || !WORKLOADS.includes(workload as Workload)) {
    throw new Error(`usage: trial.ts <${ENGINES.join('|')}> <${WORKLOADS.join('|')}> [ms] [ms]`)
  }
  const timeMs = Number(time ?? 500)
  const warmupMs = Number(warmup ?? 100)
  const measurer = await loaders[engine as Engine]()
  const fn = workloads[workload as Workload]
  const started = performance.now()
  const measured = await measurer(fn, timeMs, warmupMs)
  await send({
    type: 'trial',
    engine: engine as Engine,
    workload: workload as Workload,
    ...measured,
    engineMs: performance.now() - started,
    startupMs: started,
    maxRssBytes: process.resourceUsage().maxRSS * 1024
  })
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({ type: 'error', message: error instanceof Error ? error.stack! : String(error) })
    process.exit(1)
  }
)
