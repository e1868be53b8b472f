/**
 * One load run of `npm run bench:loadgen`, in a fresh process so that no two load generators
 * share a JIT state: `node --import tsx client.ts <tool> <port> <connections> <durationS>
 * <warmupS>`. A warm-up run with the same tool and settings comes first (as perfgate's HTTP
 * runner does), then the measured run. The parent gets `{ type: 'measuring' }` over IPC right
 * before the measured run (it samples the server's CPU from there) and a ClientReport after.
 *
 * Tools:
 * - `perfgate`: perfgate's HTTP load path, `runLoad` (autocannon plus a `response` listener
 *   that records every 2xx latency into an HDR histogram);
 * - `autocannon`: bare `autocannon({ url, connections, duration })`, no listener;
 * - `autocannon-count`: the same with a `response` listener that only counts.
 */
import autocannon from 'autocannon'
import type { HttpSpec } from '../../src/config/types.js'
import { runLoad } from '../../src/runners/http/load.js'

const TOOLS = ['perfgate', 'autocannon', 'autocannon-count'] as const
export type ClientTool = (typeof TOOLS)[number]

export interface ClientReport {
  readonly type: 'result'
  readonly tool: ClientTool
  /** 2xx responses in the measured run. */
  readonly responses: number
  /** Other responses, connection errors and timeouts (all should be 0). */
  readonly failures: number
  /** From the load generator's start to its result, seconds. */
  readonly seconds: number
  /** CPU time of this process during the measured run, seconds. */
  readonly cpuSeconds: number
}

interface Measured {
  readonly responses: number
  readonly failures: number
}

/** The spec perfgate would build for `GET /` with 32 connections, closed loop. */
function httpSpec(connections: number, durationMs: number, warmupMs: number): HttpSpec {
  return {
    kind: 'http',
    // Not used by runLoad: the server is the bench's own, already running.
    server: {
      command: 'true',
      cwd: process.cwd(),
      env: {},
      readyUrl: 'http://127.0.0.1:{port}/',
      readyTimeoutMs: 10_000,
      restart: 'once'
    },
    requests: [
      { url: 'http://127.0.0.1:{port}/', method: 'GET', headers: {}, body: undefined, weight: 1 }
    ],
    load: {
      connections,
      durationMs,
      warmupMs,
      pipelining: 1,
      rate: undefined,
      timeoutMs: 10_000,
      interleave: false,
      pin: false
    }
  }
}

async function perfgate(spec: HttpSpec, port: number, durationMs: number): Promise<Measured> {
  const load = await runLoad(spec, port, durationMs)
  return { responses: load.ok, failures: load.errors + load.timeouts }
}

async function bare(url: string, connections: number, durationS: number): Promise<Measured> {
  const result = await autocannon({ url, connections, duration: durationS })
  return {
    responses: result['2xx'],
    failures: result.non2xx + result.errors + result.timeouts
  }
}

function counting(url: string, connections: number, durationS: number): Promise<Measured> {
  let count = 0
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: durationS }, (error, result) => {
      if (error) return reject(error)
      // The listener saw every response; 2xx from autocannon's own counts.
      if (count !== result['2xx'] + result.non2xx) {
        return reject(new Error(`listener counted ${count}, autocannon ${result['2xx']}`))
      }
      resolve({
        responses: result['2xx'],
        failures: result.non2xx + result.errors + result.timeouts
      })
    })
    instance.on('response', () => {
      count++
    })
  })
}

async function main(): Promise<void> {
  const [tool, portText, connectionsText, durationText, warmupText] = process.argv.slice(2)
  if (!TOOLS.includes(tool as ClientTool)) throw new Error(`unknown tool ${tool}`)
  const port = Number(portText)
  const connections = Number(connectionsText)
  const durationS = Number(durationText)
  const warmupS = Number(warmupText)
  const url = `http://127.0.0.1:${port}/`
  const spec = httpSpec(connections, durationS * 1000, warmupS * 1000)
  const run = (seconds: number): Promise<Measured> => {
    if (tool === 'perfgate') return perfgate(spec, port, seconds * 1000)
    if (tool === 'autocannon') return bare(url, connections, seconds)
    return counting(url, connections, seconds)
  }

  if (warmupS > 0) await run(warmupS)
  process.send?.({ type: 'measuring' })
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const measured = await run(durationS)
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const report: ClientReport = {
    type: 'result',
    tool: tool as ClientTool,
    responses: measured.responses,
    failures: measured.failures,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6
  }
  process.send?.(report, () => process.disconnect())
}

// The parent went away: stop at once (no orphan load generator).
process.on('disconnect', () => process.exit())

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) })
  process.exitCode = 1
  process.disconnect?.()
})
