/**
 * Instructions per call of a function benchmark, counted inside one worker process under
 * callgrind (count.ts marks the windows): after the same setup and 2N calls of warm-up
 * (a full collection between), five rounds of an empty window and one of N calls; per
 * call = (median counted window − median empty window) / N. Start-up,
 * loading the bench file, setup and teardown are outside every counted window, so they
 * need not repeat from one process to the next (they do not: 0.3–0.7 M instructions apart
 * under a module-hooks thread); one process per side suffices.
 *
 * N is derived from the count itself, so it is the same from run to run: the head's probe
 * window (one call) sizes it (callsFor), base and head count the same N, and a run keeps
 * it for all its pairs. Repeatability: Node runs with `--predictable` (no concurrent
 * compilation or GC threads: the JIT tiers up at the same call every run), fixed hash
 * and random seeds, and collections that fall at allocations, never at a time
 * (COUNTED_NODE_FLAGS). The code is warmed and optimized as in production (no `--no-opt`).
 */
import path from 'node:path'
import type { BenchmarkConfig, FunctionSpec } from '../../config/types.js'
import {
  describeExit,
  killGroup,
  type ChildOptions,
  type Finished,
  type Started
} from '../../process/children.js'
import { sanitizeChildText } from '../../process/text.js'
import { API_URL, workerNode } from '../../runtime-files.js'
import { median } from '../../stats/quantile.js'
import { COUNTED_ROUNDS, PROBE_WINDOW, roundWindows, WINDOWS } from '../function/count.js'
import { harnessFields, workerArgs } from '../function/runner.js'
import type { CountCallsMessage, CountRequest, WorkerReply } from '../function/protocol.js'
import type { TrialOutcome } from '../types.js'
import type { CountBundle } from './bundle.js'
import { COUNTED_NODE_FLAGS } from './shim.js'
import { countedTimeoutMs, logTail, startWindowed, timedOutText, WINDOW_MARK } from './valgrind.js'

/**
 * Instructions the counted calls should make, judged by the probe call: ~20 M, about a
 * second under callgrind, against a few thousand by which two windows differ. The probe
 * runs in the interpreter, so warmed calls make fewer.
 */
export const COUNTED_INSTRUCTIONS = 20_000_000

/** At most this many calls are counted (and as many warm up), however cheap the call. */
export const MAX_CALLS = 1 << 16

/**
 * The calls N to count for a probe call of `probeInstructions`: the power of two nearest
 * COUNTED_INSTRUCTIONS / probe, from 1 to MAX_CALLS. Powers of two keep N where it was
 * when a change moves the cost a little, so a stored series stays comparable.
 */
export function callsFor(probeInstructions: number): number {
  if (!(probeInstructions > 0)) return 1
  const exponent = Math.round(Math.log2(COUNTED_INSTRUCTIONS / probeInstructions))
  return Math.min(MAX_CALLS, 2 ** Math.max(0, exponent))
}

type Failure = Extract<TrialOutcome, { ok: false }>

/** The first reply of `type` (or an error reply); undefined when the worker ended first. */
function replyOf(started: Started, type: WorkerReply['type']): Promise<WorkerReply | undefined> {
  return new Promise((resolve) => {
    const listener = (message: WorkerReply) => {
      if (message.type !== type && message.type !== 'error') return
      started.child.off('message', listener)
      resolve(message)
    }
    started.child.on('message', listener)
    void started.finished.then(() => resolve(undefined))
  })
}

function failure(
  what: string,
  reply: WorkerReply | undefined,
  end: Finished,
  timeoutMs: number,
  configuredMs: number,
  durationMs: number,
  log?: string
): Failure {
  if (reply?.type === 'error') {
    return {
      ok: false,
      message: sanitizeChildText(String(reply.message)),
      stderrTail: reply.stack === undefined ? undefined : sanitizeChildText(String(reply.stack)),
      durationMs
    }
  }
  const why = end.spawnError
    ? `could not start: ${end.spawnError.message}`
    : end.timedOut
      ? timedOutText(timeoutMs, configuredMs)
      : `${describeExit(end)} before reporting`
  return {
    ok: false,
    message: `${what}: worker ${why}`,
    stderrTail: (log ? logTail(log) : undefined) ?? (end.stderr.text() || undefined),
    durationMs
  }
}

function countRequest(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec,
  bundle: CountBundle | undefined
): CountRequest {
  return {
    type: 'count',
    file: spec.file,
    ...harnessFields(spec),
    ...(bundle ? { module: bundle.file } : {}),
    bench: spec.bench,
    benchmarkName: benchmark.name,
    apiUrl: API_URL.href
  }
}

/**
 * A counting worker's Node arguments and spawn options, or why it cannot start. A bundled
 * TypeScript bench needs no loader (`bundle`: the file the worker imports).
 */
function workerLaunch(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec,
  bundle: CountBundle | undefined
): { args: string[]; options: ChildOptions } | Failure {
  try {
    return {
      args: [...COUNTED_NODE_FLAGS, ...workerArgs(bundle?.file ?? spec.file)],
      options: {
        cwd: path.dirname(spec.file),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        timeoutMs: countedTimeoutMs(benchmark.timeoutMs)
      }
    }
  } catch (error) {
    return { ok: false, message: (error as Error).message, stderrTail: undefined, durationMs: 0 }
  }
}

/** One side's counting worker under callgrind, between its probe and its count. */
export interface CountingWorker {
  /** The instructions of the probe call, or why the worker failed before it. */
  readonly probe: Promise<number | Failure>
  /** Warms up with `calls` calls, counts as many, and gives the instructions per call. */
  count(calls: number): Promise<TrialOutcome>
  /** Stops the worker if it still runs, waits for its end, and removes its files. */
  close(): Promise<void>
  /** Whether the worker failed while importing the bench (known once `probe` settles). */
  loadFailed(): boolean
}

/** Why a count marked `marked` windows where count.ts marks `expected` by then. */
function markProblem(marked: number, expected = WINDOWS): string {
  return marked < expected
    ? `callgrind marked ${marked} of ${expected} windows: the node binary has no symbol ` +
        `${WINDOW_MARK} (use a Node build that keeps its symbols, such as Node's own releases)`
    : `callgrind marked ${marked} windows, not ${expected}: the bench calls ` +
        `os.getPriority(), which marks the counted window; call it in setup instead`
}

/** A count read from a worker's windows: instructions per call and how its windows agreed. */
export interface WindowedCount {
  /** (median of the counted windows − median of the empty ones) / calls. */
  readonly instructions: number
  /** The counted windows' range over their median (0.0003: they agree to 0.03 %). */
  readonly windowSpread: number
}

/**
 * Instructions per call from all of a count's windows (count.ts's list), or why they
 * cannot give one. Medians, so one or two windows a late compilation or a collection
 * disturbed do not move the count.
 */
export function perCall(windows: readonly number[], calls: number): WindowedCount | string {
  if (windows.length !== WINDOWS) return markProblem(windows.length)
  const rounds = Array.from({ length: COUNTED_ROUNDS }, (_, round) => roundWindows(round))
  const empty = median(rounds.map((round) => windows[round.empty]!))
  const counted = rounds.map((round) => windows[round.counted]!)
  const middle = median(counted)
  if (!(middle > empty)) return `${calls} calls counted no instructions`
  return {
    instructions: (middle - empty) / calls,
    windowSpread: (Math.max(...counted) - Math.min(...counted)) / middle
  }
}

/**
 * Starts one side's counting worker (it loads, sets up and makes its probe call), on
 * `bundle` when given (the bench bundled for the count: bundle.ts), else on the bench
 * file. The bundle stays its maker's to remove (index.ts).
 */
export function startCountingWorker(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec,
  bundle?: CountBundle
): CountingWorker | Failure {
  const begin = performance.now()
  const launch = workerLaunch(benchmark, spec, bundle)
  if (!('args' in launch)) return launch
  const windowed = startWindowed(workerNode().path, launch.args, launch.options)
  const { started } = windowed
  const probed = replyOf(started, 'probed')
  const counted = replyOf(started, 'counted')
  started.child.send(countRequest(benchmark, spec, bundle), (error) => void error)
  const failed = async (reply: WorkerReply | undefined): Promise<Failure> =>
    failure(
      'instruction count',
      reply,
      await started.finished,
      launch.options.timeoutMs ?? benchmark.timeoutMs,
      benchmark.timeoutMs,
      performance.now() - begin,
      windowed.log()
    )
  let loadFailed = false
  return {
    loadFailed: () => loadFailed,
    probe: probed.then(async (reply) => {
      if (reply?.type === 'error' && reply.phase === 'load') loadFailed = true
      if (reply?.type !== 'probed') return failed(reply)
      const windows = windowed.windows()
      if (windows.length === PROBE_WINDOW + 1) return windows[PROBE_WINDOW]!
      return {
        ok: false,
        message: `instruction count: ${markProblem(windows.length, PROBE_WINDOW + 1)}`,
        stderrTail: undefined,
        durationMs: performance.now() - begin
      }
    }),
    async count(calls) {
      const message: CountCallsMessage = { type: 'count-calls', calls }
      started.child.send(message, (error) => void error)
      const reply = await counted
      const end = await started.finished
      const durationMs = performance.now() - begin
      if (reply?.type !== 'counted' || end.code !== 0) return failed(reply)
      const count = perCall(windowed.windows(), calls)
      if (typeof count === 'string') {
        return {
          ok: false,
          message: `instruction count: ${count}`,
          stderrTail: undefined,
          durationMs
        }
      }
      return {
        ok: true,
        metrics: { instructions: count.instructions },
        details: {
          instructionCalls: calls,
          instructionWindowSpread: count.windowSpread,
          ...(bundle ? { instructionBundled: true } : {})
        },
        durationMs
      }
    },
    async close() {
      if (started.child.exitCode === null) killGroup(started.child)
      await started.finished
      windowed.remove()
    }
  }
}
