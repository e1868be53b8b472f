/**
 * Instructions per call of a function benchmark: two workers under valgrind, the same
 * warm-up, then N and 2N counted calls; per call = (count(2N) − count(N)) / N. Start-up,
 * loading the bench file, setup, warm-up and teardown are in both runs and cancel out.
 * N is calibrated once per benchmark (natively) and shared by base and head, so both sides
 * count the same work.
 *
 * Repeatability: Node runs with `--predictable` (no concurrent compilation or GC threads:
 * the JIT tiers up at the same call every run), and fixed hash and random seeds. The code
 * is warmed and optimized as in production (no `--no-opt`): with `--predictable` the
 * optimizing compiler's decisions repeat too.
 */
import path from 'node:path'
import type { BenchmarkConfig, FunctionSpec } from '../../config/types.js'
import {
  describeExit,
  killGroup,
  startChild,
  type ChildOptions,
  type Finished,
  type Started
} from '../../process/children.js'
import { sanitizeChildText } from '../../process/text.js'
import { API_URL, workerNode } from '../../runtime-files.js'
import { workerArgs } from '../function/runner.js'
import type { CountRequest, WorkerReply } from '../function/protocol.js'
import type { TrialOutcome } from '../types.js'
import { logTail, startCounted } from './valgrind.js'

/** Node flags that make a count repeat from run to run (see above). */
export const REPEATABLE_NODE_FLAGS = ['--predictable', '--hash-seed=1', '--random-seed=1']

/**
 * Native time the counted calls take (N calls). Under valgrind that is ~1-2 s per run of
 * N, beside 6-9 s of Node start-up; ~50 M instructions for a typical bench, which puts the
 * start-up's run-to-run difference (a few thousand instructions) far below 0.01 %.
 */
export const COUNTED_WORK_MS = 20

const CALIBRATION_WARMUP_CALLS = 10

type Failure = Extract<TrialOutcome, { ok: false }>

interface WorkerRun {
  readonly started: Started
  readonly reply: Promise<WorkerReply | undefined>
}

function launch(started: Started, request: CountRequest): WorkerRun {
  let last: WorkerReply | undefined
  started.child.on('message', (message: WorkerReply) => {
    last ??= message
  })
  started.child.send(request, (error) => void error)
  return { started, reply: started.finished.then(() => last) }
}

function failure(
  what: string,
  reply: WorkerReply | undefined,
  end: Finished,
  timeoutMs: number,
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
      ? `timed out after ${timeoutMs / 1000} s (killed)`
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
  counts: Pick<CountRequest, 'warmupCalls' | 'calls' | 'calibrateMs'>
): CountRequest {
  return {
    type: 'count',
    file: spec.file,
    bench: spec.bench,
    benchmarkName: benchmark.name,
    apiUrl: API_URL.href,
    ...counts
  }
}

/** A counting worker's Node arguments and spawn options, or why it cannot start. */
function workerLaunch(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec
): { args: string[]; options: ChildOptions } | Failure {
  try {
    return {
      args: [...REPEATABLE_NODE_FLAGS, ...workerArgs(spec.file)],
      options: {
        cwd: path.dirname(spec.file),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        timeoutMs: benchmark.timeoutMs
      }
    }
  } catch (error) {
    return { ok: false, message: (error as Error).message, stderrTail: undefined, durationMs: 0 }
  }
}

/** The calls N of a function benchmark's count: those that fit in COUNTED_WORK_MS natively. */
export async function calibrateCalls(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec
): Promise<number | Failure> {
  const started = performance.now()
  const worker = workerLaunch(benchmark, spec)
  if (!('args' in worker)) return worker
  const { args, options } = worker
  const run = launch(
    startChild(workerNode().path, args, options),
    countRequest(benchmark, spec, {
      warmupCalls: CALIBRATION_WARMUP_CALLS,
      calls: 0,
      calibrateMs: COUNTED_WORK_MS
    })
  )
  const reply = await run.reply
  if (reply?.type === 'counted') return Math.max(1, reply.calls)
  const end = await run.started.finished
  return failure(
    'calibrating the calls to count',
    reply,
    end,
    benchmark.timeoutMs,
    performance.now() - started
  )
}

/** One side's instructions per call: two counted workers (N and 2N calls) at once. */
export async function countFunction(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec,
  calls: number
): Promise<TrialOutcome> {
  const started = performance.now()
  const worker = workerLaunch(benchmark, spec)
  if (!('args' in worker)) return worker
  const { args, options } = worker
  const runs = [calls, 2 * calls].map((n) => {
    const counted = startCounted(workerNode().path, args, options)
    // The same warm-up in both runs: the difference is the N extra calls alone.
    return {
      counted,
      run: launch(counted.started, countRequest(benchmark, spec, { warmupCalls: calls, calls: n }))
    }
  })
  try {
    const totals: number[] = []
    for (const { counted, run } of runs) {
      const reply = await run.reply
      const end = await run.started.finished
      const durationMs = performance.now() - started
      const counts = counted.totals()
      if (reply?.type !== 'counted' || end.code !== 0) {
        const log = 'log' in counts ? counts.log : undefined
        return failure('instruction count', reply, end, benchmark.timeoutMs, durationMs, log)
      }
      if ('error' in counts) {
        return { ok: false, message: counts.error, stderrTail: logTail(counts.log), durationMs }
      }
      totals.push(counts.instructions)
    }
    const perCall = (totals[1]! - totals[0]!) / calls
    if (!(perCall > 0)) {
      return {
        ok: false,
        message: `instruction count: ${2 * calls} calls counted no more than ${calls} (the bench does no work per call?)`,
        stderrTail: undefined,
        durationMs: performance.now() - started
      }
    }
    return {
      ok: true,
      metrics: { instructions: perCall },
      details: {
        instructionCalls: calls,
        instructionsAtN: totals[0]!,
        instructionsAt2N: totals[1]!
      },
      durationMs: performance.now() - started
    }
  } finally {
    for (const { counted } of runs) {
      // A run still going after the other failed is stopped, not left to its timeout.
      if (counted.started.child.exitCode === null) killGroup(counted.started.child)
      counted.remove()
    }
  }
}
