/**
 * Instructions per request of an HTTP benchmark: the server (its whole process tree) runs
 * under valgrind, the requests come from perfgate outside it, one at a time on one
 * keep-alive connection. Two fresh servers get the same request sequence, of
 * FEW_REQUESTS and MANY_REQUESTS requests; per request is the difference of their totals
 * over the difference of the counts, so start-up, the readiness probe's answer and the
 * shutdown cancel out. Windows inside one long-running server do not repeat (JIT tiering
 * and GC fall into different windows, ±20 % measured); whole fresh processes do
 * (docs/DESIGN.md, "Instruction counts"). The server is stopped with SIGTERM, on which
 * valgrind still writes its totals (SIGKILL would not, and is an error).
 */
import type { BenchmarkConfig, HttpSpec } from '../../config/types.js'
import { requestSequence } from '../http/load.js'
import { startServer, ServerError, type RunningServer } from '../http/server.js'
import type { TrialOutcome } from '../types.js'
import { logTail, startCounted, type Counted } from './valgrind.js'

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

/** Sends `count` requests of the benchmark's sequence, in order, one at a time. */
async function sendRequests(spec: HttpSpec, port: number, count: number): Promise<void> {
  const { origin, requests } = requestSequence(spec, port)
  for (let i = 0; i < count; i++) {
    const request = requests[i % requests.length]!
    const response = await fetch(origin + request.path, {
      method: request.method ?? 'GET',
      headers: request.headers as Record<string, string>,
      ...(request.body === undefined ? {} : { body: request.body as string })
    })
    await response.arrayBuffer()
    if (response.status >= 400) {
      throw new Error(
        `request ${i + 1} (${request.method ?? 'GET'} ${request.path}) answered ${response.status}`
      )
    }
  }
}

async function countServer(
  benchmark: BenchmarkConfig,
  spec: HttpSpec,
  requests: number
): Promise<Counts> {
  let counted: Counted | undefined
  let server: RunningServer | undefined
  try {
    server = await startServer(
      { ...spec.server, readyTimeoutMs: spec.server.readyTimeoutMs * READY_SLOWDOWN },
      undefined,
      (command, args, options) => {
        counted = startCounted(command, args, { ...options, timeoutMs: benchmark.timeoutMs })
        return counted.started
      },
      COUNTED_STOP_GRACE_MS
    )
    await sendRequests(spec, server.port, requests)
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
    return totals
  } catch (error) {
    const tail = error instanceof ServerError ? error.stderrTail : server?.outputTail()
    return { message: `instruction count: ${(error as Error).message}`, tail }
  } finally {
    await server?.stop()
    counted?.remove()
  }
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
    details: { instructionRequests: `${FEW_REQUESTS}/${MANY_REQUESTS}` },
    durationMs
  }
}
