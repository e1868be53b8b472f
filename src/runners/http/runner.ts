/**
 * Runs HTTP trials: a server (fresh per trial by default), warm-up load, measured load
 * with the server's CPU and memory sampled, then the server stopped. The server's process
 * tree's CPU and disk counters are read at the two edges of the measured load
 * (proc-tree.ts): their difference ÷ responses is `cpuPerRequest`. A server that never
 * gets ready, dies, or answers only with errors makes the trial an error with its output.
 */
import type { BenchmarkConfig, HttpSpec } from '../../config/types.js'
import { cpuSplit, withLoadgenPinned, type CpuSplit } from '../../process/affinity.js'
import { describeExit } from '../../process/children.js'
import { leftoverDetails, leftoverText, type Leftover } from '../../process/leftovers.js'
import { sliceSide } from '../interleave.js'
import type { Side, TrialMetrics, TrialOutcome } from '../types.js'
import { LoadTally, runLoad, runLoadInto, type LoadResult } from './load.js'
import { addWindows, snapshotTree, treeWindow, type TreeWindow } from './proc-tree.js'
import { ProcessGroupSampler, type ResourceUsage } from './resources.js'
import { ServerError, startServer, type RunningServer } from './server.js'

/** The CPUs of a trial of `spec`: load generator and server apart (affinity.ts), if pinned. */
const cpusOf = (spec: HttpSpec): CpuSplit | undefined => (spec.load.pin ? cpuSplit() : undefined)

/** A measured trial says where it ran: the server's CPUs and the load generator's. */
function withCpus(outcome: TrialOutcome, cpus: CpuSplit | undefined): TrialOutcome {
  if (!outcome.ok || !cpus) return outcome
  return {
    ...outcome,
    details: { ...outcome.details, serverCpus: cpus.server, loadgenCpus: cpus.loadgen }
  }
}

/** perfgate's own process above this share of a core: the load generator is the limit. */
export const LOADGEN_SATURATED = 0.9

/**
 * Slice of an interleaved pair's load. A 2-core runner's speed for the same CPU work
 * drifts over a second or two: 100 ms slices put both sides into the same drift. A/A
 * spread of CPU per request (docs/PERFORMANCE.md): 8.3-8.6 % interleaved, 16-24 % for
 * back-to-back trials of the same servers. Each slice opens its connections anew.
 */
export const SLICE_MS = 100

/** A span of measured load on the monotonic clock, in µs (the clock of V8's CPU profiles). */
export interface LoadWindow {
  readonly fromUs: number
  readonly toUs: number
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)

/** The window's cost metrics: CPU per response (ms) and disk bytes. */
function costMetrics(cost: TreeWindow, responses: number): TrialMetrics {
  return {
    ...(responses > 0 ? { cpuPerRequest: (cost.cpuSeconds * 1000) / responses } : {}),
    ...(cost.readBytes === undefined ? {} : { diskRead: cost.readBytes }),
    ...(cost.writeBytes === undefined ? {} : { diskWrite: cost.writeBytes })
  }
}

/** How the CPU figure came about: its tick count, rounding bound and processes seen. */
function costDetails(cost: TreeWindow, responses: number): Record<string, number> {
  return {
    cpuSeconds: cost.cpuSeconds,
    // ± this many ms of CPU per response from /proc's rounding to clock ticks.
    cpuPerRequestError: responses > 0 ? (cost.errorSeconds * 1000) / responses : 0,
    cpuProcesses: cost.processes
  }
}

/** What the server left outside its process group: a warning on the trial. */
function withLeftovers(
  outcome: TrialOutcome,
  stopped: readonly Leftover[] | undefined,
  escaped: readonly Leftover[]
): TrialOutcome {
  const notes = [
    ...(stopped && stopped.length > 0 ? [leftoverText(stopped)] : []),
    ...(escaped.length > 0 ? [leftoverText(escaped, 'stopped with the server')] : [])
  ]
  if (outcome.ok) {
    const details = { ...outcome.details, ...leftoverDetails(stopped) }
    if (notes.length > 0) details.leftProcesses = `server ${notes.join('; ')}`
    return { ...outcome, details }
  }
  return notes.length > 0
    ? { ...outcome, message: `${outcome.message}; the server ${notes.join('; ')}` }
    : outcome
}

/** A measured trial's metrics and details from its load, resources and cost window. */
function measuredTrial(
  spec: HttpSpec,
  load: LoadResult,
  usage: ResourceUsage | undefined,
  cost: TreeWindow | undefined,
  durationMs: number
): TrialOutcome {
  const saturated = spec.load.rate === undefined && load.loadgenCpu >= LOADGEN_SATURATED
  // Every response counted in the window, 2xx or not: the server did the work for both.
  const responses = load.ok + load.non2xx
  return {
    ok: true,
    metrics: {
      p50: load.p50,
      p90: load.p90,
      p95: load.p95,
      p99: load.p99,
      p999: load.p999,
      max: load.max,
      mean: load.mean,
      rps: load.rps,
      throughput: load.throughput,
      errors: load.errors,
      timeouts: load.timeouts,
      non2xx: load.non2xx,
      ...(usage ? { serverCpu: usage.cpu, rss: usage.rssPeak, rssMean: usage.rssMean } : {}),
      ...(cost ? costMetrics(cost, responses) : {})
    },
    details: {
      responses: load.ok,
      seconds: load.seconds,
      loadgenCpu: load.loadgenCpu,
      loadgenSaturated: saturated,
      histogram: load.histogram,
      ...(cost ? costDetails(cost, responses) : {})
    },
    durationMs
  }
}

export class HttpTrialRunner {
  /** Servers kept across trials (restart: once), by benchmark config (head and base differ). */
  private readonly kept = new Map<BenchmarkConfig, RunningServer>()
  /** Pids a kept server started outside its group, already reported. */
  private readonly reported = new Map<BenchmarkConfig, Set<number>>()

  /**
   * One trial. `onLoad` hears when the measured load ran (monotonic µs, the clock of V8's
   * CPU profiles), for a profiled trial.
   */
  async runTrial(
    benchmark: BenchmarkConfig,
    spec: HttpSpec,
    onLoad?: (fromUs: number, toUs: number) => void | Promise<void>
  ): Promise<TrialOutcome> {
    let stopped: readonly Leftover[] | undefined = []
    let escaped: Leftover[] = []
    const cpus = cpusOf(spec)
    const outcome = await withLoadgenPinned(cpus, () =>
      this.attempt(
        benchmark,
        spec,
        (left) => (stopped = left),
        (left) => (escaped = left),
        onLoad
      )
    )
    return withCpus(withLeftovers(outcome, stopped, escaped), cpus)
  }

  /** The trial; reports what a stopped server left, and what a kept one has outside. */
  private async attempt(
    benchmark: BenchmarkConfig,
    spec: HttpSpec,
    onStopped: (left: readonly Leftover[] | undefined) => void,
    onEscaped: (left: Leftover[]) => void,
    onLoad?: (fromUs: number, toUs: number) => void | Promise<void>
  ): Promise<TrialOutcome> {
    const started = performance.now()
    const elapsed = () => performance.now() - started
    const once = spec.server.restart === 'once'
    let server = once ? this.kept.get(benchmark) : undefined
    try {
      if (server?.exit()) {
        const tail = server.outputTail()
        this.kept.delete(benchmark)
        return this.failure(`server exited between trials`, tail, elapsed())
      }
      if (!server) {
        server = await startServer(spec.server, cpusOf(spec))
        if (once) this.kept.set(benchmark, server)
      }
      // One deadline for warm-up and measured load: on timeout the load stops at once.
      const deadline = AbortSignal.timeout(benchmark.timeoutMs)
      if (spec.load.warmupMs > 0) await runLoad(spec, server.port, spec.load.warmupMs, deadline)
      const sampler = ProcessGroupSampler.available()
        ? new ProcessGroupSampler(server.pid)
        : undefined
      sampler?.start()
      let load: LoadResult
      let usage: ResourceUsage | undefined
      // The tree's CPU and disk counters at the edges of the measured load, not warm-up.
      const costStart = sampler ? snapshotTree(server.pid) : undefined
      let cost: TreeWindow | undefined
      const loadFromUs = monotonicUs()
      try {
        load = await runLoad(spec, server.port, spec.load.durationMs, deadline)
        const costEnd = costStart ? snapshotTree(server.pid) : undefined
        cost = costStart && costEnd ? treeWindow(costStart, costEnd) : undefined
      } finally {
        usage = sampler?.stop()
      }
      await onLoad?.(loadFromUs, monotonicUs())
      const exit = server.exit()
      if (exit) {
        return this.failure(
          `server ${describeExit(exit)} during load`,
          server.outputTail(),
          elapsed()
        )
      }
      if (load.ok === 0) {
        return this.failure(
          `no successful response in ${spec.load.durationMs / 1000} s of load ` +
            `(${load.non2xx} non-2xx, ${load.errors - load.non2xx} connection errors, ${load.timeouts} timeouts)`,
          server.outputTail(),
          elapsed()
        )
      }
      return measuredTrial(spec, load, usage, cost, elapsed())
    } catch (error) {
      if (once) this.kept.delete(benchmark)
      if (error instanceof ServerError) {
        return this.failure(error.message, error.stderrTail, elapsed())
      }
      if ((error as Error).name === 'TimeoutError') {
        return this.failure(
          `trial timed out after ${benchmark.timeoutMs / 1000} s (load stopped, server killed)`,
          server?.outputTail(),
          elapsed()
        )
      }
      return this.failure((error as Error).message, server?.outputTail(), elapsed())
    } finally {
      if (server) {
        const left = await this.settle(benchmark, server)
        if ('stopped' in left) onStopped(left.stopped)
        else onEscaped(left.escaped)
      }
    }
  }

  /**
   * After a trial: stops the server unless it is kept (restart: once) and says what it
   * left; a kept one's new daemons outside its group are reported once (stopped with it).
   */
  private async settle(
    benchmark: BenchmarkConfig,
    server: RunningServer
  ): Promise<{ stopped: readonly Leftover[] | undefined } | { escaped: Leftover[] }> {
    if (this.kept.get(benchmark) !== server) return { stopped: await server.stop() }
    const seen = this.reported.get(benchmark) ?? new Set<number>()
    this.reported.set(benchmark, seen)
    const now = server.escaped()
    const fresh = now.filter((p) => !seen.has(p.pid))
    for (const p of now) seen.add(p.pid)
    return { escaped: fresh }
  }

  /** The side's server: the kept one (restart: once), else a fresh one. */
  private async acquire(benchmark: BenchmarkConfig, spec: HttpSpec): Promise<RunningServer> {
    const once = spec.server.restart === 'once'
    const kept = once ? this.kept.get(benchmark) : undefined
    if (kept?.exit()) {
      this.kept.delete(benchmark)
      throw new ServerError('server exited between trials', kept.outputTail())
    }
    if (kept) return kept
    const server = await startServer(spec.server, cpusOf(spec))
    if (once) this.kept.set(benchmark, server)
    return server
  }

  /**
   * One interleaved pair (an A/B run with `load.interleave`): both sides' servers started
   * and warmed at once, then the measured load alternates between them in slices of about
   * SLICE_MS, in the order first, second, second, first, … so that each side gets
   * `load.duration` in all, spread over the same seconds as the other's. A shared
   * machine's speed drifts over seconds (other jobs, a busy sibling core): consecutive
   * trials see different speeds, slices a few tenths of a second apart nearly the same.
   * Each side's cost window is the sum of its slices' windows; its latency histogram
   * holds every response of its slices. A server that cannot start leaves the other side
   * to an ordinary trial. `onLoad` hears each side's slices (monotonic µs, the clock of
   * V8's CPU profiles) once the measured load is over, for a profiled pair.
   */
  async runPair(
    sides: Readonly<Record<Side, { benchmark: BenchmarkConfig; spec: HttpSpec }>>,
    first: Side,
    onLoad?: (slices: Record<Side, readonly LoadWindow[]>) => void | Promise<void>
  ): Promise<Record<Side, TrialOutcome>> {
    const cpus = cpusOf(sides.base.spec) && cpusOf(sides.head.spec)
    const outcomes = await withLoadgenPinned(cpus, () => this.pairOnce(sides, first, onLoad))
    return { base: withCpus(outcomes.base, cpus), head: withCpus(outcomes.head, cpus) }
  }

  private async pairOnce(
    sides: Readonly<Record<Side, { benchmark: BenchmarkConfig; spec: HttpSpec }>>,
    first: Side,
    onLoad?: (slices: Record<Side, readonly LoadWindow[]>) => void | Promise<void>
  ): Promise<Record<Side, TrialOutcome>> {
    const started = performance.now()
    const second: Side = first === 'base' ? 'head' : 'base'
    const servers: Partial<Record<Side, RunningServer>> = {}
    const outcomes: Partial<Record<Side, TrialOutcome>> = {}
    const left: Partial<Record<Side, Awaited<ReturnType<HttpTrialRunner['settle']>>>> = {}
    try {
      // Both servers start at once (neither is measured yet); every start is awaited, so a
      // failure of one never leaves the other running unseen.
      const starts = await Promise.allSettled(
        ([first, second] as const).map(async (side) => {
          servers[side] = await this.acquire(sides[side].benchmark, sides[side].spec)
        })
      )
      for (const [i, start] of starts.entries()) {
        if (start.status === 'fulfilled') continue
        const error: unknown = start.reason
        if (!(error instanceof ServerError)) throw error
        outcomes[[first, second][i]!] = this.failure(
          error.message,
          error.stderrTail,
          performance.now() - started
        )
      }
      const failed = ([first, second] as const).find((side) => outcomes[side])
      if (failed) {
        // One side cannot run: the other gets an ordinary trial (e.g. an endpoint the PR adds).
        const other: Side = failed === 'base' ? 'head' : 'base'
        if (outcomes[other]) return outcomes as Record<Side, TrialOutcome>
        const server = servers[other]
        if (server) {
          left[other] = await this.settle(sides[other].benchmark, server)
          delete servers[other]
        }
        outcomes[other] = await this.runTrial(
          sides[other].benchmark,
          sides[other].spec,
          onLoad &&
            ((fromUs, toUs) =>
              onLoad({ [other]: [{ fromUs, toUs }], [failed]: [] } as Record<Side, LoadWindow[]>))
        )
        return outcomes as Record<Side, TrialOutcome>
      }
      const ready = servers as Record<Side, RunningServer>
      const timeoutMs = sides.base.benchmark.timeoutMs + sides.head.benchmark.timeoutMs
      const deadline = AbortSignal.timeout(timeoutMs)
      // Warm-ups together too: not measured, and it halves their wall time. Both are
      // awaited before a failure is thrown, so no warm-up load outlives the pair.
      const warmups = await Promise.allSettled(
        ([first, second] as const).map(async (side) => {
          const { spec } = sides[side]
          if (spec.load.warmupMs > 0) {
            await runLoad(spec, ready[side].port, spec.load.warmupMs, deadline)
          }
        })
      )
      for (const warmup of warmups) if (warmup.status === 'rejected') throw warmup.reason
      const measured = await this.interleave(sides, ready, first, deadline)
      await onLoad?.({ base: measured.base.windows, head: measured.head.windows })
      const elapsed = (performance.now() - started) / 2
      for (const side of [first, second]) {
        const server = ready[side]
        const { spec } = sides[side]
        const { tally, cost, usage } = measured[side]
        const load = tally.result()
        const exit = server.exit()
        if (exit) {
          outcomes[side] = this.failure(
            `server ${describeExit(exit)} during load`,
            server.outputTail(),
            elapsed
          )
        } else if (load.ok === 0) {
          outcomes[side] = this.failure(
            `no successful response in ${spec.load.durationMs / 1000} s of load ` +
              `(${load.non2xx} non-2xx, ${load.errors - load.non2xx} connection errors, ${load.timeouts} timeouts)`,
            server.outputTail(),
            elapsed
          )
        } else {
          // The server's share of a core while it was under load (it idles in the other's slices).
          const busy = usage && cost ? { ...usage, cpu: cost.cpuSeconds / load.seconds } : usage
          const trial = measuredTrial(spec, load, busy, cost, elapsed)
          outcomes[side] = trial.ok
            ? { ...trial, details: { ...trial.details, interleavedSlices: measured[side].slices } }
            : trial
        }
      }
      return outcomes as Record<Side, TrialOutcome>
    } catch (error) {
      const elapsed = performance.now() - started
      const timedOut = (error as Error).name === 'TimeoutError'
      for (const side of [first, second]) {
        if (sides[side].spec.server.restart === 'once') this.kept.delete(sides[side].benchmark)
        outcomes[side] ??= this.failure(
          timedOut
            ? `interleaved pair timed out after ${(sides.base.benchmark.timeoutMs + sides.head.benchmark.timeoutMs) / 1000} s (load stopped, servers killed)`
            : (error as Error).message,
          servers[side]?.outputTail(),
          elapsed
        )
      }
      return outcomes as Record<Side, TrialOutcome>
    } finally {
      for (const side of [first, second]) {
        const server = servers[side]
        if (server) left[side] = await this.settle(sides[side].benchmark, server)
      }
      for (const side of [first, second]) {
        const outcome = outcomes[side]
        const settled = left[side]
        if (outcome && settled) {
          outcomes[side] =
            'stopped' in settled
              ? withLeftovers(outcome, settled.stopped, [])
              : withLeftovers(outcome, [], settled.escaped)
        }
      }
    }
  }

  /** The measured slices of an interleaved pair: each side's load, cost and resources. */
  private async interleave(
    sides: Readonly<Record<Side, { benchmark: BenchmarkConfig; spec: HttpSpec }>>,
    servers: Readonly<Record<Side, RunningServer>>,
    first: Side,
    deadline: AbortSignal
  ): Promise<
    Record<
      Side,
      {
        tally: LoadTally
        cost: TreeWindow | undefined
        usage: ResourceUsage | undefined
        slices: number
        windows: LoadWindow[]
      }
    >
  > {
    const proc = ProcessGroupSampler.available()
    const state = (side: Side) => {
      const { durationMs } = sides[side].spec.load
      const slices = Math.max(1, Math.round(durationMs / SLICE_MS))
      return {
        tally: new LoadTally(),
        cost: undefined as TreeWindow | undefined,
        costKnown: proc,
        sampler: proc ? new ProcessGroupSampler(servers[side].pid) : undefined,
        slices,
        sliceMs: durationMs / slices,
        done: 0,
        windows: [] as LoadWindow[]
      }
    }
    const of = { base: state('base'), head: state('head') }
    of.base.sampler?.start()
    of.head.sampler?.start()
    const usage: Partial<Record<Side, ResourceUsage>> = {}
    const wanted = (side: Side) => of[side].done < of[side].slices
    try {
      for (let k = 0; ; k++) {
        const side = sliceSide(k, first, wanted)
        if (!side) break
        const s = of[side]
        const server = servers[side]
        if (server.exit()) break
        const before = s.costKnown ? snapshotTree(server.pid) : undefined
        const fromUs = monotonicUs()
        await runLoadInto(s.tally, sides[side].spec, server.port, s.sliceMs, deadline)
        s.windows.push({ fromUs, toUs: monotonicUs() })
        const after = before ? snapshotTree(server.pid) : undefined
        if (before && after) {
          const window = treeWindow(before, after)
          s.cost = s.cost ? addWindows(s.cost, window) : window
        } else s.costKnown = false
        s.done++
      }
    } finally {
      usage.base = of.base.sampler?.stop()
      usage.head = of.head.sampler?.stop()
    }
    const result = (side: Side) => ({
      tally: of[side].tally,
      cost: of[side].costKnown ? of[side].cost : undefined,
      usage: usage[side],
      slices: of[side].done,
      windows: of[side].windows
    })
    return { base: result('base'), head: result('head') }
  }

  /** Stops a server kept across trials (end of a benchmark). */
  async release(benchmark: BenchmarkConfig): Promise<void> {
    const server = this.kept.get(benchmark)
    this.kept.delete(benchmark)
    this.reported.delete(benchmark)
    await server?.stop()
  }

  private failure(
    message: string,
    stderrTail: string | undefined,
    durationMs: number
  ): TrialOutcome {
    return { ok: false, message, stderrTail, durationMs }
  }
}
