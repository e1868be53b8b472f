/**
 * What 'tinybench' is inside a perfgate worker: `new Bench(options).add(name, fn, fnOptions)`
 * registers a perfgate benchmark, and `run()` / `runSync()` resolve at once with the tasks
 * unmeasured (perfgate measures each benchmark in trials of its own). Follows tinybench 6.
 */
import type { BenchFn } from '../registry.js'
import {
  aroundEachCall,
  HarnessError,
  HONOURED,
  ignored,
  inOrder,
  registerHarnessBench,
  sortOptions,
  strict,
  TINYBENCH_OPTIONS,
  type Hook,
  type OptionUse
} from './register.js'

/** tinybench's task (fn) options. */
const TASK_OPTIONS: Readonly<Record<string, OptionUse>> = {
  beforeAll: HONOURED,
  afterAll: HONOURED,
  beforeEach: HONOURED,
  afterEach: HONOURED,
  async: ignored('perfgate tells an async function by the promise it returns'),
  signal: TINYBENCH_OPTIONS.signal!,
  retainSamples: TINYBENCH_OPTIONS.retainSamples!
}

type TinyHook = (this: unknown, task?: unknown, mode?: string) => unknown

interface BenchOptions {
  readonly name?: string
  readonly setup?: TinyHook
  readonly teardown?: TinyHook
  readonly [option: string]: unknown
}

interface FnOptions {
  readonly beforeAll?: TinyHook
  readonly afterAll?: TinyHook
  readonly beforeEach?: TinyHook
  readonly afterEach?: TinyHook
  readonly [option: string]: unknown
}

function hookOf(hook: unknown, self: unknown, ...args: unknown[]): Hook | undefined {
  return typeof hook === 'function' ? () => (hook as TinyHook).call(self, ...args) : undefined
}

/** A task as a file sees it: never run by tinybench here, so no result. */
export class Task {
  readonly name: string
  readonly bench: Bench
  readonly fn: BenchFn
  readonly opts: FnOptions
  readonly runs = 0
  readonly result = { state: 'not-started' as const }

  constructor(bench: Bench, name: string, fn: BenchFn, opts: FnOptions) {
    this.bench = bench
    this.name = name
    this.fn = fn
    this.opts = opts
  }

  addEventListener(): void {}
  removeEventListener(): void {}
  reset(): void {}
}

export class Bench {
  readonly name: string | undefined
  readonly opts: BenchOptions
  concurrency: unknown = null
  threshold = Number.POSITIVE_INFINITY
  readonly _tasks = new Map<string, Task>()
  readonly _registered = new Map<string, string>()

  constructor(options: BenchOptions = {}) {
    this.opts = { ...options }
    this.name = typeof options.name === 'string' ? options.name : undefined
    return strict(this, 'tinybench bench')
  }

  add(name: string, fn: BenchFn, fnOptions: FnOptions = {}): this {
    const call = `tinybench bench.add(${JSON.stringify(name)}, …)`
    if (typeof name !== 'string') throw new HarnessError(`${call}: expected a name (string)`)
    const task = new Task(this, name, fn, fnOptions)
    const benchLevel = sortOptions('tinybench Bench options', this.opts, TINYBENCH_OPTIONS)
    const taskLevel = sortOptions(
      `tinybench task ${JSON.stringify(name)} options`,
      fnOptions,
      TASK_OPTIONS
    )
    const perCall =
      fnOptions.beforeEach || fnOptions.afterEach
        ? ['tinybench beforeEach/afterEach run with every call, inside the timed batch']
        : []
    const registered = registerHarnessBench(
      {
        harness: 'tinybench',
        path: [this.name, name],
        fn: aroundEachCall(
          typeof fn === 'function' ? () => fn.call(task) : fn,
          hookOf(fnOptions.beforeEach, task),
          hookOf(fnOptions.afterEach, task)
        ),
        setup: inOrder([
          hookOf(this.opts.setup, this, task, 'run'),
          hookOf(fnOptions.beforeAll, task)
        ]),
        teardown: inOrder([
          hookOf(fnOptions.afterAll, task),
          hookOf(this.opts.teardown, this, task, 'run')
        ]),
        notes: [...benchLevel.notes, ...taskLevel.notes, ...perCall],
        ...(benchLevel.timeMs !== undefined ? { timeMs: benchLevel.timeMs } : {}),
        ...(benchLevel.warmupMs !== undefined ? { warmupMs: benchLevel.warmupMs } : {})
      },
      call
    )
    this._tasks.set(name, task)
    this._registered.set(name, registered)
    return this
  }

  get tasks(): Task[] {
    return [...this._tasks.values()]
  }

  get results(): Task['result'][] {
    return this.tasks.map((task) => task.result)
  }

  getTask(name: string): Task | undefined {
    return this._tasks.get(name)
  }

  /** Measurement is perfgate's: the tasks come back unmeasured. */
  run(): Promise<Task[]> {
    return Promise.resolve(this.tasks)
  }

  runSync(): Task[] {
    return this.tasks
  }

  /** No results to tabulate: an empty table. */
  table(): Record<string, unknown>[] {
    return []
  }

  reset(): void {}
  addEventListener(): void {}
  removeEventListener(): void {}
  dispatchEvent(): boolean {
    return true
  }
}

/** Clock helpers tinybench exports, for files that time something themselves. */
export const now = (): number => performance.now()
export const hrtimeNow = (): number => Number(process.hrtime.bigint()) / 1e6
export const nToMs = (ns: number): number => ns / 1e6
export const mToNs = (ms: number): number => ms * 1e6
