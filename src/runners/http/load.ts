/**
 * One load run with autocannon. Every 2xx response's latency (autocannon's `response`
 * event, float milliseconds) goes into our own HDR histogram at microsecond precision:
 * autocannon's own histogram holds integer milliseconds and its summary has no p95.
 * With a fixed rate, each connection is expected to send at a fixed interval, and the
 * histogram backfills the requests a slow answer held back (coordinated omission,
 * HdrHistogram's recordValueWithExpectedInterval).
 */
import autocannon from 'autocannon'
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'
import type { HttpSpec } from '../../config/types.js'
import { withPort } from './server.js'

/** autocannon's sampling tick: load stops at the first tick after its duration. */
const LOAD_TICK_MS = 20

/** 1 µs to 1 hour, 3 significant digits. */
function newHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3
  })
}

export interface LoadResult {
  /** Latency percentiles in milliseconds (2xx responses). */
  readonly p50: number
  readonly p90: number
  readonly p95: number
  readonly p99: number
  readonly p999: number
  readonly max: number
  readonly mean: number
  readonly ok: number
  readonly rps: number
  readonly throughput: number
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly seconds: number
  /** Share of one core perfgate's own process used generating load. */
  readonly loadgenCpu: number
  /** The HDR histogram, compressed (base64), for later analysis. */
  readonly histogram: string
}

/** The request sequence each connection sends: weights repeat a request. */
export function requestSequence(
  spec: HttpSpec,
  port: number
): { origin: string; requests: autocannon.Request[] } {
  const first = new URL(withPort(spec.requests[0]!.url, port))
  const requests = spec.requests.flatMap((request) => {
    const url = new URL(withPort(request.url, port))
    const one: autocannon.Request = {
      method: request.method as autocannon.Request['method'],
      path: url.pathname + url.search,
      headers: { ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body })
    }
    return Array.from({ length: request.weight }, () => one)
  })
  return { origin: first.origin, requests }
}

/**
 * What load runs have counted so far: one run's, or the sum of the slices one side of an
 * interleaved pair got (runLoadInto adds to it).
 */
export class LoadTally {
  readonly histogram = newHistogram()
  ok = 0
  non2xx = 0
  bytes = 0
  errors = 0
  timeouts = 0
  seconds = 0
  loadgenCpuSeconds = 0

  /** The summary of everything counted; frees the histogram. */
  result(): LoadResult {
    const { histogram, seconds } = this
    const pct = (p: number) => histogram.getValueAtPercentile(p) / 1000
    const result: LoadResult = {
      p50: pct(50),
      p90: pct(90),
      p95: pct(95),
      p99: pct(99),
      p999: pct(99.9),
      max: histogram.maxValue / 1000,
      mean: histogram.mean / 1000,
      ok: this.ok,
      rps: seconds > 0 ? this.ok / seconds : 0,
      throughput: seconds > 0 ? this.bytes / seconds : 0,
      errors: this.errors + this.non2xx,
      timeouts: this.timeouts,
      non2xx: this.non2xx,
      seconds,
      loadgenCpu: seconds > 0 ? this.loadgenCpuSeconds / seconds : 0,
      histogram: encodeIntoCompressedBase64(histogram)
    }
    histogram.destroy()
    return result
  }
}

/**
 * Runs load for `durationMs`. Aborting `signal` stops autocannon at once (its connections
 * close) and rejects, so a timed-out trial leaves no load running.
 */
export async function runLoad(
  spec: HttpSpec,
  port: number,
  durationMs: number,
  signal?: AbortSignal
): Promise<LoadResult> {
  const tally = new LoadTally()
  await runLoadInto(tally, spec, port, durationMs, signal)
  return tally.result()
}

/** Runs load for `durationMs` and adds what it counted to `tally`. */
export function runLoadInto(
  tally: LoadTally,
  spec: HttpSpec,
  port: number,
  durationMs: number,
  signal?: AbortSignal
): Promise<void> {
  const { origin, requests } = requestSequence(spec, port)
  const { connections, pipelining, rate, timeoutMs } = spec.load
  const { histogram } = tally
  // Fixed rate: each connection sends rate/connections requests per second.
  const expectedIntervalUs = rate ? (connections * 1e6) / rate : undefined
  let non2xx = 0
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const instance = autocannon(
      {
        url: origin,
        connections,
        pipelining,
        duration: durationMs / 1000,
        // autocannon stops only at its next sample tick (1 s by default), so a 0.5 s
        // warm-up ran 1 s and 1.5 s of load ran 2 s; ticks every 20 ms end it on time.
        // Not at a fixed rate: each connection then sends each second's quota at the start
        // of the second, and a stop a few ms past a whole second would let a new second's
        // quota out; there the load keeps running in whole seconds.
        sampleInt: rate ? 1000 : LOAD_TICK_MS,
        timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
        requests,
        ...(rate ? { overallRate: rate } : {})
      },
      (error, result) => {
        signal?.removeEventListener('abort', onAbort)
        if (signal?.aborted) return reject(signal.reason as Error)
        if (error) return reject(error)
        const cpu = process.cpuUsage(cpuBefore)
        tally.seconds += (performance.now() - started) / 1000
        tally.loadgenCpuSeconds += (cpu.user + cpu.system) / 1e6
        tally.errors += result.errors
        tally.timeouts += result.timeouts
        tally.non2xx += non2xx
        resolve()
      }
    )
    const onAbort = () => {
      instance.stop()
      reject(signal!.reason as Error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    instance.on(
      'response',
      (_client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
        if (statusCode < 200 || statusCode >= 300) {
          non2xx++
          return
        }
        tally.ok++
        tally.bytes += resBytes
        const us = Math.max(1, Math.round(responseTime * 1000))
        if (expectedIntervalUs) histogram.recordValueWithExpectedInterval(us, expectedIntervalUs)
        else histogram.recordValue(us)
      }
    )
  })
}
