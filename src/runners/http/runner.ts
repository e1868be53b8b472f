/**
 * Runs HTTP trials: a server (fresh per trial by default), warm-up load, measured load
 * with the server's CPU and memory sampled, then the server stopped. The server's process
 * tree's CPU and disk counters are read at the two edges of the measured load
 * (proc-tree.ts): their difference ÷ responses is `cpuPerRequest`. A server that never
 * gets ready, dies, or answers only with errors makes the trial an error with its output.
 */
import type { BenchmarkConfig, HttpSpec } from '../../config/types.js'
import { describeExit } from '../../process/children.js'
import { leftoverDetails, leftoverText, type Leftover } from '../../process/leftovers.js'
import type { TrialMetrics, TrialOutcome } from '../types.js'
import { runLoad, type LoadResult } from './load.js'
import { snapshotTree, treeWindow, type TreeWindow } from './proc-tree.js'
import { ProcessGroupSampler, type ResourceUsage } from './resources.js'
import { ServerError, startServer, type RunningServer } from './server.js'

/** perfgate's own process above this share of a core: the load generator is the limit. */
export const LOADGEN_SATURATED = 0.9

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
    const outcome = await this.attempt(
      benchmark,
      spec,
      (left) => (stopped = left),
      (left) => (escaped = left),
      onLoad
    )
    // What the server left outside its process group: a warning on the trial.
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
        server = await startServer(spec.server)
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
      const loadFromUs = Number(process.hrtime.bigint() / 1000n)
      try {
        load = await runLoad(spec, server.port, spec.load.durationMs, deadline)
        const costEnd = costStart ? snapshotTree(server.pid) : undefined
        cost = costStart && costEnd ? treeWindow(costStart, costEnd) : undefined
      } finally {
        usage = sampler?.stop()
      }
      await onLoad?.(loadFromUs, Number(process.hrtime.bigint() / 1000n))
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
        durationMs: elapsed()
      }
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
      if (server && (!once || !this.kept.has(benchmark))) onStopped(await server.stop())
      else if (server) {
        // Kept running: its daemons may be part of it; they are stopped with it.
        const seen = this.reported.get(benchmark) ?? new Set<number>()
        this.reported.set(benchmark, seen)
        const now = server.escaped()
        onEscaped(now.filter((p) => !seen.has(p.pid)))
        for (const p of now) seen.add(p.pid)
      }
    }
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
