/**
 * What the harness shims share: a benchmark found in a file written for vitest bench,
 * tinybench, mitata or Benchmark.js becomes an entry of perfgate's bench registry, with
 * its hooks and notes on the harness options perfgate honours or ignores; a call perfgate
 * does not understand becomes an error that names it.
 */
import { benchRegistry, type BenchFn, type ForeignHarness } from '../registry.js'

/** Between a group's (describe, group, named Bench or Suite) name and a bench's name. */
export const NAME_SEPARATOR = ' › '

/** An error in a bench file's use of a harness; the worker names the file in front. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PerfgateHarnessError'
  }
}

export type Hook = () => unknown

export interface HarnessBench {
  readonly harness: ForeignHarness
  /** Enclosing group names, then the bench's own name; empty parts are left out. */
  readonly path: readonly (string | null | undefined)[]
  readonly fn: BenchFn
  /** Run in order once per trial, before warm-up. */
  readonly setup?: Hook
  /** Run once per trial after sampling. */
  readonly teardown?: Hook
  readonly notes?: readonly string[]
  readonly timeMs?: number
  readonly warmupMs?: number
}

export function joinName(path: readonly (string | null | undefined)[]): string {
  return path
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(NAME_SEPARATOR)
}

/**
 * Registers a harness's benchmark under its full name; `call` is how the file's call
 * reads in an error (e.g. `bench.add("parse", …)`). Returns the name.
 */
export function registerHarnessBench(bench: HarnessBench, call: string): string {
  const name = joinName(bench.path)
  if (name === '') throw new HarnessError(`${call}: perfgate needs a name for every benchmark`)
  if (typeof bench.fn !== 'function') {
    throw new HarnessError(`${call}: expected a function to benchmark, got ${typeof bench.fn}`)
  }
  const registry = benchRegistry()
  if (registry.has(name)) {
    throw new HarnessError(
      `${call}: a benchmark named ${JSON.stringify(name)} is already registered; perfgate ` +
        `needs unique names (group, describe and suite names prefix them: "group${NAME_SEPARATOR}name")`
    )
  }
  registry.set(name, {
    name,
    fn: bench.fn,
    options: { setup: bench.setup, teardown: bench.teardown },
    harness: bench.harness,
    notes: bench.notes ?? [],
    ...(bench.timeMs !== undefined ? { timeMs: bench.timeMs } : {}),
    ...(bench.warmupMs !== undefined ? { warmupMs: bench.warmupMs } : {})
  })
  return name
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/** Hooks run one after the other, each awaited when it returns a promise. */
export function inOrder(hooks: readonly (Hook | undefined)[]): Hook | undefined {
  const present = hooks.filter((hook): hook is Hook => typeof hook === 'function')
  if (present.length === 0) return undefined
  return async () => {
    for (const hook of present) await hook()
  }
}

/**
 * `fn` with hooks around every call. perfgate times batches of calls, not single calls,
 * so per-call hooks run inside the timed batch (on both sides of an A/B alike).
 */
export function aroundEachCall(fn: BenchFn, before?: Hook, after?: Hook): BenchFn {
  if (!before && !after) return fn
  const finish = (value: unknown) => {
    const done = after?.()
    return isThenable(done) ? Promise.resolve(done).then(() => value) : value
  }
  const call = () => {
    const result = fn()
    return isThenable(result) ? Promise.resolve(result).then(finish) : finish(result)
  }
  return () => {
    const ready = before?.()
    return isThenable(ready) ? Promise.resolve(ready).then(call) : call()
  }
}

/** What perfgate does with one harness option. */
export type OptionUse =
  | { readonly use: 'honoured' }
  | { readonly use: 'time' | 'warmup'; readonly msPerUnit: number }
  | { readonly use: 'ignored'; readonly why: string }

export const HONOURED: OptionUse = { use: 'honoured' }
export const ignored = (why: string): OptionUse => ({ use: 'ignored', why })

const SAMPLING = ignored('perfgate sizes its own batches and samples for function.time')
const CLOCK = ignored('perfgate reads its own clock')
const ONE_AT_A_TIME = ignored('perfgate runs one call at a time')

/**
 * tinybench's Bench options and what perfgate makes of them; vitest's bench options are
 * tinybench's (2.x, a subset of these names).
 */
export const TINYBENCH_OPTIONS: Readonly<Record<string, OptionUse>> = {
  name: HONOURED,
  setup: HONOURED,
  teardown: HONOURED,
  time: { use: 'time', msPerUnit: 1 },
  warmupTime: { use: 'warmup', msPerUnit: 1 },
  warmup: { use: 'warmup', msPerUnit: 1 },
  iterations: SAMPLING,
  warmupIterations: SAMPLING,
  now: CLOCK,
  timestampProvider: CLOCK,
  subtractTimerOverhead: ignored('perfgate batches calls so the clock costs under 0.1 %'),
  throws: ignored('a benchmark that throws always fails its trial in perfgate'),
  signal: ignored('perfgate stops a trial on its timeout'),
  concurrency: ONE_AT_A_TIME,
  threshold: ONE_AT_A_TIME,
  retainSamples: ignored('perfgate keeps its own samples')
}

export interface SortedOptions {
  readonly notes: string[]
  readonly timeMs?: number
  readonly warmupMs?: number
}

/**
 * Sorts the options a file passed (`label` names where, e.g. "tinybench Bench options")
 * by what perfgate does with them: hooks are honoured, times go to perfgate.yml, the rest
 * is ignored with a note saying why.
 */
export function sortOptions(
  label: string,
  options: unknown,
  uses: Readonly<Record<string, OptionUse>>
): SortedOptions {
  if (typeof options !== 'object' || options === null) return { notes: [] }
  const notes: string[] = []
  let timeMs: number | undefined
  let warmupMs: number | undefined
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue
    const use = Object.hasOwn(uses, key) ? uses[key]! : ignored('not a perfgate setting')
    if (use.use === 'ignored') notes.push(`${label}: ${key} ignored (${use.why})`)
    else if (use.use === 'time' && typeof value === 'number' && value > 0) {
      timeMs = value * use.msPerUnit
    } else if (use.use === 'warmup') {
      if (value === false) warmupMs = 0
      else if (typeof value === 'number' && value >= 0) warmupMs = value * use.msPerUnit
    }
  }
  return {
    notes,
    ...(timeMs !== undefined ? { timeMs } : {}),
    ...(warmupMs !== undefined ? { warmupMs } : {})
  }
}

/** Property names any object answers (awaiting, printing, serializing it). */
const ALWAYS_READ = new Set(['then', 'toJSON', 'inspect', 'asymmetricMatch', '$$typeof'])

/**
 * `target` behind a proxy that turns a read of a property the shim lacks into an error
 * naming it, so `describe.each(...)` says what perfgate does not run instead of
 * "undefined is not a function".
 */
export function strict<T extends object>(target: T, label: string): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'string' && !(key in object) && !ALWAYS_READ.has(key)) {
        throw new HarnessError(
          `${label}.${key}: not something perfgate can run (it understands ${supported(object)})`
        )
      }
      return Reflect.get(object, key, receiver) as unknown
    }
  })
}

/** The public names of a shim object, for error messages. */
function supported(object: object): string {
  const names = new Set<string>()
  for (let o: object | null = object; o && o !== Object.prototype && o !== Function.prototype;) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (!name.startsWith('_') && !['constructor', 'length', 'name', 'prototype'].includes(name)) {
        names.add(name)
      }
    }
    o = Object.getPrototypeOf(o) as object | null
  }
  return [...names].sort().join(', ')
}
