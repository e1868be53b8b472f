/**
 * What 'vitest' is inside a perfgate worker, for files written for `vitest bench`: `bench`
 * registers a perfgate benchmark named after its describe blocks ("outer › inner › name");
 * beforeAll/afterAll/beforeEach/afterEach of the enclosing blocks run around each trial.
 * Follows vitest 3 (its bench options are tinybench 2's).
 */
import type { BenchFn } from '../registry.js'
import {
  HarnessError,
  inOrder,
  isThenable,
  joinName,
  registerHarnessBench,
  sortOptions,
  strict,
  TINYBENCH_OPTIONS,
  type Hook
} from './register.js'

type VitestHook = () => unknown

/** A describe block: its name and hooks (a hook may come after the benches it serves). */
interface Block {
  readonly name: string | undefined
  readonly parent: Block | undefined
  readonly beforeAll: VitestHook[]
  readonly afterAll: VitestHook[]
  readonly beforeEach: VitestHook[]
  readonly afterEach: VitestHook[]
}

const newBlock = (name: string | undefined, parent: Block | undefined): Block => ({
  name,
  parent,
  beforeAll: [],
  afterAll: [],
  beforeEach: [],
  afterEach: []
})

let current = newBlock(undefined, undefined)

function chain(block: Block): Block[] {
  const blocks: Block[] = []
  for (let b: Block | undefined = block; b; b = b.parent) blocks.unshift(b)
  return blocks
}

type NameArg = string | { readonly name?: string }

const nameOf = (name: NameArg): string =>
  typeof name === 'string' ? name : typeof name === 'function' ? name.name : String(name)

interface TinyOptions {
  readonly setup?: (task?: unknown, mode?: string) => unknown
  readonly teardown?: (task?: unknown, mode?: string) => unknown
  readonly [option: string]: unknown
}

function register(
  nameArg: NameArg,
  fn: BenchFn | undefined,
  options: TinyOptions = {},
  only = false
): void {
  const name = nameOf(nameArg)
  const call = `vitest bench(${JSON.stringify(name)}, …)`
  const blocks = chain(current)
  const fullName = joinName([...blocks.map((block) => block.name), name])
  const sorted = sortOptions(
    `vitest bench ${JSON.stringify(fullName)} options`,
    options,
    TINYBENCH_OPTIONS
  )
  // Hooks are read when a trial starts: by then the file has registered all of them.
  const cleanups: Hook[] = []
  const runAndKeepCleanup = (hook: VitestHook) => async () => {
    const cleanup = await hook()
    if (typeof cleanup === 'function') cleanups.unshift(cleanup as Hook)
  }
  const setup = async () => {
    for (const block of blocks) for (const hook of block.beforeAll) await runAndKeepCleanup(hook)()
    for (const block of blocks) for (const hook of block.beforeEach) await runAndKeepCleanup(hook)()
    await options.setup?.(undefined, 'run')
  }
  const teardown = async () => {
    await options.teardown?.(undefined, 'run')
    const inner = [...blocks].reverse()
    for (const block of inner) for (const hook of block.afterEach) await hook()
    for (const cleanup of cleanups.splice(0)) await cleanup()
    for (const block of inner) for (const hook of block.afterAll) await hook()
  }
  registerHarnessBench(
    {
      harness: 'vitest',
      path: [...blocks.map((block) => block.name), name],
      fn: fn as BenchFn,
      setup: inOrder([setup]),
      teardown: inOrder([teardown]),
      notes: [
        ...sorted.notes,
        ...(only
          ? [
              `vitest bench.only(${JSON.stringify(name)}): only ignored, every benchmark in perfgate.yml runs`
            ]
          : [])
      ],
      ...(sorted.timeMs !== undefined ? { timeMs: sorted.timeMs } : {}),
      ...(sorted.warmupMs !== undefined ? { warmupMs: sorted.warmupMs } : {})
    },
    call
  )
}

type BenchCall = (name: NameArg, fn?: BenchFn, options?: TinyOptions) => void
const skipped: BenchCall = () => undefined

function benchApi(): BenchCall {
  const api = Object.assign(
    (name: NameArg, fn?: BenchFn, options?: TinyOptions) => register(name, fn, options),
    {
      skip: skipped,
      todo: skipped,
      only: (name: NameArg, fn?: BenchFn, options?: TinyOptions) =>
        register(name, fn, options, true),
      skipIf: (condition: unknown): BenchCall => (condition ? skipped : bench),
      runIf: (condition: unknown): BenchCall => (condition ? bench : skipped)
    }
  )
  return strict(api, 'vitest bench')
}

export const bench = benchApi()

type DescribeCall = (name: NameArg, fn?: () => unknown, options?: unknown) => void

function collect(name: NameArg, fn?: () => unknown): void {
  const label = nameOf(name)
  if (fn === undefined) return
  const parent = current
  current = newBlock(label, parent)
  try {
    const result = fn()
    if (isThenable(result)) {
      throw new HarnessError(
        `vitest describe(${JSON.stringify(label)}, async …): perfgate collects describe blocks ` +
          `synchronously; register the benches without awaiting inside describe`
      )
    }
  } finally {
    current = parent
  }
}

const skippedBlock: DescribeCall = () => undefined

function describeApi(): DescribeCall {
  const api = Object.assign((name: NameArg, fn?: () => unknown) => collect(name, fn), {
    skip: skippedBlock,
    todo: skippedBlock,
    only: (name: NameArg, fn?: () => unknown) => collect(name, fn),
    sequential: (name: NameArg, fn?: () => unknown) => collect(name, fn),
    skipIf: (condition: unknown): DescribeCall => (condition ? skippedBlock : describe),
    runIf: (condition: unknown): DescribeCall => (condition ? describe : skippedBlock)
  })
  return strict(api, 'vitest describe')
}

export const describe = describeApi()
export const suite = describe

export function beforeAll(hook: VitestHook): void {
  current.beforeAll.push(hook)
}
export function afterAll(hook: VitestHook): void {
  current.afterAll.push(hook)
}
export function beforeEach(hook: VitestHook): void {
  current.beforeEach.push(hook)
}
export function afterEach(hook: VitestHook): void {
  current.afterEach.push(hook)
}
