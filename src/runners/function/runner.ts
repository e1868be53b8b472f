/** Runs one trial of a function benchmark in a fresh worker process. */
import path from 'node:path'
import { describeExit, startChild } from '../../process/children.js'
import { leftoverDetails, leftoverText } from '../../process/leftovers.js'
import { sanitizeChildText } from '../../process/text.js'
import {
  API_URL,
  stripsTypes,
  tsxLoaderUrl,
  WORKER_NEEDS_TS_LOADER,
  WORKER_URL,
  workerNode
} from '../../runtime-files.js'
import type { BenchmarkConfig, FunctionSpec } from '../../config/types.js'
import type { TrialOutcome } from '../types.js'
import type { FunctionMeasurement } from './engine.js'
import type { RunRequest, WorkerReply } from './protocol.js'
import { fileURLToPath } from 'node:url'

const TS_FILE = /\.(ts|mts|cts|tsx)$/

/** Node flags for a worker: GC exposed for heap figures, a TS loader when one is needed. */
function workerArgs(benchFile: string): string[] {
  const args = ['--expose-gc']
  if (WORKER_NEEDS_TS_LOADER || TS_FILE.test(benchFile)) {
    // tsx next to perfgate (the CLI's dependency) or in the project; else Node's own.
    const loader = tsxLoaderUrl(path.dirname(benchFile))
    const node = workerNode()
    if (loader) args.push('--import', loader)
    else if (!stripsTypes(node.version)) {
      throw new Error(
        `${benchFile} is TypeScript: the worker's Node ${node.version} cannot load it; ` +
          `use Node 22.18 or newer (native type stripping) or install tsx in the project`
      )
    }
  }
  args.push(fileURLToPath(WORKER_URL))
  return args
}

const MEASUREMENT_NUMBERS = [
  'p50',
  'p95',
  'p99',
  'max',
  'mean',
  'ops',
  'heap',
  'gcCount',
  'gcTime',
  'samples',
  'batchSize'
] as const

/** Whether a result from the worker has the shape the engine sends. */
function wellFormed(m: unknown): m is FunctionMeasurement {
  if (typeof m !== 'object' || m === null) return false
  const record = m as Record<string, unknown>
  return (
    MEASUREMENT_NUMBERS.every((key) => typeof record[key] === 'number') &&
    typeof record.async === 'boolean'
  )
}

/**
 * One trial in a fresh worker. With `profileFile`, a profiled trial (outside the measured
 * ones): the worker writes V8's CPU profile of its sampling phase there, and the trial's
 * samples × batchSize are the operations the profile covers.
 */
export async function runFunctionTrial(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec,
  profileFile?: string
): Promise<TrialOutcome> {
  const started = performance.now()
  const elapsed = () => performance.now() - started
  let args: string[]
  try {
    // No inlining in a profiled trial: see NO_INLINING in ../profile.ts.
    args = [...(profileFile ? ['--no-turbo-inlining'] : []), ...workerArgs(spec.file)]
  } catch (error) {
    return { ok: false, message: (error as Error).message, stderrTail: undefined, durationMs: 0 }
  }
  const { child, finished } = startChild(workerNode().path, args, {
    cwd: path.dirname(spec.file),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    timeoutMs: benchmark.timeoutMs
  })
  let reply: WorkerReply | undefined
  child.on('message', (message: WorkerReply) => {
    reply ??= message
  })
  const request: RunRequest = {
    type: 'run',
    file: spec.file,
    bench: spec.bench,
    benchmarkName: benchmark.name,
    timeMs: spec.timeMs,
    warmupMs: spec.warmupMs,
    apiUrl: API_URL.href,
    ...(profileFile ? { profileFile } : {})
  }
  child.send(request, (error) => {
    // A worker that dies at start-up closes the channel; 'finished' reports that.
    void error
  })
  const end = await finished
  const stderrTail = end.stderr.text() || undefined
  const left = end.leftovers?.length ? `; the bench ${leftoverText(end.leftovers)}` : ''
  if (end.timedOut) {
    return {
      ok: false,
      message: `trial timed out after ${benchmark.timeoutMs / 1000} s (worker killed)${left}`,
      stderrTail,
      durationMs: elapsed()
    }
  }
  if (reply?.type === 'result' && !wellFormed(reply.measurement)) {
    // The bench runs in the worker and could send on its IPC channel itself.
    return {
      ok: false,
      message: 'worker sent a malformed result (does the bench code call process.send?)',
      stderrTail,
      durationMs: elapsed()
    }
  }
  if (reply?.type === 'result') {
    const m = reply.measurement
    return {
      ok: true,
      metrics: {
        p50: m.p50,
        p95: m.p95,
        p99: m.p99,
        max: m.max,
        mean: m.mean,
        ops: m.ops,
        heap: m.heap,
        gcCount: m.gcCount,
        gcTime: m.gcTime
      },
      details: {
        samples: m.samples,
        batchSize: m.batchSize,
        async: m.async,
        ...leftoverDetails(end.leftovers)
      },
      durationMs: elapsed()
    }
  }
  if (reply?.type === 'error') {
    // Thrown by the bench code: untrusted text like any child output.
    return {
      ok: false,
      message: sanitizeChildText(String(reply.message)) + left,
      stderrTail: reply.stack === undefined ? undefined : sanitizeChildText(String(reply.stack)),
      durationMs: elapsed()
    }
  }
  return {
    ok: false,
    message: end.spawnError
      ? `could not start the worker: ${end.spawnError.message}`
      : `worker ${describeExit(end)} before reporting a result${left}`,
    stderrTail,
    durationMs: elapsed()
  }
}
