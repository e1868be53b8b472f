import { Ajv } from 'ajv'
import { MAX_DURATION_MS } from '../src/config/defaults.js'
import { Issues } from '../src/config/issues.js'
import { benchmarkCompare, checkMaxPairs, globalCompare } from '../src/config/normalize/compare.js'
import { duration, positiveDuration } from '../src/config/normalize/durations.js'
import { commandSpec, functionSpec, httpSpec, requestSpec } from '../src/config/normalize/kinds.js'
import { limits } from '../src/config/normalize/metrics.js'
import type { RawBenchmark, RawConfig } from '../src/config/raw.js'
import { CONFIG_SCHEMA } from '../src/config/schema.js'
import { describeTypes } from '../src/config/schema-issues.js'
import type { BenchmarkConfig } from '../src/config/types.js'

/** Each step alone, with an issue collector that has no positions. */
const collector = () => new Issues('perfgate.yml')
const messages = (issues: Issues) => issues.list.map((i) => `${i.field}: ${i.message}`)
const context = { dir: '/repo', fileExists: (file: string) => file === '/repo/bench/a.js' }

describe('Issues', () => {
  it('collects issues without positions and throws them together', () => {
    const issues = collector()
    issues.add(['benchmarks', 2, 'env', 'A B'], 'bad')
    expect(issues.unit({ ok: false, expected: 'a size' }, ['x'], 3, 7)).toBe(7)
    expect(issues.list).toEqual([
      {
        file: 'perfgate.yml',
        line: undefined,
        column: undefined,
        field: 'benchmarks[2].env["A B"]',
        message: 'bad'
      },
      {
        file: 'perfgate.yml',
        line: undefined,
        column: undefined,
        field: 'x',
        message: 'expected a size, got 3'
      }
    ])
    expect(() => issues.throwIfAny()).toThrow(
      'perfgate.yml: benchmarks[2].env["A B"]: bad\nperfgate.yml: x: expected a size, got 3'
    )
  })
})

describe('durations', () => {
  it('falls back when absent, parses units, refuses zero only when positive, bounds all', () => {
    const issues = collector()
    expect(positiveDuration(issues, undefined, ['t'], 42)).toBe(42)
    expect(positiveDuration(issues, '1.5s', ['t'], 42)).toBe(1500)
    expect(duration(issues, '0ms', ['w'], 1, { positive: false })).toBe(0)
    expect(issues.list).toEqual([])
    positiveDuration(issues, '0s', ['t'], 42)
    duration(issues, `${MAX_DURATION_MS + 1}ms`, ['w'], 1, { positive: false })
    positiveDuration(issues, 5, ['t'], 42)
    expect(messages(issues)).toEqual([
      't: expected a duration above zero, got "0s"',
      'w: expected a duration of at most 1440m (24 hours), got "86400001ms"',
      't: expected a duration like "500ms", "5s" or "1m", got 5'
    ])
  })
})

describe('benchmark kinds', () => {
  it('function: resolves the file against the config folder and checks it exists', () => {
    const issues = collector()
    expect(functionSpec(issues, { file: 'bench/a.js', time: '1s' }, ['f'], context)).toEqual({
      kind: 'function',
      file: '/repo/bench/a.js',
      bench: undefined,
      timeMs: 1000,
      warmupMs: 100,
      interleave: true
    })
    expect(
      functionSpec(issues, { file: 'bench/a.js', interleave: false }, ['f'], context).interleave
    ).toBe(false)
    functionSpec(issues, { file: 'b.js' }, ['g'], context)
    expect(messages(issues)).toEqual([
      'g.file: bench file not found: /repo/b.js; expected a path relative to the config file'
    ])
  })

  it('command: environment values become strings, cwd absolute', () => {
    const issues = collector()
    expect(
      commandSpec(issues, { run: 'x', cwd: 'sub', env: { A: 1, B: true } }, ['c'], context)
    ).toEqual({
      kind: 'command',
      run: 'x',
      cwd: '/repo/sub',
      env: { A: '1', B: 'true' },
      warmupRuns: 1
    })
    expect(issues.list).toEqual([])
  })

  it('http: a request with a JSON body is a POST with its content type, unless given', () => {
    const issues = collector()
    expect(requestSpec(issues, { url: 'http://h:{port}/', body: [1] }, ['r'])).toEqual({
      url: 'http://h:{port}/',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1]',
      weight: 1
    })
    expect(
      requestSpec(
        issues,
        {
          url: 'http://h:{port}/',
          method: 'PUT',
          headers: { 'Content-Type': 'text/x' },
          body: { a: 1 }
        },
        ['r']
      )
    ).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'text/x' }, body: '{"a":1}' })
    expect(issues.list).toEqual([])
  })

  it('http: ready as a mapping, one origin for all requests', () => {
    const issues = collector()
    const spec = httpSpec(
      issues,
      {
        server: { command: 's', ready: { url: 'http://127.0.0.1:{port}/', timeout: '2s' } },
        requests: [{ url: 'http://127.0.0.1:{port}/a' }, { url: 'http://localhost:{port}/b' }]
      },
      ['h'],
      context
    )
    expect(spec.server).toEqual({
      command: 's',
      cwd: '/repo',
      env: {},
      readyUrl: 'http://127.0.0.1:{port}/',
      readyTimeoutMs: 2000,
      restart: 'per-trial'
    })
    expect(messages(issues)).toEqual([
      'h.requests: requests go to 2 different hosts (http://127.0.0.1:{port}, http://localhost:{port}); expected one server per benchmark'
    ])
  })
})

describe('compare settings and limits', () => {
  it('a benchmark inherits the run-wide gate for its kind, or overrides it', () => {
    const issues = collector()
    const { compare, inherited } = globalCompare(issues, {
      gate: ['p95', 'wall'],
      threshold: '2%',
      'max-pairs': 30
    })
    expect(compare).toEqual({
      failOn: 'both',
      test: 'trimmed',
      futility: 0.05,
      maxPairs: 30,
      maxTimeMs: 600_000
    })
    expect(benchmarkCompare(issues, undefined, 'command', inherited, ['b'])).toEqual({
      gate: ['wall'],
      threshold: 0.02,
      alpha: 0.05
    })
    expect(
      benchmarkCompare(issues, { gate: ['rss', 'p50'] }, 'command', inherited, ['b', 'compare'])
    ).toEqual({
      gate: ['rss'],
      threshold: 0.02,
      alpha: 0.05
    })
    expect(messages(issues)).toEqual([
      'b.compare.gate[1]: unknown metric "p50" for a command benchmark (it applies to function and http benchmarks); expected one of: wall, user, sys, cpu, rss, diskRead, diskWrite, instructions'
    ])
  })

  it('max-pairs is checked against the benchmark with the most trials', () => {
    const issues = collector()
    const bench = (name: string, trials: number) => ({ name, trials }) as BenchmarkConfig
    checkMaxPairs(issues, 12, [bench('a', 10), bench('b', 20)])
    checkMaxPairs(issues, undefined, [bench('a', 10)])
    expect(messages(issues)).toEqual([
      'compare.max-pairs: expected at least the trials of every benchmark (the first look comes after `trials` pairs): "b" has 20, got 12'
    ])
  })

  it('limits parse each metric of the kind and report the others', () => {
    const issues = collector()
    expect(limits(issues, { wall: '< 2s', p50: '1ms' }, 'command', ['budgets'])).toEqual([
      { metric: 'wall', comparator: '<', limit: 2000, source: '< 2s' }
    ])
    expect(issues.list).toHaveLength(1)
  })
})

describe('describeTypes', () => {
  it.each([
    [['string'], 'a string'],
    [['string', 'number'], 'a string or number'],
    [['string', 'number', 'boolean'], 'a string, number or boolean'],
    [['string', 'object', 'array', 'integer'], 'a string, mapping, list or whole number']
  ])('%j → %s', (types, text) => {
    expect(describeTypes(types)).toBe(text)
  })
})

describe('raw types are derived from the schema', () => {
  it('a config typed RawConfig passes the schema, and a field the schema lacks does not type-check', () => {
    const bench: RawBenchmark = {
      name: 'api',
      http: {
        server: { command: 's', ready: 'http://127.0.0.1:{port}/', restart: 'once' },
        requests: [{ url: 'http://127.0.0.1:{port}/', method: 'GET', weight: 2 }],
        load: { connections: 2, rate: 100 }
      },
      budgets: { p95: '5ms' }
    }
    const config: RawConfig = { trials: 3, compare: { 'fail-on': 'none' }, benchmarks: [bench] }
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(CONFIG_SCHEMA)
    expect(validate(config)).toBe(true)
    // @ts-expect-error the schema has no such field, so neither has the type
    const unknown: RawConfig = { benchmarks: [], trails: 3 }
    expect(validate(unknown)).toBe(false)
  })
})
