/**
 * Instructions per request of an HTTP benchmark: the server (its whole process tree) runs
 * under valgrind in the counted environment (repeatable.ts: its Node processes with V8's
 * repeatability flags), the requests come from perfgate outside it, one at a time on one
 * keep-alive connection (requests.ts). Two fresh servers get the same request sequence, of
 * FEW_REQUESTS and MANY_REQUESTS requests; per request is the difference of their totals
 * over the difference of the counts, so start-up, the readiness probe's answer and the
 * shutdown cancel out. Windows inside one long-running server do not repeat (JIT tiering
 * and GC fall into different windows, ±20 % measured); whole fresh processes do
 * (docs/DESIGN.md, "Instruction counts"). The server is stopped with SIGTERM, on which
 * valgrind still writes its totals (SIGKILL would not, and is an error).
 */
import type { BenchmarkConfig, HttpSpec } from '../../config/types.js'
import { startServer, ServerError, type RunningServer } from '../http/server.js'
import type { TrialOutcome } from '../types.js'
import { startRepeatable } from './repeatable.js'
import { countedClient } from './requests.js'
import { logTail, type Counted } from './valgrind.js'

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

type Counts =
  { instructions: number; retries: number } | { message: string; tail: string | undefined }

/**
 * The count of one fresh server under valgrind given `requests` requests. Its readiness
 * probe waits as long as the server takes to answer (an abandoned probe would be one more
 * request counted in one server and not the other), and closes its connection.
 */
async function countServer(
  benchmark: BenchmarkConfig,
  spec: HttpSpec,
  requests: number
): Promise<Counts> {
  let counted: Counted | undefined
  let server: RunningServer | undefined
  let client: ReturnType<typeof countedClient> | undefined
  const readyTimeoutMs = spec.server.readyTimeoutMs * READY_SLOWDOWN
  try {
    server = await startServer(
      { ...spec.server, readyTimeoutMs },
      undefined,
      (command, args, options) => {
        const started = startRepeatable(command, args, {
          ...options,
          timeoutMs: benchmark.timeoutMs
        })
        if ('error' in started) throw new Error(started.error)
        counted = started
        return started.started
      },
      COUNTED_STOP_GRACE_MS,
      readyTimeoutMs
    )
    client = countedClient(spec, server.port)
    const { retries } = await client.send(requests)
    await server.stop()
    const end = await counted!.started.finished
    const totals = counted!.totals()
    if ('error' in totals) return { message: totals.error, tail: logTail(totals.log) }
    if (end.timedOut) {
      return {
        message: `server under valgrind timed out after ${benchmark.timeoutMs / 1000} s`,
        tail: undefined
      }
    }
    return { ...totals, retries }
  } catch (error) {
    const tail = error instanceof ServerError ? error.stderrTail : server?.outputTail()
    return { message: `instruction count: ${describeError(error)}`, tail }
  } finally {
    await server?.stop()
    client?.close()
    counted?.remove()
  }
}

/** An error's message with its code (ECONNRESET, …) when the message does not name it. */
function describeError(error: unknown): string {
  const { message, code } = error as NodeJS.ErrnoException
  return code && !message.includes(code) ? `${message} (${code})` : message
}

/** One side's instructions per request: two servers, few and many requests, at once. */
export async function countHttp(benchmark: BenchmarkConfig, spec: HttpSpec): Promise<TrialOutcome> {
  const started = performance.now()
  const [few, many] = await Promise.all([
    countServer(benchmark, spec, FEW_REQUESTS),
    countServer(benchmark, spec, MANY_REQUESTS)
  ])
  const durationMs = performance.now() - started
  if ('message' in few) return { ok: false, message: few.message, stderrTail: few.tail, durationMs }
  if ('message' in many) {
    return { ok: false, message: many.message, stderrTail: many.tail, durationMs }
  }
  const perRequest = (many.instructions - few.instructions) / (MANY_REQUESTS - FEW_REQUESTS)
  if (!(perRequest > 0)) {
    return {
      ok: false,
      message: 'instruction count: more requests counted no more instructions',
      stderrTail: undefined,
      durationMs
    }
  }
  return {
    ok: true,
    metrics: { instructions: perRequest },
    details: {
      instructionRequests: `${FEW_REQUESTS}/${MANY_REQUESTS}`,
      ...(few.retries + many.retries > 0 ? { instructionRetries: few.retries + many.retries } : {})
    },
    durationMs
  }
}
