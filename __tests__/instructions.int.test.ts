// Instruction counts for real: a command under valgrind, the error when valgrind is missing,
// and a stored instruction series read back by `perfgate history --dir`.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { HistoryReport } from '../src/app/history.js'
import { commandHistory } from '../src/cli/history.js'
import { liveChildCount } from '../src/process/children.js'
import { summarizeTrials } from '../src/results/summary.js'
import type { BenchmarkResult } from '../src/results/types.js'
import { serializeResults } from '../src/results/format.js'
import { createProcessTrialRunner } from '../src/runners/index.js'
import { commandBenchmark } from './helpers/benchmarks.js'
import { fakeSha, hoursAfterStart, resultsOf } from './helpers/history.js'
import { captureIo } from './helpers/io.js'
import { scratchDir } from './helpers/scratch.js'

afterEach(() => {
  expect(liveChildCount()).toBe(0)
})

const counted = (run: string) => ({
  ...commandBenchmark(run),
  measure: 'instructions' as const,
  compare: { gate: ['instructions' as const], threshold: 0.04, alpha: 0.05 }
})

/** A function benchmark's spec for `file` (its default bench). */
const functionSpec = (file: string) => ({
  kind: 'function' as const,
  file,
  bench: undefined,
  timeMs: 500,
  warmupMs: 100,
  interleave: true
})

describe('command instruction counts', () => {
  it('counts the process tree of a run, less the shell wrapper, and more for more work', async () => {
    const runner = createProcessTrialRunner()
    // /bin/true is a few hundred thousand instructions under valgrind; a shell loop of 2000
    // iterations adds millions: rough magnitudes, not exact counts.
    const small = await runner.runTrial(counted('/bin/true'), 0)
    const large = await runner.runTrial(
      counted('i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; /bin/true'),
      0
    )
    if (!small.ok) throw new Error(`${small.message}\n${small.stderrTail}`)
    if (!large.ok) throw new Error(`${large.message}\n${large.stderrTail}`)
    expect(small.metrics.instructions).toBeGreaterThan(10_000)
    expect(small.metrics.instructions).toBeLessThan(50_000_000)
    expect(large.metrics.instructions! - small.metrics.instructions!).toBeGreaterThan(1_000_000)
    expect(small.details).toMatchObject({ instructionsShell: expect.any(Number) })
  }, 300_000)

  it('makes a failing command an error, not a number', async () => {
    const outcome = await createProcessTrialRunner().runTrial(counted('exit 3'), 0)
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('exit') })
  }, 300_000)
})

describe('without valgrind', () => {
  it('names the fix instead of giving a number', async () => {
    // A fresh module graph with a PATH that has no valgrind on it (the probe runs once).
    const saved = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const { InstructionCounter } = await import(
        '../src/runners/instructions/index.js?missing' as string
      )
      const outcome = await new InstructionCounter().count(counted('/bin/true'))
      expect(outcome.ok).toBe(false)
      expect(outcome.ok ? '' : outcome.message).toContain('sudo apt-get install -y valgrind')
    } finally {
      process.env.PATH = saved
    }
  })
})

describe('a stored instruction series', () => {
  it('is read back by perfgate history --dir, with a step where the count moved', async () => {
    const dir = scratchDir('perfgate-instructions-history-')
    for (let i = 0; i < 12; i++) {
      const count = 1_000_000 * (i >= 8 ? 1.02 : 1) * (1 + 1e-5 * Math.sin(i))
      const trials = [{ metrics: { instructions: count }, durationMs: 9000 }]
      const result: BenchmarkResult = {
        name: 'parse',
        kind: 'function',
        definitionHash: 'd',
        settings: {
          compare: {
            gate: ['instructions'],
            threshold: 0.04,
            instructionThreshold: 0.005,
            alpha: 0.05
          },
          budgets: [],
          targets: []
        },
        state: 'ok',
        trials,
        summary: summarizeTrials(trials)
      }
      writeFileSync(
        path.join(dir, `${i}.json`),
        serializeResults(resultsOf(fakeSha(i), hoursAfterStart(i), [result]))
      )
    }
    const { io, out } = captureIo(dir)
    expect(await commandHistory(['--dir', '.', '--json'], io)).toBe(0)
    const report = JSON.parse(out.stdout) as HistoryReport
    const series = report.series.find((s) => s.metric === 'instructions')!
    expect(series.points).toHaveLength(12)
    expect(series.points[0]!.values[0]).toBeCloseTo(1_000_000, -2)
    const steps = report.changePoints.filter((c) => c.metric === 'instructions')
    expect(steps.map((s) => s.commit)).toEqual([fakeSha(8)])
    const text = captureIo(dir)
    expect(await commandHistory(['--dir', '.'], text.io)).toBe(0)
    expect(text.out.stdout).toContain('instructions/op')
  })
})

describe('a function count marked by the bench itself', () => {
  it('is an error naming os.getPriority(), not a number', async () => {
    const dir = scratchDir('perfgate-instructions-mark-')
    writeFileSync(
      path.join(dir, 'marks.bench.mjs'),
      "import { getPriority } from 'node:os'\nimport { bench } from 'perfgate'\nbench('marks', () => getPriority())\n"
    )
    const outcome = await createProcessTrialRunner().runTrial(
      {
        ...counted('true'),
        name: 'marks',
        kind: 'function',
        timeoutMs: 900_000,
        spec: functionSpec(path.join(dir, 'marks.bench.mjs'))
      },
      0
    )
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringContaining('os.getPriority()')
    })
  }, 900_000)
})

describe('function and HTTP instruction counts', () => {
  it('counts instructions per call and per request, in the right magnitude', async () => {
    const dir = scratchDir('perfgate-instructions-kinds-')
    writeFileSync(
      path.join(dir, 'loop.bench.mjs'),
      "import { bench } from 'perfgate'\nbench('loop', () => { let x = 0; for (let i = 0; i < 20000; i++) x += i % 7; return x })\n"
    )
    writeFileSync(
      path.join(dir, 'server.mjs'),
      "import { createServer } from 'node:http'\ncreateServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')\n"
    )
    const shared = {
      trials: 1,
      measure: 'instructions' as const,
      timeoutMs: 900_000,
      budgets: [],
      targets: [],
      compare: { gate: ['instructions' as const], threshold: 0.04, alpha: 0.05 }
    }
    const runner = createProcessTrialRunner()
    const [perCall, perRequest] = await Promise.all([
      runner.runTrial(
        {
          ...shared,
          name: 'loop',
          kind: 'function',
          spec: functionSpec(path.join(dir, 'loop.bench.mjs'))
        },
        0
      ),
      runner.runTrial(
        {
          ...shared,
          name: 'ok',
          kind: 'http',
          spec: {
            kind: 'http',
            server: {
              command: 'node server.mjs',
              cwd: dir,
              env: {},
              readyUrl: 'http://127.0.0.1:{port}/',
              readyTimeoutMs: 60_000,
              restart: 'per-trial'
            },
            requests: [
              {
                url: 'http://127.0.0.1:{port}/',
                method: 'GET',
                headers: {},
                body: undefined,
                weight: 1
              }
            ],
            load: {
              connections: 1,
              durationMs: 1000,
              warmupMs: 0,
              pipelining: 1,
              rate: undefined,
              timeoutMs: 10_000,
              interleave: false,
              pin: false
            }
          }
        },
        0
      )
    ])
    if (!perCall.ok) throw new Error(`${perCall.message}\n${perCall.stderrTail}`)
    if (!perRequest.ok) throw new Error(`${perRequest.message}\n${perRequest.stderrTail}`)
    // 20k iterations: tens of instructions each, at most a few hundred; a request through
    // node:http: some hundred thousand to a few million instructions.
    expect(perCall.metrics.instructions).toBeGreaterThan(50_000)
    expect(perCall.metrics.instructions).toBeLessThan(10_000_000)
    expect(perCall.details).toMatchObject({
      instructionCalls: expect.any(Number),
      instructionWindowSpread: expect.any(Number)
    })
    expect(perRequest.metrics.instructions).toBeGreaterThan(50_000)
    expect(perRequest.metrics.instructions).toBeLessThan(20_000_000)
  }, 900_000)
})
