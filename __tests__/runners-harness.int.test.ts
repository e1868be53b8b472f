// Bench files written for other harnesses (__fixtures__/bench/harness), unchanged and
// importing the real package names, run in real worker processes through perfgate's shims.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import { listBenches } from '../src/runners/function/list.js'
import { runFunctionTrial } from '../src/runners/function/runner.js'
import type { FunctionSpec } from '../src/config/types.js'
import { BENCH_FIXTURES, functionBenchmark } from './helpers/benchmarks.js'
import { scratchDir } from './helpers/scratch.js'

const scratch = scratchDir('perfgate-harness-')

async function trial(file: string, overrides: Partial<FunctionSpec>) {
  const benchmark = functionBenchmark(`harness/${file}`, { timeMs: 60, warmupMs: 10, ...overrides })
  return runFunctionTrial(benchmark, benchmark.spec)
}

/** A trial that must succeed; its details. */
async function measured(file: string, bench: string) {
  const outcome = await trial(file, { bench })
  if (!outcome.ok) throw new Error(`${file} › ${bench}: ${outcome.message}`)
  expect(outcome.metrics.mean).toBeGreaterThan(0)
  return outcome.details
}

async function failure(file: string, overrides: Partial<FunctionSpec> = {}) {
  const outcome = await trial(file, overrides)
  if (outcome.ok) throw new Error(`${file} was measured; expected an error`)
  return outcome.message
}

/** Runs `body` with the fixtures' hook log in a fresh file; returns the logged lines. */
async function logged(body: () => Promise<unknown>): Promise<string[]> {
  const log = path.join(scratch, `hooks-${Math.random().toString(36).slice(2)}.log`)
  writeFileSync(log, '')
  process.env.PERFGATE_TEST_LOG = log
  try {
    await body()
  } finally {
    delete process.env.PERFGATE_TEST_LOG
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

afterEach(() => expect(liveChildCount()).toBe(0))

describe('vitest bench files', () => {
  it('measures a bench in a describe block, its hooks around the trial', async () => {
    const lines = await logged(() => measured('vitest.bench.ts', 'strings › split'))
    expect(lines).toEqual(['beforeAll', 'setup', 'teardown', 'afterAll'])
  })

  it('awaits an async bench outside any describe block', async () => {
    expect((await measured('vitest.bench.ts', 'async sum')).async).toBe(true)
  })

  it('names a describe.each it cannot run', async () => {
    expect(await failure('unsupported.bench.ts')).toBe(
      `${BENCH_FIXTURES}harness/unsupported.bench.ts: vitest describe.each: not something ` +
        'perfgate can run (it understands only, runIf, sequential, skip, skipIf, todo)'
    )
  })

  it('names an import of vitest that is not a bench API', async () => {
    expect(await failure('expect.bench.ts')).toMatch(
      /expect\.bench\.ts: imports expect from 'vitest', which perfgate does not run/
    )
  })
})

describe('tinybench files', () => {
  it('measures a task of a named Bench, with the Bench setup and task hooks', async () => {
    const lines = await logged(() => measured('tinybench.bench.ts', 'arrays › sort'))
    expect(lines).toEqual(['setup', 'beforeAll', 'afterAll'])
  })

  it('counts only the named harness when the config sets one', async () => {
    expect(await failure('tinybench.bench.ts', { harness: 'vitest', bench: 'arrays › sort' })).toBe(
      `${BENCH_FIXTURES}harness/tinybench.bench.ts registers no bench through vitest ` +
        '(function.harness); it registers none'
    )
  })
})

describe('mitata files', () => {
  it('measures benches in a group and a generator with setup', async () => {
    await measured('mitata.bench.mjs', 'math › hypot')
    await measured('mitata.bench.mjs', 'with setup')
  })
})

describe('Benchmark.js files', () => {
  it('measures a CommonJS suite, a deferred benchmark as async', async () => {
    expect((await measured('benchmark.bench.cjs', 'deferred')).async).toBe(true)
  })

  it('measures a named suite of an ES module', async () => {
    await measured('benchmark-esm.bench.ts', 'parse › JSON.parse')
  })
})

describe('listing a file', () => {
  it('lists every harness bench with its times and the options perfgate ignores', async () => {
    const listing = await listBenches(`${BENCH_FIXTURES}harness/vitest.bench.ts`)
    if (!listing.ok) throw new Error(listing.message)
    expect(listing.benches).toEqual([
      { name: 'strings › join', harness: 'vitest', notes: [] },
      {
        name: 'strings › split',
        harness: 'vitest',
        timeMs: 1500,
        notes: [
          'vitest bench "strings › split" options: iterations ignored (perfgate sizes its own ' +
            'batches and samples for function.time)'
        ]
      },
      { name: 'async sum', harness: 'vitest', notes: [] }
    ])
  })

  it('lists Benchmark.js times in seconds as milliseconds', async () => {
    const listing = await listBenches(`${BENCH_FIXTURES}harness/benchmark-esm.bench.ts`)
    expect(listing).toEqual({
      ok: true,
      benches: [{ name: 'parse › JSON.parse', harness: 'benchmark.js', timeMs: 2000, notes: [] }]
    })
  })

  it('reports a file it cannot load', async () => {
    const listing = await listBenches(`${BENCH_FIXTURES}harness/unsupported.bench.ts`)
    expect(listing).toMatchObject({ ok: false, message: expect.stringMatching(/describe\.each/) })
  })
})
