/**
 * What 'benchmark' (Benchmark.js) is inside a perfgate worker: `new Benchmark.Suite(name)
 * .add(name, fn, options)` and `new Benchmark(name, fn, options)` register perfgate
 * benchmarks (named "suite › name" in a named suite); `run()` returns at once and the
 * suite's event listeners are not called (perfgate measures each benchmark in trials of
 * its own). Follows Benchmark.js 2.1.
 */
import type { BenchFn } from '../registry.js'
import {
  HarnessError,
  HONOURED,
  ignored,
  registerHarnessBench,
  sortOptions,
  strict,
  type Hook,
  type OptionUse
} from './register.js'

const SAMPLING = 'perfgate sizes its own batches and samples for function.time'
const EVENTS = 'perfgate reports results itself; event callbacks are not called'

/** Benchmark.js options and what perfgate makes of them. */
const OPTIONS: Readonly<Record<string, OptionUse>> = {
  name: HONOURED,
  fn: HONOURED,
  defer: HONOURED,
  setup: HONOURED,
  teardown: HONOURED,
  id: HONOURED,
  maxTime: { use: 'time', msPerUnit: 1000 },
  minTime: ignored(SAMPLING),
  minSamples: ignored(SAMPLING),
  initCount: ignored(SAMPLING),
  delay: ignored(SAMPLING),
  async: ignored('perfgate runs every trial in a process of its own'),
  queued: ignored('perfgate runs every trial in a process of its own'),
  onStart: ignored(EVENTS),
  onCycle: ignored(EVENTS),
  onComplete: ignored(EVENTS),
  onError: ignored(EVENTS),
  onAbort: ignored(EVENTS),
  onReset: ignored(EVENTS)
}

interface Options {
  readonly name?: string
  readonly fn?: unknown
  readonly defer?: boolean
  readonly setup?: unknown
  readonly teardown?: unknown
  readonly [option: string]: unknown
}

/** Benchmark.js's argument forms: (name, fn, options), (name, options), (fn, options), (options). */
function normalize(args: readonly unknown[]): Options {
  const [a, b, c] = args
  if (typeof a === 'string' && typeof b === 'object' && b !== null) return { ...b, name: a }
  if (typeof a === 'string') return { ...(c as object), name: a, fn: b }
  if (typeof a === 'function') return { ...(b as object), fn: a }
  return { ...(a as object) }
}

function hook(value: unknown, self: unknown, call: string, which: string): Hook | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') {
    throw new HarnessError(
      `${call}: ${which} as a string of code is not supported by perfgate; pass a function`
    )
  }
  return () => (value as () => unknown).call(self)
}

function measured(options: Options, self: unknown, call: string): BenchFn {
  const fn = options.fn
  if (typeof fn !== 'function') {
    throw new HarnessError(
      `${call}: ${typeof fn === 'string' ? 'a string of code' : 'no function'} to benchmark; perfgate runs functions`
    )
  }
  if (!options.defer) return () => (fn as () => unknown).call(self)
  // A deferred benchmark ends when it calls deferred.resolve(): perfgate awaits that.
  return () =>
    new Promise<void>((resolve) => {
      ;(fn as (deferred: unknown) => unknown).call(self, { resolve, benchmark: self })
    })
}

function register(options: Options, suite: string | undefined, self: unknown, what: string): void {
  const name = options.name
  const call = `Benchmark.js ${what}(${JSON.stringify(name ?? '')}, …)`
  const sorted = sortOptions(`Benchmark.js ${JSON.stringify(name ?? '')} options`, options, OPTIONS)
  const notes = [...sorted.notes]
  if (options.setup !== undefined || options.teardown !== undefined) {
    notes.push(
      'Benchmark.js setup/teardown run once per trial as functions (Benchmark.js compiles them into each cycle): variables they declare are not visible to fn'
    )
  }
  registerHarnessBench(
    {
      harness: 'benchmark.js',
      path: [suite, name],
      fn: measured(options, self, call),
      setup: hook(options.setup, self, call, 'setup'),
      teardown: hook(options.teardown, self, call, 'teardown'),
      notes,
      ...(sorted.timeMs !== undefined ? { timeMs: sorted.timeMs } : {})
    },
    call
  )
}

/** A suite: its benchmarks become perfgate's; events and run() do nothing. */
class Suite {
  readonly name: string | undefined
  readonly _benchmarks: { name: string | undefined }[] = []

  constructor(name?: string | Options, options?: Options) {
    this.name = typeof name === 'string' ? name : (name?.name ?? options?.name)
    return strict(this, 'Benchmark.js suite')
  }

  get length(): number {
    return this._benchmarks.length
  }

  add(...args: unknown[]): this {
    const options = normalize(args)
    register(options, this.name, this, 'suite.add')
    this._benchmarks.push({ name: options.name })
    return this
  }

  on(): this {
    return this
  }
  off(): this {
    return this
  }
  emit(): this {
    return this
  }
  run(): this {
    return this
  }
  abort(): this {
    return this
  }
  reset(): this {
    return this
  }
  forEach(fn: (benchmark: unknown, index: number) => unknown): this {
    this._benchmarks.forEach(fn)
    return this
  }
  map(fn: (benchmark: unknown, index: number) => unknown): unknown[] {
    return this._benchmarks.map(fn)
  }
  filter(): Suite {
    return this
  }
  toArray(): unknown[] {
    return [...this._benchmarks]
  }
}

interface BenchmarkInstance {
  readonly name: string | undefined
  run(): BenchmarkInstance
  on(): BenchmarkInstance
  off(): BenchmarkInstance
  abort(): BenchmarkInstance
  reset(): BenchmarkInstance
}

/** `new Benchmark(name, fn, options)`: one benchmark, registered as it is made. */
function BenchmarkShim(this: { name?: string }, ...args: unknown[]): BenchmarkInstance {
  const options = normalize(args)
  const self = {
    name: options.name,
    run: () => self,
    on: () => self,
    off: () => self,
    abort: () => self,
    reset: () => self
  }
  register(options, undefined, self, 'new Benchmark')
  return strict(self, 'Benchmark.js benchmark')
}

const Benchmark = strict(
  Object.assign(BenchmarkShim, {
    Suite,
    options: {},
    version: '2.1.4',
    platform: { description: `Node.js ${process.version}` },
    support: {}
  }),
  'Benchmark'
)

export default Benchmark
export { Suite }
