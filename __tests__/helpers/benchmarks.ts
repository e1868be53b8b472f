import { readFileSync } from 'node:fs'
// Builders of validated benchmark configs for runner tests.
import { fileURLToPath } from 'node:url'
import type {
  BenchmarkConfig,
  CommandSpec,
  FunctionSpec,
  HttpSpec
} from '../../src/config/types.js'

const COMPARE = { gate: [], threshold: 0.05, alpha: 0.05 }

export const BENCH_FIXTURES = fileURLToPath(new URL('../../__fixtures__/bench/', import.meta.url))

export function functionBenchmark(
  file: string,
  overrides: Partial<FunctionSpec> = {},
  timeoutMs = 30_000
): BenchmarkConfig & { spec: FunctionSpec } {
  const spec: FunctionSpec = {
    kind: 'function',
    file: BENCH_FIXTURES + file,
    bench: undefined,
    timeMs: 100,
    warmupMs: 20,
    interleave: true,
    ...overrides
  }
  return {
    name: file,
    kind: 'function',
    spec,
    trials: 1,
    timeoutMs,
    budgets: [],
    targets: [],
    compare: COMPARE
  }
}

export function commandBenchmark(
  run: string,
  overrides: Partial<CommandSpec> = {},
  timeoutMs = 30_000
): BenchmarkConfig & { spec: CommandSpec } {
  const spec: CommandSpec = {
    kind: 'command',
    run,
    cwd: BENCH_FIXTURES,
    env: {},
    warmupRuns: 0,
    ...overrides
  }
  return {
    name: run,
    kind: 'command',
    spec,
    trials: 1,
    timeoutMs,
    budgets: [],
    targets: [],
    compare: COMPARE
  }
}

/** Whether a process with this pid is still running (a zombie awaiting its reaper is not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Waits until the process is gone (signals are delivered asynchronously), up to 5 s. */
export async function waitUntilGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50))
  return !isAlive(pid)
}

export const HTTP_FIXTURES = fileURLToPath(new URL('../../__fixtures__/http/', import.meta.url))

/** An http benchmark against __fixtures__/http/server.js with a short load. */
export function httpBenchmark(
  args: string,
  path = '/ok',
  overrides: { server?: Partial<HttpSpec['server']>; load?: Partial<HttpSpec['load']> } = {},
  timeoutMs = 30_000
): BenchmarkConfig & { spec: HttpSpec } {
  const spec: HttpSpec = {
    kind: 'http',
    server: {
      command: `node server.js ${args}`,
      cwd: HTTP_FIXTURES,
      env: {},
      readyUrl: 'http://127.0.0.1:{port}/health',
      readyTimeoutMs: 5000,
      restart: 'per-trial',
      ...overrides.server
    },
    requests: [
      {
        url: `http://127.0.0.1:{port}${path}`,
        method: 'GET',
        headers: {},
        body: undefined,
        weight: 1
      }
    ],
    load: {
      connections: 4,
      durationMs: 400,
      warmupMs: 100,
      pipelining: 1,
      rate: undefined,
      timeoutMs: 2000,
      interleave: true,
      pin: true,
      ...overrides.load
    }
  }
  return {
    name: `http ${args} ${path}`,
    kind: 'http',
    spec,
    trials: 1,
    timeoutMs,
    budgets: [],
    targets: [],
    compare: COMPARE
  }
}
