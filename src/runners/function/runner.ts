/**
 * Runs function trials in fresh worker processes: one trial per worker, or an interleaved
 * pair (base and head workers alive together, sampling alternated in short slices).
 */
import path from 'node:path'
import { describeExit, killGroup, startChild, type Finished } from '../../process/children.js'
import { leftoverDetails, leftoverText } from '../../process/leftovers.js'
import { sanitizeChildText } from '../../process/text.js'
import {
  API_URL,
  HARNESS_URLS,
  stripsTypes,
  tsxLoaderUrl,
  WORKER_NEEDS_TS_LOADER,
  WORKER_URL,
  workerNode
} from '../../runtime-files.js'
import type { BenchmarkConfig, FunctionSpec } from '../../config/types.js'
import { sliceSide } from '../interleave.js'
import type { Side, TrialOutcome } from '../types.js'
import { DEFAULT_MIN_SAMPLES, type FunctionMeasurement } from './engine.js'
import type { PrepareRequest, RunRequest, WorkerReply, WorkerRequest } from './protocol.js'
import { fileURLToPath } from 'node:url'

const TS_FILE = /\.(ts|mts|cts|tsx)$/

/** Whether a bench file is TypeScript (loaded through a TS loader or Node's type stripping). */
export function isTypeScriptFile(file: string): boolean {
  return TS_FILE.test(file)
}

/** Node flags for a worker: GC exposed for heap figures, a TS loader when one is needed. */
export function workerArgs(benchFile: string): string[] {
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
  'memory',
  'rss',
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

/** What a worker needs to run files written for other harnesses. */
export function harnessFields(spec: FunctionSpec): Pick<RunRequest, 'harnessUrls' | 'harness'> {
  return { harnessUrls: HARNESS_URLS, ...(spec.harness ? { harness: spec.harness } : {}) }
}

/** A worker process started for a trial or one side of a pair. */
interface Worker {
  readonly child: ReturnType<typeof startChild>['child']
  readonly finished: Promise<Finished>
}

function startWorker(
  benchmark: BenchmarkConfig,
  spec: FunctionSpec,
  timeoutMs: number,
  profileFile?: string
): Worker | TrialOutcome {
  let args: string[]
  try {
    // No inlining in a profiled trial: see NO_INLINING in ../profile.ts.
    args = [...(profileFile ? ['--no-turbo-inlining'] : []), ...workerArgs(spec.file)]
  } catch (error) {
    return { ok: false, message: (error as Error).message, stderrTail: undefined, durationMs: 0 }
  }
  return startChild(workerNode().path, args, {
    cwd: path.dirname(spec.file),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    timeoutMs
  })
}

function send(worker: Worker, request: WorkerRequest): void {
  worker.child.send(request, (error) => {
    // A worker that dies closes the channel; 'finished' reports that.
    void error
  })
}

/** The trial a worker's last reply and its end make (result, error or a death). */
function workerOutcome(
  reply: WorkerReply | undefined,
  end: Finished,
  durationMs: number,
  timeoutText: string,
  timedOut = end.timedOut
): TrialOutcome {
  const stderrTail = end.stderr.text() || undefined
  const left = end.leftovers?.length ? `; the bench ${leftoverText(end.leftovers)}` : ''
  if (timedOut) {
    return { ok: false, message: `${timeoutText}${left}`, stderrTail, durationMs }
  }
  if (reply?.type === 'result' && !wellFormed(reply.measurement)) {
    // The bench runs in the worker and could send on its IPC channel itself.
    return {
      ok: false,
      message: 'worker sent a malformed result (does the bench code call process.send?)',
      stderrTail,
      durationMs
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
        memory: m.memory,
        rss: m.rss,
        gcCount: m.gcCount,
        gcTime: m.gcTime
      },
      details: {
        samples: m.samples,
        batchSize: m.batchSize,
        async: m.async,
        ...leftoverDetails(end.leftovers)
      },
      durationMs
    }
  }
  if (reply?.type === 'error') {
    // Thrown by the bench code: untrusted text like any child output.
    return {
      ok: false,
      message: sanitizeChildText(String(reply.message)) + left,
      stderrTail: reply.stack === undefined ? undefined : sanitizeChildText(String(reply.stack)),
      durationMs
    }
  }
  return {
    ok: false,
    message: end.spawnError
      ? `could not start the worker: ${end.spawnError.message}`
      : `worker ${describeExit(end)} before reporting a result${left}`,
    stderrTail,
    durationMs
  }
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
  const worker = startWorker(benchmark, spec, benchmark.timeoutMs, profileFile)
  if (!('child' in worker)) return worker
  let reply: WorkerReply | undefined
  worker.child.on('message', (message: WorkerReply) => {
    reply ??= message
  })
  send(worker, {
    type: 'run',
    file: spec.file,
    bench: spec.bench,
    benchmarkName: benchmark.name,
    timeMs: spec.timeMs,
    warmupMs: spec.warmupMs,
    apiUrl: API_URL.href,
    ...harnessFields(spec),
    ...(profileFile ? { profileFile } : {})
  } satisfies RunRequest)
  const end = await worker.finished
  return workerOutcome(
    reply,
    end,
    performance.now() - started,
    `trial timed out after ${benchmark.timeoutMs / 1000} s (worker killed)`
  )
}

/**
 * Slice of an interleaved function pair. The machine's speed for the same work drifts
 * over a second or two, and a neighbour that runs and sleeps by turns slows some slices
 * and not others: base and head sampled in alternating short slices share both. A/A
 * spread of a 2 ms function's mean beside such a neighbour (`npm run bench:function-pairs
 * -- --neighbour`): 31 % back to back, 16 % with 50 ms slices, 14 % with 25 ms, 9 % with
 * 10 ms (docs/PERFORMANCE.md). A slice costs one IPC round trip outside the timed batches
 * (a few % of wall time at 10 ms); a call longer than a slice makes a slice of one call.
 */
export const FUNCTION_SLICE_MS = 10

/**
 * One side of a pair: a worker that answers command by command. Its time budget (the
 * benchmark's timeout) counts only while it works on a command, not while it waits for
 * the other side's slices: a side that hangs is killed alone, on its own timeout.
 */
class CommandedWorker {
  readonly #worker: Worker
  readonly #inbox: WorkerReply[] = []
  #waiting: ((reply: WorkerReply | undefined) => void) | undefined
  #ended = false
  #usedMs = 0
  readonly #budgetMs: number
  /** The last reply: the result or error that makes the side's outcome. */
  last: WorkerReply | undefined
  /** Killed for spending its whole budget on commands. */
  timedOut = false

  constructor(worker: Worker, budgetMs: number) {
    this.#worker = worker
    this.#budgetMs = budgetMs
    worker.child.on('message', (message: WorkerReply) => {
      if (this.#waiting) {
        const resolve = this.#waiting
        this.#waiting = undefined
        resolve(message)
      } else this.#inbox.push(message)
    })
    void worker.finished.then(() => {
      this.#ended = true
      this.#waiting?.(undefined)
      this.#waiting = undefined
    })
  }

  get finished(): Promise<Finished> {
    return this.#worker.finished
  }

  /** Sends a command; its reply, or undefined once the worker has ended. */
  async request(request: WorkerRequest): Promise<WorkerReply | undefined> {
    send(this.#worker, request)
    const begin = performance.now()
    let timer: NodeJS.Timeout | undefined
    const reply =
      this.#inbox.shift() ??
      (this.#ended
        ? undefined
        : await new Promise<WorkerReply | undefined>((resolve) => {
            this.#waiting = resolve
            timer = setTimeout(
              () => {
                this.timedOut = true
                this.kill()
              },
              Math.max(0, this.#budgetMs - this.#usedMs)
            )
          }))
    clearTimeout(timer)
    this.#usedMs += performance.now() - begin
    if (reply) this.last = reply
    return reply
  }

  kill(): void {
    killGroup(this.#worker.child)
  }
}

/**
 * One interleaved pair (an A/B run of a function benchmark with `function.interleave`):
 * both sides' workers start, load, set up and warm their bench together; then sampling
 * alternates between them in slices of about FUNCTION_SLICE_MS, in the order first,
 * second, second, first, … until each side has sampled `function.time` and at least
 * DEFAULT_MIN_SAMPLES batches (as a single trial does); each side's measurement
 * summarizes all its slices. A side whose worker fails (a bench the base does not have
 * yet, a throw, a crash, its own timeout) becomes an error and the other samples on alone.
 */
export async function runFunctionPair(
  sides: Readonly<Record<Side, { benchmark: BenchmarkConfig; spec: FunctionSpec }>>,
  first: Side,
  sliceMs = FUNCTION_SLICE_MS
): Promise<Record<Side, TrialOutcome>> {
  const started = performance.now()
  const second: Side = first === 'base' ? 'head' : 'base'
  // Each side's budget counts its own commands; the process limit only backs it up.
  const processLimitMs = sides.base.benchmark.timeoutMs + sides.head.benchmark.timeoutMs
  const outcomes: Partial<Record<Side, TrialOutcome>> = {}
  const workers: Partial<Record<Side, CommandedWorker>> = {}
  for (const side of [first, second]) {
    const { benchmark, spec } = sides[side]
    const worker = startWorker(benchmark, spec, processLimitMs)
    if ('child' in worker) workers[side] = new CommandedWorker(worker, benchmark.timeoutMs)
    else outcomes[side] = worker
  }
  const live = new Set<Side>()
  const of = {
    base: { sampledMs: 0, batches: 0, slices: 0, exhausted: false },
    head: { sampledMs: 0, batches: 0, slices: 0, exhausted: false }
  }
  try {
    await Promise.all(
      ([first, second] as const).map(async (side) => {
        const worker = workers[side]
        if (!worker) return
        const { benchmark, spec } = sides[side]
        const reply = await worker.request({
          type: 'prepare',
          file: spec.file,
          bench: spec.bench,
          benchmarkName: benchmark.name,
          warmupMs: spec.warmupMs,
          apiUrl: API_URL.href,
          ...harnessFields(spec)
        } satisfies PrepareRequest)
        if (reply?.type === 'ready') live.add(side)
      })
    )
    const wanted = (side: Side) => {
      const s = of[side]
      const short = s.sampledMs < sides[side].spec.timeMs || s.batches < DEFAULT_MIN_SAMPLES
      return live.has(side) && short && !s.exhausted
    }
    for (let k = 0; ; k++) {
      const side = sliceSide(k, first, wanted)
      if (!side) break
      const s = of[side]
      const reply = await workers[side]!.request({
        type: 'sample',
        ms: Math.max(0, Math.min(sliceMs, sides[side].spec.timeMs - s.sampledMs)),
        minBatches: 1
      })
      if (reply?.type !== 'sampled') {
        live.delete(side)
        continue
      }
      s.sampledMs += reply.ms
      s.batches += reply.batches
      s.slices++
      // The engine's sample limit reached: nothing more to take.
      if (reply.batches === 0) s.exhausted = true
    }
    for (const side of [first, second]) {
      if (live.has(side)) await workers[side]!.request({ type: 'finish' })
    }
  } finally {
    // Every worker has replied with its result or error, or dies here.
    for (const side of [first, second]) {
      const worker = workers[side]
      if (!worker) continue
      if (worker.last?.type !== 'result' && worker.last?.type !== 'error') worker.kill()
    }
  }
  const durationMs = (performance.now() - started) / 2
  for (const side of [first, second]) {
    const worker = workers[side]
    if (!worker) continue
    const end = await worker.finished
    const outcome = workerOutcome(
      worker.last,
      end,
      durationMs,
      `trial timed out after ${sides[side].benchmark.timeoutMs / 1000} s (worker killed)`,
      worker.timedOut || end.timedOut
    )
    outcomes[side] =
      outcome.ok && live.has(side)
        ? { ...outcome, details: { ...outcome.details, interleavedSlices: of[side].slices } }
        : outcome
  }
  return outcomes as Record<Side, TrialOutcome>
}
