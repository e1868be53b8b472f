import { readFileSync } from 'node:fs'
import { ConfigError } from '../src/config/errors.js'
import { parseConfig } from '../src/config/parse.js'
import { CONFIG_SCHEMA } from '../src/config/schema.js'

const exists = (file: string) => file.endsWith('/bench/a.js')
const parse = (text: string) => parseConfig(text, '/repo/perfgate.yml', { fileExists: exists })

/** The message a user sees for a config text. */
function errorOf(text: string): string {
  try {
    parse(text)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

const CMD = '    command: { run: "true" }\n'
const F = '/repo/perfgate.yml'

describe('parseConfig: bad configs name file, line, column, field and what was expected', () => {
  it.each([
    [
      'invalid YAML',
      'benchmarks:\n  - name: a\n    command: { run: "x"\n',
      `${F}:4:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }`
    ],
    [
      'unknown key with a did-you-mean',
      'benchmarks:\n  - name: a\n    comand: { run: x }\n',
      `${F}:3:5: benchmarks[0].comand: unknown field; did you mean "command"? expected one of: name, function, command, http, trials, measure, timeout, compare, targets, budgets`
    ],
    [
      'unknown top-level key',
      'trails: 3\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:1: trails: unknown field; did you mean "trials"? expected one of: setup, profile, trials, measure, timeout, compare, benchmarks`
    ],
    [
      'unknown profile mode',
      'profile: sometimes\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:10: profile: expected one of: on-regression, always, never; got "sometimes"`
    ],
    [
      'wrong type',
      'trials: many\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:9: trials: expected a whole number, got "many"`
    ],
    [
      'bad duration',
      'benchmarks:\n  - name: a\n    timeout: 5 sec\n' + CMD,
      `${F}:3:14: benchmarks[0].timeout: expected a duration like "500ms", "5s" or "1m", got "5 sec"`
    ],
    [
      'bare number as a duration',
      'timeout: 30\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:10: timeout: expected a duration like "500ms", "5s" or "1m", got 30`
    ],
    [
      'zero duration',
      'benchmarks:\n  - name: a\n    function: { file: bench/a.js, time: 0ms }\n',
      `${F}:3:41: benchmarks[0].function.time: expected a duration above zero, got "0ms"`
    ],
    [
      'bad percent',
      'compare: { threshold: 5 }\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:23: compare.threshold: expected a percentage like "5%", got 5`
    ],
    [
      'zero trials',
      'trials: 0\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:9: trials: expected a whole number of at least 1, got 0`
    ],
    [
      'negative trials on a benchmark',
      'benchmarks:\n  - name: a\n    trials: -3\n' + CMD,
      `${F}:3:13: benchmarks[0].trials: expected a whole number of at least 1, got -3`
    ],
    [
      'duplicate benchmark names',
      'benchmarks:\n  - name: a\n' + CMD + '  - name: a\n    command: { run: y }\n',
      `${F}:4:11: benchmarks[1].name: duplicate benchmark name "a" (also benchmarks[0]); expected unique names`
    ],
    [
      'a benchmark with no kind',
      'benchmarks:\n  - name: a\n',
      `${F}:2:5: benchmarks[0]: benchmark "a" has no kind; expected exactly one of: function, command, http`
    ],
    [
      'a benchmark with two kinds',
      'benchmarks:\n  - name: a\n' + CMD + '    function: { file: bench/a.js }\n',
      `${F}:2:5: benchmarks[0]: benchmark "a" has 2 kinds (function, command); expected exactly one`
    ],
    [
      'a missing benchmark file',
      'benchmarks:\n  - name: a\n    function: { file: bench/nope.js }\n',
      `${F}:3:23: benchmarks[0].function.file: bench file not found: /repo/bench/nope.js; expected a path relative to the config file`
    ],
    [
      'unknown metric in a budget',
      'benchmarks:\n  - name: a\n    function: { file: bench/a.js }\n    budgets: { p59: 3ms }\n',
      `${F}:4:16: benchmarks[0].budgets.p59: unknown metric "p59" for a function benchmark; did you mean "p50"? expected one of: p50, p95, p99, max, mean, ops, heap, memory, gcTime, gcCount, rss, instructions`
    ],
    [
      'a metric of another kind in a budget',
      'benchmarks:\n  - name: a\n' + CMD + '    budgets: { p95: 3ms }\n',
      `${F}:4:16: benchmarks[0].budgets.p95: unknown metric "p95" for a command benchmark (it applies to function and http benchmarks); expected one of: wall, user, sys, cpu, rss, diskRead, diskWrite, instructions`
    ],
    [
      'a budget with a bad value',
      'benchmarks:\n  - name: a\n    function: { file: bench/a.js }\n    budgets: { p95: fast }\n',
      `${F}:4:21: benchmarks[0].budgets.p95: expected a duration like "500ms", "5s" or "1m", optionally after a comparator such as "<= 50ms", got "fast"`
    ],
    ['an empty file', '', `${F}: the file is empty; expected a mapping with a "benchmarks" list`],
    [
      'a file of comments only',
      '# nothing yet\n',
      `${F}: the file is empty; expected a mapping with a "benchmarks" list`
    ],
    ['no benchmarks field', 'setup: npm ci\n', `${F}:1:1: missing required field "benchmarks"`],
    [
      'an empty benchmark list',
      'benchmarks: []\n',
      `${F}:1:13: benchmarks: expected a non-empty list`
    ],
    [
      'alpha out of range',
      'compare: { alpha: 2 }\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:19: compare.alpha: expected a number between 0 and 1 (exclusive), got 2`
    ],
    [
      'futility out of range',
      'compare: { futility: 0.9 }\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:22: compare.futility: expected a number of at most 0.5, got 0.9`
    ],
    [
      'unknown gated metric',
      'compare: { gate: [wall, wal] }\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:1:25: compare.gate[1]: unknown metric "wal"; did you mean "wall"? expected one of: p50, p90, p95, p99, p999, max, mean, ops, heap, memory, gcTime, gcCount, rps, throughput, errors, timeouts, non2xx, serverCpu, cpuPerRequest, wall, user, sys, cpu, rss, rssMean, diskRead, diskWrite, instructions`
    ],
    [
      'a duplicated key',
      'benchmarks:\n  - name: a\n    name: b\n' + CMD,
      `${F}:3:5: invalid YAML: Map keys must be unique`
    ],
    ['not a mapping', 'just a string\n', `${F}:1:1: expected a mapping, got "just a string"`],
    [
      'max-pairs below trials',
      'trials: 10\ncompare: { max-pairs: 5 }\nbenchmarks:\n  - name: a\n' + CMD,
      `${F}:2:23: compare.max-pairs: expected at least the trials of every benchmark (the first look comes after \`trials\` pairs): "a" has 10, got 5`
    ]
  ])('%s', (_title, text, message) => {
    expect(errorOf(text)).toBe(message)
  })

  it('lists every problem, not just the first', () => {
    const message = errorOf('trials: 0\nbenchmarks:\n  - name: a\n    timeout: soon\n' + CMD)
    expect(message.split('\n')).toEqual([
      `${F}:1:9: trials: expected a whole number of at least 1, got 0`
    ])
    const second = errorOf(
      'benchmarks:\n  - name: a\n    timeout: soon\n' + CMD + '    budgets: { wall: slow }\n'
    )
    expect(second.split('\n')).toHaveLength(2)
  })
})

describe('parseConfig: defaults', () => {
  it('fills every default into a fully specified config', () => {
    const config = parse(
      'benchmarks:\n  - name: fn\n    function: { file: bench/a.js }\n  - name: cmd\n    command: { run: "sleep 0", cwd: sub }\n'
    )
    expect(config).toEqual({
      file: '/repo/perfgate.yml',
      dir: '/repo',
      setup: undefined,
      profile: 'on-regression',
      compare: {
        failOn: 'both',
        test: 'trimmed',
        futility: 0.05,
        maxPairs: undefined,
        maxTimeMs: 600000
      },
      benchmarks: [
        {
          name: 'fn',
          kind: 'function',
          spec: {
            kind: 'function',
            file: '/repo/bench/a.js',
            bench: undefined,
            timeMs: 500,
            warmupMs: 100,
            interleave: true
          },
          trials: 10,
          timeoutMs: 120000,
          budgets: [],
          targets: [],
          compare: { gate: ['mean'], threshold: 0.04, alpha: 0.05 }
        },
        {
          name: 'cmd',
          kind: 'command',
          spec: { kind: 'command', run: 'sleep 0', cwd: '/repo/sub', env: {}, warmupRuns: 1 },
          trials: 10,
          timeoutMs: 120000,
          budgets: [],
          targets: [],
          compare: { gate: ['wall'], threshold: 0.04, alpha: 0.05 }
        }
      ]
    })
  })

  it('decides a benchmark on instructions alone from one pair per look, on time from ten', () => {
    const config = parse(
      'measure: instructions\nbenchmarks:\n  - name: counted\n' +
        CMD +
        '  - name: both\n    measure: both\n' +
        CMD +
        '  - name: set\n    trials: 3\n' +
        CMD
    )
    expect(config.benchmarks.map((b) => [b.name, b.measure, b.trials])).toEqual([
      ['counted', 'instructions', 1],
      ['both', 'both', 10],
      ['set', 'instructions', 3]
    ])
  })

  it('parses budgets with default and explicit comparators', () => {
    const config = parse(
      'trials: 4\ntimeout: 30s\nbenchmarks:\n  - name: fn\n    trials: 6\n    function: { file: bench/a.js }\n' +
        '    budgets: { p95: 2ms, ops: ">= 1000", heap: "< 10MB" }\n'
    )
    const [bench] = config.benchmarks
    expect(bench!.trials).toBe(6)
    expect(bench!.timeoutMs).toBe(30000)
    expect(bench!.budgets).toEqual([
      { metric: 'p95', comparator: '<=', limit: 2, source: '2ms' },
      { metric: 'ops', comparator: '>=', limit: 1000, source: '>= 1000' },
      { metric: 'heap', comparator: '<', limit: 10e6, source: '< 10MB' }
    ])
  })
})

describe('parseConfig: compare settings', () => {
  it('applies the global gate per kind and lets a benchmark override it', () => {
    const config = parse(
      'compare: { gate: [p95, rss], threshold: 3%, alpha: 0.01, fail-on: budgets, test: sign-flip, futility: 0.2, max-pairs: 40, max-time: 5m }\n' +
        'benchmarks:\n' +
        '  - name: fn\n    function: { file: bench/a.js }\n' +
        '  - name: cmd\n    command: { run: x }\n' +
        '  - name: own\n    command: { run: y }\n    compare: { gate: [cpu], threshold: 10% }\n' +
        '    targets: { wall: 100ms }\n'
    )
    expect(config.compare).toEqual({
      failOn: 'budgets',
      test: 'sign-flip',
      futility: 0.2,
      maxPairs: 40,
      maxTimeMs: 300000
    })
    expect(config.benchmarks.map((b) => b.compare)).toEqual([
      // rss is a function's worker peak RSS too.
      { gate: ['p95', 'rss'], threshold: 0.03, alpha: 0.01 },
      { gate: ['rss'], threshold: 0.03, alpha: 0.01 },
      { gate: ['cpu'], threshold: 0.1, alpha: 0.01 }
    ])
    expect(config.benchmarks[2]!.targets).toEqual([
      { metric: 'wall', comparator: '<=', limit: 100, source: '100ms' }
    ])
  })

  it('rejects a benchmark gate metric of another kind, and a bad fail-on', () => {
    expect(errorOf('benchmarks:\n  - name: a\n' + CMD + '    compare: { gate: [p50] }\n')).toBe(
      `${F}:4:23: benchmarks[0].compare.gate[0]: unknown metric "p50" for a command benchmark (it applies to function and http benchmarks); expected one of: wall, user, sys, cpu, rss, diskRead, diskWrite, instructions`
    )
    expect(errorOf('compare: { fail-on: sometimes }\nbenchmarks:\n  - name: a\n' + CMD)).toBe(
      `${F}:1:21: compare.fail-on: expected one of: both, budgets, regressions, none; got "sometimes"`
    )
  })
})

describe('parseConfig: http benchmarks', () => {
  const HTTP =
    'benchmarks:\n  - name: api\n    http:\n      server: { command: "node server.js --port {port}", ready: "http://127.0.0.1:{port}/health" }\n'

  it('fills defaults, keeps {port} and serializes JSON bodies', () => {
    const config = parse(
      HTTP +
        '      requests:\n        - { url: "http://127.0.0.1:{port}/users" }\n' +
        '        - { url: "http://127.0.0.1:{port}/users", body: { name: x }, weight: 3 }\n'
    )
    expect(config.benchmarks[0]!.spec).toEqual({
      kind: 'http',
      server: {
        command: 'node server.js --port {port}',
        cwd: '/repo',
        env: {},
        readyUrl: 'http://127.0.0.1:{port}/health',
        readyTimeoutMs: 30000,
        restart: 'per-trial'
      },
      requests: [
        {
          url: 'http://127.0.0.1:{port}/users',
          method: 'GET',
          headers: {},
          body: undefined,
          weight: 1
        },
        {
          url: 'http://127.0.0.1:{port}/users',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"name":"x"}',
          weight: 3
        }
      ],
      load: {
        connections: 10,
        durationMs: 1000,
        warmupMs: 500,
        pipelining: 1,
        rate: undefined,
        timeoutMs: 10000,
        interleave: true,
        pin: true
      }
    })
    // The server's CPU per request where it is measured (Linux), else latency and rps.
    expect(config.benchmarks[0]!.compare.gate).toEqual(
      process.platform === 'linux' ? ['cpuPerRequest'] : ['p50', 'p95', 'rps']
    )
  })

  it('accepts ready with a timeout, load settings and percent budgets', () => {
    const config = parse(
      'benchmarks:\n  - name: api\n    http:\n' +
        '      server: { command: x, ready: { url: "http://127.0.0.1:{port}/", timeout: 5s }, restart: once }\n' +
        '      requests: [{ url: "http://127.0.0.1:{port}/" }]\n' +
        '      load: { connections: 2, duration: 2s, warmup: 0s, rate: 500, timeout: 1s, interleave: false, pin: false }\n' +
        '    budgets: { serverCpu: 80%, rps: ">= 400", errors: 0 }\n'
    )
    const spec = config.benchmarks[0]!.spec
    expect(
      spec.kind === 'http' && [spec.server.readyTimeoutMs, spec.server.restart, spec.load]
    ).toEqual([
      5000,
      'once',
      {
        connections: 2,
        durationMs: 2000,
        warmupMs: 0,
        pipelining: 1,
        rate: 500,
        timeoutMs: 1000,
        interleave: false,
        pin: false
      }
    ])
    expect(config.benchmarks[0]!.budgets.map((b) => [b.metric, b.comparator, b.limit])).toEqual([
      ['serverCpu', '<=', 0.8],
      ['rps', '>=', 400],
      ['errors', '<=', 0]
    ])
  })

  it.each([
    [
      'a URL that is not http',
      '      requests: [{ url: "ftp://example/x" }]\n',
      `${F}:5:25: benchmarks[0].http.requests[0].url: expected an http:// URL such as "http://127.0.0.1:{port}/health", got "ftp://example/x"`
    ],
    [
      'requests to two hosts',
      '      requests: [{ url: "http://127.0.0.1:{port}/a" }, { url: "http://10.0.0.1:80/b" }]\n',
      `${F}:5:17: benchmarks[0].http.requests: requests go to 2 different hosts (http://127.0.0.1:{port}, http://10.0.0.1); expected one server per benchmark`
    ],
    [
      'a missing requests list',
      '',
      `${F}:4:7: benchmarks[0].http: missing required field "requests"`
    ],
    [
      'a bad rate',
      '      requests: [{ url: "http://127.0.0.1:{port}/" }]\n      load: { rate: 0 }\n',
      `${F}:6:21: benchmarks[0].http.load.rate: expected a number above 0, got 0`
    ]
  ])('rejects %s', (_title, rest, message) => {
    expect(errorOf(HTTP + rest)).toBe(message)
  })
})

describe('schema/perfgate.schema.json', () => {
  it('is the schema perfgate validates with (run `npm run schema` after changing it)', () => {
    const shipped: unknown = JSON.parse(
      readFileSync(new URL('../schema/perfgate.schema.json', import.meta.url), 'utf8')
    )
    expect(shipped).toEqual(CONFIG_SCHEMA)
  })
})
