/**
 * What 'mitata' is inside a perfgate worker: `bench(name, fn)` registers a perfgate
 * benchmark (named "group › name" inside a named `group`); `summary`, `barplot`,
 * `boxplot`, `lineplot` and `compact` only run their callback; `run()` resolves at once
 * (perfgate measures each benchmark in trials of its own). A generator benchmark's code
 * before `yield` is its setup and after it its teardown. Follows mitata 1.0.
 */
import type { BenchFn } from '../registry.js'
import { benchRegistry } from '../registry.js'
import { HarnessError, isThenable, joinName, registerHarnessBench, strict } from './register.js'

/** Names of the enclosing named groups. */
const groups: (string | null)[] = []

type Generated = Generator<unknown, unknown, unknown> | AsyncGenerator<unknown, unknown, unknown>

function isGeneratorFunction(fn: unknown): fn is (state: unknown) => Generated {
  const kind = (fn as { constructor?: { name?: string } } | undefined)?.constructor?.name
  return kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction'
}

/** The state a generator benchmark is handed: no parameters (args are not supported). */
const NO_ARGS_STATE = strict({ get: (): undefined => undefined }, 'mitata state')

/** A mitata benchmark: the chainable object `bench()` returns. */
export class B {
  _name: string
  readonly f: unknown

  constructor(name: string, f: unknown, group: string | null) {
    this._name = name
    this.f = f
    const call = `mitata bench(${JSON.stringify(name)}, …)`
    if (typeof f !== 'function') throw new HarnessError(`${call}: expected a function`)
    if (isGeneratorFunction(f)) this.#registerGenerator(group, call)
    else registerHarnessBench({ harness: 'mitata', path: [group, name], fn: f as BenchFn }, call)
    this._key = joinName([group, name])
    this._group = group
    return strict(this, 'mitata bench(…)')
  }

  readonly _key: string
  readonly _group: string | null

  /** Code before the generator's first `yield` sets up, the yielded function is measured. */
  #registerGenerator(group: string | null, call: string): void {
    let generator: Generated | undefined
    let measured: BenchFn = () => undefined
    registerHarnessBench(
      {
        harness: 'mitata',
        path: [group, this._name],
        fn: () => measured(),
        setup: async () => {
          generator = (this.f as (state: unknown) => Generated)(NO_ARGS_STATE)
          const first = await generator.next()
          if (typeof first.value !== 'function') {
            throw new HarnessError(
              `${call}: the generator must yield the function to measure; perfgate does not ` +
                `run computed parameters ({ [0]() {…}, bench() {…} })`
            )
          }
          measured = first.value as BenchFn
        },
        teardown: async () => {
          await generator?.next()
          await generator?.return(undefined)
        }
      },
      call
    )
  }

  /** Renames the benchmark (mitata's `.name(n)`). */
  name(name: string): this {
    const registry = benchRegistry()
    const entry = registry.get(this._key)
    if (entry) {
      registry.delete(this._key)
      const key = joinName([this._group, name])
      registry.set(key, { ...entry, name: key })
      ;(this as { _key: string })._key = key
    }
    this._name = name
    return this
  }

  // Presentation and GC settings of mitata's own run: nothing for perfgate to do.
  gc(): this {
    return this
  }
  highlight(): this {
    return this
  }
  compact(): this {
    return this
  }
  baseline(): this {
    return this
  }

  args(): never {
    throw new HarnessError(
      `mitata bench(${JSON.stringify(this._name)}).args/range/dense_range: perfgate does not run ` +
        `parametrized benchmarks; register one bench per value instead`
    )
  }
  range(): never {
    return this.args()
  }
  dense_range(): never {
    return this.args()
  }
}

export function bench(nameOrFn: string | ((...args: unknown[]) => unknown), fn?: unknown): B {
  if (typeof nameOrFn === 'function')
    return new B(nameOrFn.name || 'anonymous', nameOrFn, groups.at(-1) ?? null)
  return new B(nameOrFn, fn, groups.at(-1) ?? null)
}

/** Runs a collection's callback with `name` (or the enclosing group's) as the group. */
function within(name: string | null | undefined, f: unknown): unknown {
  if (typeof f !== 'function')
    throw new HarnessError('mitata group/summary/barplot: expected a callback')
  groups.push(name ?? groups.at(-1) ?? null)
  let result: unknown
  try {
    result = (f as () => unknown)()
  } catch (error) {
    groups.pop()
    throw error
  }
  if (!isThenable(result)) {
    groups.pop()
    return undefined
  }
  return Promise.resolve(result).then(
    () => void groups.pop(),
    (error: unknown) => {
      groups.pop()
      throw error
    }
  )
}

export function group(nameOrFn: string | (() => unknown), f?: () => unknown): unknown {
  return typeof nameOrFn === 'function' ? within(null, nameOrFn) : within(nameOrFn, f)
}
export const summary = (f: () => unknown): unknown => within(undefined, f)
export const barplot = summary
export const boxplot = summary
export const lineplot = summary
export const compact = summary

/** Measurement is perfgate's: nothing measured here. */
export function run(): Promise<{ benchmarks: never[]; context: Record<string, never> }> {
  return Promise.resolve({ benchmarks: [], context: {} })
}

/** Keeps a value alive so the optimizer cannot drop the code that made it. */
export let kept: unknown
export function do_not_optimize(value: unknown): unknown {
  kept = value
  return value
}

export function measure(): never {
  throw new HarnessError(
    'mitata measure(): perfgate measures benchmarks itself; register them with bench()'
  )
}

export const flags = { compact: 1, baseline: 2 }
