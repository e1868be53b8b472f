/**
 * Instructions per request of an HTTP benchmark: the server (its whole process tree) runs
 * under valgrind in the counted environment (repeatable.ts: its Node processes with V8's
 * repeatability flags), the requests come from perfgate outside it, one at a time on one
 * keep-alive connection (requests.ts). Two fresh servers get the same request sequence, of
 * FEW_REQUESTS and MANY_REQUESTS requests, in step (sendInStep); per request is the
 * difference of their totals over the difference of the counts, so start-up, the readiness
 * probe's answer, the work done by the clock and the shutdown cancel out. Windows inside one long-running server do not repeat (JIT tiering
 * and GC fall into different windows, ±20 % measured); whole fresh processes do
 * (docs/DESIGN.md, "Instruction counts"). The server is stopped with SIGTERM, on which
 * valgrind still writes its totals (SIGKILL would not, and is an error).
 */
import type { BenchmarkConfig, HttpSpec } from '../../config/types.js'
import { startServer, ServerError, type RunningServer } from '../http/server.js'
import type { TrialOutcome } from '../types.js'
import { startRepeatable } from './repeatable.js'
import { countedClient, type CountedClient } from './requests.js'
import { countedTimeoutMs, logTail, timedOutText, type Counted } from './valgrind.js'

export const FEW_REQUESTS = 50
export const MANY_REQUESTS = 250

/**
 * A server under valgrind starts 30-60× slower (a fastify server: ~24 s until it answers):
 * its readiness wait is this many times the configured one.
 */
const READY_SLOWDOWN = 10

/**
 * How long a counted server gets after SIGTERM before SIGKILL (which leaves no totals):
 * under load, valgrind took longer than the 3 s an ordinary server gets.
 */
const COUNTED_STOP_GRACE_MS = 60_000

type Counts = { instructions: number } | { message: string; tail: string | undefined }

/** One counted server while it runs: set as it starts, so a failure part-way still cleans up. */
interface Launch {
  /** The counted server's timeout (countedTimeoutMs of the benchmark's). */
  timeoutMs?: number
  counted?: Counted
  server?: RunningServer
  client?: CountedClient
}

/**
 * Starts one fresh server under valgrind and opens perfgate's connection to it. Its
 * readiness probe waits as long as the server takes to answer (an abandoned probe would be
 * one more request counted in one server and not the other), and closes its connection.
 */
async function startCountedServer(
  benchmark: BenchmarkConfig,
  spec: HttpSpec,
  launch: Launch
): Promise<void> {
  const readyTimeoutMs = spec.server.readyTimeoutMs * READY_SLOWDOWN
  launch.server = await startServer(
    { ...spec.server, readyTimeoutMs },
    undefined,
    (command, args, options) => {
      launch.timeoutMs = countedTimeoutMs(benchmark.timeoutMs)
      const started = startRepeatable(command, args, { ...options, timeoutMs: launch.timeoutMs })
      if ('error' in started) throw new Error(started.error)
      launch.counted = started
      return started.started
    },
    COUNTED_STOP_GRACE_MS,
    readyTimeoutMs
  )
  launch.client = countedClient(spec, launch.server.port)
}

/** Stops a counted server and reads its totals (valgrind writes them as it ends). */
async function stopAndCount(benchmark: BenchmarkConfig, launch: Launch): Promise<Counts> {
  await launch.server!.stop()
  const end = await launch.counted!.started.finished
  const totals = launch.counted!.totals()
  if ('error' in totals) return { message: totals.error, tail: logTail(totals.log) }
  if (end.timedOut) {
    return {
      message: `server under valgrind ${timedOutText(launch.timeoutMs ?? benchmark.timeoutMs, benchmark.timeoutMs)}`,
      tail: undefined
    }
  }
  return totals
}

/**
 * Sends both servers their requests in step: each round one request to the few-request
 * server and MANY_REQUESTS / FEW_REQUESTS to the other, so both serve through the same
 * span of time. A server does work by the clock (its cached Date header renewed each
 * second, its timers), which a longer-serving server would count more of; in step, that
 * work is in both totals and cancels in their difference. Returns the resends.
 */
async function sendInStep(few: CountedClient, many: CountedClient): Promise<number> {
  const perRound = MANY_REQUESTS / FEW_REQUESTS
  let retries = 0
  for (let round = 0; round < FEW_REQUESTS; round++) {
    const sent = await Promise.all([few.send(1), many.send(perRound)])
    retries += sent[0].retries + sent[1].retries
  }
  return retries
}

/** An error's message with its code (ECONNRESET, …) when the message does not name it. */
function describeError(error: unknown): string {
  const { message, code } = error as NodeJS.ErrnoException
  return code && !message.includes(code) ? `${message} (${code})` : message
}

/**
 * One side's instructions per request: two servers, few and many requests, started at once,
 * given their requests in step and stopped together.
 */
export async function countHttp(benchmark: BenchmarkConfig, spec: HttpSpec): Promise<TrialOutcome> {
  const started = performance.now()
  const few: Launch = {}
  const many: Launch = {}
  const failed = (message: string, tail: string | undefined): TrialOutcome => ({
    ok: false,
    message,
    stderrTail: tail,
    durationMs: performance.now() - started
  })
  try {
    // Both started before either fails the count: a server still starting is never left.
    const starts = await Promise.allSettled([
      startCountedServer(benchmark, spec, few),
      startCountedServer(benchmark, spec, many)
    ])
    for (const start of starts) if (start.status === 'rejected') throw start.reason
    const retries = await sendInStep(few.client!, many.client!)
    const [fewCount, manyCount] = await Promise.all([
      stopAndCount(benchmark, few),
      stopAndCount(benchmark, many)
    ])
    if ('message' in fewCount) return failed(fewCount.message, fewCount.tail)
    if ('message' in manyCount) return failed(manyCount.message, manyCount.tail)
    const perRequest =
      (manyCount.instructions - fewCount.instructions) / (MANY_REQUESTS - FEW_REQUESTS)
    if (!(perRequest > 0)) {
      return failed('instruction count: more requests counted no more instructions', undefined)
    }
    return {
      ok: true,
      metrics: { instructions: perRequest },
      details: {
        instructionRequests: `${FEW_REQUESTS}/${MANY_REQUESTS}`,
        ...(retries > 0 ? { instructionRetries: retries } : {})
      },
      durationMs: performance.now() - started
    }
  } catch (error) {
    const tail =
      error instanceof ServerError
        ? error.stderrTail
        : (few.server?.outputTail() ?? many.server?.outputTail())
    return failed(`instruction count: ${describeError(error)}`, tail)
  } finally {
    await Promise.all([few.server?.stop(), many.server?.stop()])
    few.client?.close()
    many.client?.close()
    few.counted?.remove()
    many.counted?.remove()
  }
}
