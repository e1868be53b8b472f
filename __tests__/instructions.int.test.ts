// Instruction counts for real: a command under valgrind, the error when valgrind is missing,
// a stored instruction series read back by `perfgate history --dir`, the counted
// environment (Node with the repeatability flags, an unflagged Node an error) and the
// requests a counted server gets.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import type { HistoryReport } from '../src/app/history.js'
import { commandHistory } from '../src/cli/history.js'
import { liveChildCount } from '../src/process/children.js'
import { summarizeTrials } from '../src/results/summary.js'
import type { BenchmarkResult } from '../src/results/types.js'
import { serializeResults } from '../src/results/format.js'
import { createProcessTrialRunner } from '../src/runners/index.js'
import { COUNTED_NODE_FLAGS } from '../src/runners/instructions/shim.js'
import { repeatableEnv } from '../src/runners/instructions/repeatable.js'
import { countedClient } from '../src/runners/instructions/requests.js'
import { countedTimeoutMs, timedOutText } from '../src/runners/instructions/valgrind.js'
import { commandBenchmark, httpBenchmark } from './helpers/benchmarks.js'
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

describe('a counted process’s timeout', () => {
  it('stretches with the load over the CPUs, never below the benchmark’s nor past four times', () => {
    expect(countedTimeoutMs(120_000, 0.5, 2)).toBe(120_000)
    expect(countedTimeoutMs(120_000, 2, 2)).toBe(120_000)
    expect(countedTimeoutMs(120_000, 6, 2)).toBe(360_000)
    expect(countedTimeoutMs(60_000, 3, 0)).toBe(180_000)
    // At most four times, so a hung bench on a crowded host is still stopped.
    expect(countedTimeoutMs(120_000, 60, 2)).toBe(480_000)
    expect(timedOutText(480_000, 120_000)).toBe(
      'timed out after 480 s (killed: the timeout of 120 s stretched by the load)'
    )
    expect(timedOutText(120_000, 120_000)).toBe('timed out after 120 s (killed)')
  })
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

describe('the counted environment', () => {
  /** A fake `node` in a directory whose name needs quoting: it writes its arguments to $ARGS_OUT. */
  function fakeNode(body: string): string {
    const dir = path.join(scratchDir('perfgate-fake-node-'), `it's a dir`)
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'node'), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
    return dir
  }

  it('puts a node first on PATH that starts the real one with the flags, quoted', () => {
    const dir = fakeNode('[ -n "$ARGS_OUT" ] && printf "%s\\n" "$@" > "$ARGS_OUT"; exit 0')
    const made = repeatableEnv({ PATH: `${dir}:/usr/bin:/bin` })
    if ('error' in made) throw new Error(made.error)
    const out = path.join(scratchDir('perfgate-fake-node-out-'), 'args')
    try {
      expect(made.realNode).toBe(path.join(dir, 'node'))
      expect(made.env.PATH).toBe(`${made.dir}:${dir}:/usr/bin:/bin`)
      expect(made.env.PYTHONHASHSEED).toBe('0')
      const run = spawnSync('/bin/sh', ['-c', 'node "a b" c'], {
        env: { ...made.env, ARGS_OUT: out }
      })
      expect(run.status).toBe(0)
      expect(readFileSync(out, 'utf8').split('\n')).toEqual([...COUNTED_NODE_FLAGS, 'a b', 'c', ''])
    } finally {
      made.remove()
    }
    expect(existsSync(made.dir)).toBe(false)
  })

  it('is an error naming the flag when the node on PATH rejects one', () => {
    const dir = fakeNode('echo "node: bad option: --predictable-gc-schedule" >&2; exit 9')
    const made = repeatableEnv({ PATH: dir })
    expect(made).toEqual({
      error: expect.stringContaining('bad option: --predictable-gc-schedule')
    })
  })

  it('keeps a benchmark its own PYTHONHASHSEED', () => {
    const made = repeatableEnv({ PYTHONHASHSEED: '7' })
    if ('error' in made) throw new Error(made.error)
    made.remove()
    expect(made.env.PYTHONHASHSEED).toBe('7')
  })

  it('counts `node script` with the flags, and a node started by absolute path as an error', async () => {
    const dir = scratchDir('perfgate-instructions-flags-')
    writeFileSync(
      path.join(dir, 'argv.mjs'),
      "import { writeFileSync } from 'node:fs'\nwriteFileSync(process.argv[2], JSON.stringify(process.execArgv))\n"
    )
    const runner = createProcessTrialRunner()
    const inDir = (run: string) => {
      const benchmark = counted(run)
      return { ...benchmark, timeoutMs: 600_000, spec: { ...benchmark.spec, cwd: dir } }
    }
    const [flagged, absolute] = await Promise.all([
      runner.runTrial(inDir('node argv.mjs flagged.json'), 0),
      runner.runTrial(inDir(`'${process.execPath}' argv.mjs absolute.json`), 0)
    ])
    if (!flagged.ok) throw new Error(`${flagged.message}\n${flagged.stderrTail}`)
    expect(JSON.parse(readFileSync(path.join(dir, 'flagged.json'), 'utf8'))).toEqual(
      COUNTED_NODE_FLAGS
    )
    // Node start-up alone is hundreds of millions of instructions.
    expect(flagged.metrics.instructions).toBeGreaterThan(100_000_000)
    expect(JSON.parse(readFileSync(path.join(dir, 'absolute.json'), 'utf8'))).toEqual([])
    expect(absolute).toMatchObject({
      ok: false,
      message: expect.stringContaining(`ran without the flags that make its instruction count`)
    })
    expect(absolute.ok ? '' : absolute.message).toContain(`(${process.execPath} argv.mjs`)
  }, 900_000)
})

describe('requests to a counted server', () => {
  /**
   * A raw HTTP server that answers the first request of each connection with keep-alive,
   * then (`closeReused`) closes the connection when a second request comes on it, as a
   * server whose keep-alive timer fired first does. It records the requests per connection.
   */
  async function closingServer(closeReused: boolean) {
    const seen: number[] = []
    const server = createNetServer((socket) => {
      const connection = seen.push(0) - 1
      socket.on('data', () => {
        seen[connection]!++
        if (seen[connection]! > 1 && closeReused) socket.resetAndDestroy()
        else
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    return { port, seen, close: () => new Promise((resolve) => server.close(resolve)) }
  }

  const spec = httpBenchmark('', '/x').spec

  it('sends a request lost on a kept-alive connection once more, on a fresh one', async () => {
    const server = await closingServer(true)
    const client = countedClient(spec, server.port)
    try {
      expect(await client.send(2)).toEqual({ retries: 1 })
      expect(server.seen).toEqual([2, 1])
    } finally {
      client.close()
      await server.close()
    }
  })

  it('sends every request on one connection while the server keeps it', async () => {
    const server = await closingServer(false)
    const client = countedClient(spec, server.port)
    try {
      expect(await client.send(5)).toEqual({ retries: 0 })
      expect(server.seen).toEqual([5])
    } finally {
      client.close()
      await server.close()
    }
  })
})
