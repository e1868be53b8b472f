// Credentials in perfgate's environment (what GitHub gives a JavaScript action) never
// reach the processes it starts: benchmarks, function workers, servers, setup commands.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runSetup } from '../src/git/base-checkout.js'
import { liveChildCount } from '../src/process/children.js'
import { childEnv, isWithheld } from '../src/process/env.js'
import { runCommandTrial } from '../src/runners/command/runner.js'
import { runFunctionTrial } from '../src/runners/function/runner.js'
import { HttpTrialRunner } from '../src/runners/http/runner.js'
import { commandBenchmark, functionBenchmark, httpBenchmark } from './helpers/benchmarks.js'
import { scratchDir } from './helpers/scratch.js'

const SECRETS = {
  INPUT_TOKEN: 'ghp_input',
  INPUT_GITHUB_TOKEN: 'ghp_input2',
  ACTIONS_RUNTIME_TOKEN: 'runtime',
  ACTIONS_RUNTIME_URL: 'https://runtime.invalid/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.invalid/',
  ACTIONS_CACHE_URL: 'https://cache.invalid/',
  ACTIONS_RESULTS_URL: 'https://results.invalid/',
  GITHUB_TOKEN: 'ghs_job',
  GH_TOKEN: 'ghs_cli'
}
const KEPT = { PERFGATE_NODE: process.execPath, GITHUB_REPOSITORY: 'o/r', CI: 'true' }
const scratch = scratchDir('perfgate-env-')
const saved = { ...process.env }

beforeAll(() => Object.assign(process.env, SECRETS, KEPT))
afterAll(() => {
  for (const name of [...Object.keys(SECRETS), ...Object.keys(KEPT)]) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})
afterEach(() => expect(liveChildCount()).toBe(0))

/** Names of the variables in a dump: `env` output (NAME=value lines) or one name a line. */
function names(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split('=')[0]!)
    .filter(Boolean)
}

function expectClean(file: string): void {
  const seen = names(file)
  for (const name of Object.keys(SECRETS)) expect(seen).not.toContain(name)
  for (const name of Object.keys(KEPT)) expect(seen).toContain(name)
}

describe('childEnv', () => {
  it('withholds action inputs, runtime and OIDC tokens, and GitHub tokens', () => {
    const env = childEnv({}, { ...SECRETS, ...KEPT, PATH: '/bin' })
    expect(env).toEqual({ ...KEPT, PATH: '/bin' })
    expect(isWithheld('input_token')).toBe(true) // Windows-style casing too
    expect(isWithheld('GITHUB_TOKEN_URL')).toBe(false)
  })

  it("sets a benchmark's configured variables as given, even a withheld name", () => {
    expect(childEnv({ GITHUB_TOKEN: 'from-config', A: '1' }, SECRETS)).toEqual({
      GITHUB_TOKEN: 'from-config',
      A: '1'
    })
  })
})

describe('every spawned process', () => {
  it('command benchmark', async () => {
    const dump = path.join(scratch, 'command.env')
    const benchmark = commandBenchmark(`env > ${dump}`, { env: { FROM_CONFIG: 'yes' } })
    const outcome = await runCommandTrial(benchmark, benchmark.spec)
    expect(outcome.ok).toBe(true)
    expectClean(dump)
    expect(names(dump)).toContain('FROM_CONFIG')
  })

  it('function bench worker', async () => {
    const dump = path.join(scratch, 'function.env')
    process.env.ENV_DUMP = dump
    try {
      const benchmark = functionBenchmark('env.bench.js')
      const outcome = await runFunctionTrial(benchmark, benchmark.spec)
      if (!outcome.ok) throw new Error(outcome.message)
    } finally {
      delete process.env.ENV_DUMP
    }
    expectClean(dump)
  })

  it('HTTP server', async () => {
    const dump = path.join(scratch, 'server.env')
    const benchmark = httpBenchmark('ok', '/ok', {
      server: { command: `env > ${dump}; exec node server.js ok` }
    })
    const outcome = await new HttpTrialRunner().runTrial(benchmark, benchmark.spec)
    if (!outcome.ok) throw new Error(outcome.message)
    expectClean(dump)
    expect(names(dump)).toContain('PORT')
  })

  it('setup command of the base checkout', async () => {
    const dump = path.join(scratch, 'setup.env')
    await runSetup(`env > ${dump}`, scratch, 30_000)
    expectClean(dump)
  })
})
