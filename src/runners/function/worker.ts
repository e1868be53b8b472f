/**
 * Entry of a function worker process: one process per trial. It maps the bare specifier
 * 'perfgate' to the running perfgate's API (so base and head are measured by the same
 * harness), imports the bench file, measures the chosen bench and replies over IPC —
 * in one go (`run`), or slice by slice on command (`prepare`, `sample`…, `finish`: one
 * side of an interleaved pair).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector'
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { measureFunction, prepareFunction, type PreparedFunction } from './engine.js'
import { callBench } from './count.js'
import {
  benchesOf,
  explainImportError,
  installHarnessShims,
  mayRequire,
  requireTo
} from './harness/loader.js'
import {
  isCountCalls,
  isWorkerRequest,
  type CountRequest,
  type ListRequest,
  type PrepareRequest,
  type RunRequest,
  type WorkerReply,
  type WorkerRequest
} from './protocol.js'
import { benchRegistry, type RegisteredBench } from './registry.js'

function reply(message: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve()
    process.send(message, undefined, {}, () => resolve())
  })
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}

/**
 * 'perfgate' to our API: a resolve hook (Node module customization hooks) for import, and
 * for a file that may run as CommonJS (a TypeScript bench outside an ES-module package,
 * which tsx compiles to require()) require('perfgate') too.
 */
async function resolvePerfgate(apiUrl: string, file: string, source: string): Promise<void> {
  registerPerfgateResolver(apiUrl)
  if (mayRequire(file, source)) requireTo(new Map([['perfgate', await import(apiUrl)]]))
}

/** A resolve hook (Node module customization hooks) sending 'perfgate' to our API. */
function registerPerfgateResolver(apiUrl: string): void {
  const hooks = `
    export async function resolve(specifier, context, next) {
      // Handing the URL on (rather than short-circuiting) lets a TS loader see it too.
      return next(specifier === 'perfgate' ? ${JSON.stringify(apiUrl)} : specifier, context)
    }`
  register('data:text/javascript,' + encodeURIComponent(hooks))
}

type LoadRequest = RunRequest | PrepareRequest | CountRequest

function pickBench(request: LoadRequest): RegisteredBench {
  const registry = benchesOf(benchRegistry(), request.harness)
  const names = [...registry.keys()]
  const wanted = request.bench ?? request.benchmarkName
  const found = registry.get(wanted)
  if (found) return found
  if (request.bench === undefined && registry.size === 1) return registry.values().next().value!
  if (registry.size === 0 && request.harness && request.harness !== 'auto') {
    throw new Error(
      `${request.file} registers no bench through ${request.harness} (function.harness); ` +
        `it registers ${[...benchRegistry().values()].map((b) => `${JSON.stringify(b.name)} (${b.harness ?? 'perfgate'})`).join(', ') || 'none'}`
    )
  }
  if (registry.size === 0) {
    throw new Error(
      `${request.file} registers no bench; expected a call such as bench('name', () => work()) ` +
        `with bench imported from 'perfgate', or a file written for vitest bench, tinybench, ` +
        `mitata or Benchmark.js`
    )
  }
  throw new Error(
    `${request.file} registers ${names.map((n) => JSON.stringify(n)).join(', ')}, none named ` +
      `${JSON.stringify(wanted)}; set function.bench in perfgate.yml to one of them`
  )
}

/** Sampling interval of a profiled trial (µs): finer than V8's 1 ms default. */
const PROFILE_INTERVAL_US = 100

/** V8's CPU profiler through the inspector, in this process, around the sampling phase. */
function cpuProfiler(file: string) {
  const session = new Session()
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)))
    )
  let cpu: NodeJS.CpuUsage | undefined
  return {
    async start() {
      session.connect()
      await post('Profiler.enable')
      await post('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US })
      await post('Profiler.start')
      cpu = process.cpuUsage()
    },
    async stop() {
      const used = process.cpuUsage(cpu)
      const { profile } = (await post('Profiler.stop')) as { profile: unknown }
      session.disconnect()
      await writeFile(file, JSON.stringify(profile))
      // The kernel's CPU time of the profiled phase (µs), beside the profile.
      await writeFile(`${file}.cpu`, String(used.user + used.system))
    }
  }
}

/** Set while the bench file is imported: an error then is a load error. */
let loading = false

/** Imports the bench file, its harness's imports led to perfgate's shims. */
async function loadFile(request: LoadRequest | ListRequest): Promise<void> {
  // An unreadable file fails at its import below, with Node's own message.
  const source = await readFile(request.file, 'utf8').catch(() => '')
  const bundle = request.type === 'count' ? request.module : undefined
  const imported = bundle ?? request.file
  // A count's bundle imports perfgate's API and shims by URL: no module-hooks thread then,
  // whose timing would move the count (src/runners/instructions/bundle.ts).
  if (bundle === undefined) {
    await resolvePerfgate(request.apiUrl, imported, source)
    await installHarnessShims(request.harnessUrls ?? {}, request.harness, source, imported)
  }
  loading = true
  try {
    await import(pathToFileURL(imported).href)
  } catch (error) {
    const explained = explainImportError(error, request.file)
    if (explained === undefined) throw error
    throw new Error(explained, { cause: error })
  }
  loading = false
}

async function loadBench(request: LoadRequest): Promise<RegisteredBench> {
  await loadFile(request)
  return pickBench(request)
}

/** The benches a file registers, for `perfgate init`. */
async function list(request: ListRequest): Promise<void> {
  await loadFile(request)
  const benches = [...benchesOf(benchRegistry(), request.harness).values()].map((bench) => ({
    name: bench.name,
    harness: bench.harness ?? ('perfgate' as const),
    notes: bench.notes ?? [],
    ...(bench.timeMs !== undefined ? { timeMs: bench.timeMs } : {}),
    ...(bench.warmupMs !== undefined ? { warmupMs: bench.warmupMs } : {})
  }))
  await reply({ type: 'listed', benches })
}

async function run(request: RunRequest): Promise<void> {
  const bench = await loadBench(request)
  const measurement = await measureFunction(bench.fn, bench.options, {
    timeMs: request.timeMs,
    warmupMs: request.warmupMs,
    ...(request.profileFile ? { aroundSampling: cpuProfiler(request.profileFile) } : {})
  })
  await reply({ type: 'result', measurement })
}

/** The worker's state on command: nothing yet, or a bench prepared and sampled so far. */
let prepared: PreparedFunction | undefined

/** Who waits for the calls of an instruction count (sent while `count` is handled). */
let awaitingCalls: ((calls: number) => void) | undefined

function callsFromPerfgate(): Promise<number> {
  return new Promise((resolve) => {
    awaitingCalls = resolve
  })
}

/** One command; true when the worker is done (a result sent). */
async function handle(request: WorkerRequest): Promise<boolean> {
  switch (request.type) {
    case 'run':
      await run(request)
      return true
    case 'list':
      await list(request)
      return true
    case 'prepare': {
      if (prepared) throw new Error('perfgate worker: prepared twice')
      const bench = await loadBench(request)
      prepared = await prepareFunction(bench.fn, bench.options, { warmupMs: request.warmupMs })
      await reply({ type: 'ready' })
      return false
    }
    case 'sample': {
      if (!prepared) throw new Error('perfgate worker: sample before prepare')
      const begin = performance.now()
      const batches = await prepared.sample(request.ms, request.minBatches)
      await reply({ type: 'sampled', batches, ms: performance.now() - begin })
      return false
    }
    case 'count': {
      const bench = await loadBench(request)
      const calls = await callBench(bench.fn, bench.options, async () => {
        const calls = callsFromPerfgate()
        await reply({ type: 'probed' })
        return calls
      })
      await reply({ type: 'counted', calls })
      return true
    }
    case 'finish': {
      if (!prepared) throw new Error('perfgate worker: finish before prepare')
      const measurement = await prepared.finish()
      await prepared.close()
      await reply({ type: 'result', measurement })
      return true
    }
  }
}

async function fail(thrown: unknown): Promise<never> {
  const error = toError(thrown)
  await prepared?.close().catch(() => undefined)
  await reply({
    type: 'error',
    message: error.message,
    stack: error.stack,
    ...(loading ? { phase: 'load' as const } : {})
  })
  process.exit(1)
}

// perfgate gone (killed without clean-up): nothing will read a reply, and a bench's own
// handles must not keep the worker alive.
process.on('disconnect', () => process.exit(1))

// Commands are handled one at a time, in order.
let queue = Promise.resolve()
process.on('message', (message: unknown) => {
  if (awaitingCalls && isCountCalls(message)) {
    awaitingCalls(message.calls)
    awaitingCalls = undefined
    return
  }
  queue = queue.then(async () => {
    if (!isWorkerRequest(message)) {
      await reply({ type: 'error', message: 'perfgate worker: unexpected message' })
      process.exit(2)
    }
    try {
      if (await handle(message)) process.exit(0)
    } catch (thrown) {
      await fail(thrown)
    }
  })
})
