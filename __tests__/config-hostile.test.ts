import { ConfigError } from '../src/config/errors.js'
import {
  MAX_CONFIG_LENGTH,
  MAX_CONFIG_VALUES,
  MAX_DURATION_MS,
  MAX_HTTP_CONNECTIONS,
  MAX_NAME_LENGTH,
  MAX_PAIRS,
  MAX_TRIALS
} from '../src/config/defaults.js'
import { parseConfig } from '../src/config/parse.js'

const F = '/repo/perfgate.yml'
const parse = (text: string) => parseConfig(text, F, { fileExists: () => true })
const CMD = '    command: { run: "true" }\n'
const ONE = 'benchmarks:\n  - name: a\n' + CMD

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

const http = (request: string, load = '') =>
  'benchmarks:\n  - name: api\n    http:\n' +
  '      server: { command: x, ready: "http://127.0.0.1:{port}/" }\n' +
  `      requests: [${request}]\n` +
  (load ? `      load: ${load}\n` : '')

describe('YAML aliases: bounded by the expanded size, not by the number of uses', () => {
  it('refuses a billion-laughs bomb with one line, before expanding it', () => {
    const names = 'abcdefghi'
    let text = `${names[0]}: &${names[0]} [${Array(9).fill('"lol"').join(', ')}]\n`
    for (let i = 1; i < names.length; i++) {
      text += `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]\n`
    }
    const message = errorOf(text + ONE)
    expect(message.split('\n')).toHaveLength(1)
    expect(message).toMatch(
      new RegExp(
        `^${F}:2:8: YAML aliases expand the config to \\d+ values; expected at most ${MAX_CONFIG_VALUES} \\(is it an alias bomb\\?\\)$`
      )
    )
  })

  it('accepts one anchor reused by 119 benchmarks (more than yaml allows by default)', () => {
    const text =
      'benchmarks:\n  - name: b0\n    command: &cmd { run: "npm test", env: { CI: 1 } }\n' +
      Array.from({ length: 118 }, (_, i) => `  - { name: b${i + 1}, command: *cmd }\n`).join('')
    const config = parse(text)
    expect(config.benchmarks).toHaveLength(119)
    expect(config.benchmarks[118]!.spec).toEqual(config.benchmarks[0]!.spec)
    expect(config.benchmarks[118]!.spec).toMatchObject({ run: 'npm test', env: { CI: '1' } })
  })

  it('refuses an alias without its anchor, and a second document', () => {
    expect(errorOf('benchmarks: *list\n')).toBe(
      `${F}:1:13: YAML alias *list has no anchor &list before it; expected an anchor set before its aliases`
    )
    expect(errorOf(ONE + '---\n' + ONE)).toBe(
      `${F}:4:1: the file holds more than one YAML document (a second "---"); expected one`
    )
  })

  it('refuses an alias inside the value it names', () => {
    expect(errorOf('benchmarks: &list\n  - name: a\n    command: { run: *list }\n')).toBe(
      `${F}:3:21: YAML alias *list is inside the value it names; expected no recursive aliases`
    )
  })
})

describe('oversized input is a config error', () => {
  it('refuses nesting deeper than the YAML parser can follow', () => {
    expect(errorOf(`benchmarks: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toMatch(
      new RegExp(
        `^${F}:1:\\d+: invalid YAML: nested too deeply; expected a config a few levels deep$`
      )
    )
  })

  it('refuses a text longer than the maximum', () => {
    expect(errorOf(ONE + '#'.repeat(MAX_CONFIG_LENGTH))).toBe(
      `${F}: the config is ${MAX_CONFIG_LENGTH + ONE.length} characters long; expected at most ${MAX_CONFIG_LENGTH}`
    )
  })
})

describe('durations: each one feeds a timer, so each is bounded', () => {
  it.each([
    ['timeout: 100000m\n' + ONE, `${F}:1:10: timeout`],
    ['compare: { max-time: 1441m }\n' + ONE, `${F}:1:22: compare.max-time`],
    [
      'benchmarks:\n  - name: a\n    timeout: 99999999s\n' + CMD,
      `${F}:3:14: benchmarks[0].timeout`
    ],
    [
      'benchmarks:\n  - name: a\n    function: { file: a.js, warmup: 2000m }\n',
      `${F}:3:37: benchmarks[0].function.warmup`
    ],
    [
      http('{ url: "http://127.0.0.1:{port}/" }', '{ duration: 100000m }'),
      `${F}:6:25: benchmarks[0].http.load.duration`
    ]
  ])('refuses a duration past the maximum (%#)', (text, where) => {
    expect(errorOf(text)).toMatch(
      new RegExp(
        `^${where.replace(/[.[\]]/g, '\\$&')}: expected a duration of at most 1440m \\(24 hours\\), got "\\d+(m|s)"$`
      )
    )
  })

  it('accepts the maximum itself', () => {
    expect(MAX_DURATION_MS).toBe(1440 * 60_000)
    expect(parse('timeout: 1440m\n' + ONE).benchmarks[0]!.timeoutMs).toBe(MAX_DURATION_MS)
  })
})

describe('counts that feed loops and allocations are bounded', () => {
  it.each([
    [
      'trials: 1000000000000\n' + ONE,
      `${F}:1:9: trials: expected a whole number of at most ${MAX_TRIALS}, got 1000000000000`
    ],
    [
      'benchmarks:\n  - name: a\n    trials: 10001\n' + CMD,
      `${F}:3:13: benchmarks[0].trials: expected a whole number of at most ${MAX_TRIALS}, got 10001`
    ],
    [
      'compare: { max-pairs: 1000000 }\n' + ONE,
      `${F}:1:23: compare.max-pairs: expected a whole number of at most ${MAX_PAIRS}, got 1000000`
    ],
    [
      'benchmarks:\n  - name: a\n    command: { run: x, warmup: 5000 }\n',
      `${F}:3:32: benchmarks[0].command.warmup: expected a whole number of at most 1000, got 5000`
    ],
    [
      http('{ url: "http://127.0.0.1:{port}/", weight: 100000000 }'),
      `${F}:5:61: benchmarks[0].http.requests[0].weight: expected a whole number of at most 1000, got 100000000`
    ],
    [
      http('{ url: "http://127.0.0.1:{port}/" }', '{ connections: 100000 }'),
      `${F}:6:28: benchmarks[0].http.load.connections: expected a whole number of at most ${MAX_HTTP_CONNECTIONS}, got 100000`
    ],
    [
      http('{ url: "http://127.0.0.1:{port}/" }', '{ pipelining: 1000 }'),
      `${F}:6:27: benchmarks[0].http.load.pipelining: expected a whole number of at most 100, got 1000`
    ],
    [
      http('{ url: "http://127.0.0.1:{port}/" }', '{ rate: 1e12 }'),
      `${F}:6:21: benchmarks[0].http.load.rate: expected a number of at most 1000000, got 1000000000000`
    ]
  ])('%#: %s', (text, message) => {
    expect(errorOf(text)).toBe(message)
  })

  it('accepts MAX_TRIALS itself', () => {
    expect(parse(`trials: ${MAX_TRIALS}\n` + ONE).benchmarks[0]!.trials).toBe(MAX_TRIALS)
  })
})

describe('benchmark names are one printable line', () => {
  const EXPECTED = `expected a one-line name of at most ${MAX_NAME_LENGTH} characters, without control characters or surrounding whitespace; got`
  it.each([
    ['a newline', '"a\\nb"', `"a\\nb" (it contains the control character U+000A)`],
    [
      'a C1 next-line character',
      '"a\\N::error::x"',
      `"a\\u0085::error::x" (it contains the control character U+0085)`
    ],
    [
      'an escape sequence',
      '"a\\e[31mred"',
      `"a\\u001b[31mred" (it contains the control character U+001B)`
    ],
    [
      'a bidirectional override',
      '"a\\u202Eb"',
      `"a\\u202eb" (it contains the control character U+202E)`
    ],
    ['leading whitespace', '" a"', `" a" (it starts or ends with whitespace)`]
  ])('refuses %s', (_title, name, got) => {
    expect(errorOf(`benchmarks:\n  - name: ${name}\n` + CMD)).toBe(
      `${F}:2:11: benchmarks[0].name: ${EXPECTED} ${got}`
    )
  })

  it('refuses a name longer than the maximum, and accepts one at it', () => {
    expect(errorOf(`benchmarks:\n  - name: ${'x'.repeat(101)}\n` + CMD)).toBe(
      `${F}:2:11: benchmarks[0].name: expected at most ${MAX_NAME_LENGTH} characters, got 101`
    )
    const name = 'é'.repeat(MAX_NAME_LENGTH)
    expect(parse(`benchmarks:\n  - name: ${name}\n` + CMD).benchmarks[0]!.name).toBe(name)
  })

  it('refuses a control character in function.bench', () => {
    expect(
      errorOf('benchmarks:\n  - name: a\n    function: { file: a.js, bench: "x\\ty" }\n')
    ).toBe(
      `${F}:3:36: benchmarks[0].function.bench: expected one line without control characters, got "x\\ty" (it contains U+0009)`
    )
  })
})

describe('unknown YAML tags are errors, not silently dropped', () => {
  it.each([
    ['benchmarks: !include other.yml\n', `${F}:1:13: unsupported YAML tag "!include"`],
    [
      'benchmarks:\n  - name: a\n    command: { run: !!binary aGVsbG8= }\n',
      `${F}:3:21: unsupported YAML tag "!!binary"`
    ],
    ['setup: !!timestamp 2001-12-14\n' + ONE, `${F}:1:8: unsupported YAML tag "!!timestamp"`]
  ])('%j', (text, start) => {
    expect(errorOf(text)).toBe(
      `${start}; expected plain values (a config has no includes or custom tags)`
    )
  })

  it('keeps the core tags', () => {
    expect(parse('setup: !!str 3\n' + ONE).setup).toBe('3')
  })
})

describe('type errors name every allowed type', () => {
  it.each([
    [
      'benchmarks:\n  - name: a\n    command: { run: x, env: { A: [1] } }\n',
      `${F}:3:34: benchmarks[0].command.env.A: expected a string, number or boolean, got a list`
    ],
    [
      http('{ url: "http://127.0.0.1:{port}/", body: 3 }'),
      `${F}:5:59: benchmarks[0].http.requests[0].body: expected a string, mapping or list, got 3`
    ],
    ['timeout: [1]\n' + ONE, `${F}:1:10: timeout: expected a string or number, got a list`]
  ])('%#', (text, message) => {
    expect(errorOf(text)).toBe(message)
  })
})

describe('text that reaches requests, processes and logs', () => {
  it('refuses header names and values that would break the request', () => {
    expect(
      errorOf(
        http(
          '{ url: "http://127.0.0.1:{port}/", headers: { X-A: "1\\r\\nX-Evil: 2", "Bad Name": v } }'
        )
      ).split('\n')
    ).toEqual([
      `${F}:5:69: benchmarks[0].http.requests[0].headers.X-A: expected a header value on one line without control characters, got "1\\r\\nX-Evil: 2"`,
      `${F}:5:87: benchmarks[0].http.requests[0].headers["Bad Name"]: expected a header name of letters, digits and !#$%&'*+.^_\`|~-, got "Bad Name"`
    ])
  })

  it('refuses URLs with whitespace (the URL parser would drop it silently)', () => {
    expect(errorOf(http('{ url: "http://127.0.0.1:{port}/a\\nb" }'))).toBe(
      `${F}:5:25: benchmarks[0].http.requests[0].url: expected an http:// URL such as "http://127.0.0.1:{port}/health", got "http://127.0.0.1:{port}/a\\nb"`
    )
  })

  it('refuses NUL in commands and environment, and "=" in environment names', () => {
    expect(
      errorOf(
        'benchmarks:\n  - name: a\n    command: { run: "a\\0b", env: { "A=B": 1, C: "x\\0" } }\n'
      ).split('\n')
    ).toEqual([
      `${F}:3:21: benchmarks[0].command.run: expected text without NUL characters, got "a\\u0000b"`,
      `${F}:3:36: benchmarks[0].command.env["A=B"]: expected an environment variable name without "=" or NUL, got "A=B"`,
      `${F}:3:49: benchmarks[0].command.env.C: expected text without NUL characters, got "x\\u0000"`
    ])
  })

  it('keeps multi-line commands', () => {
    const config = parse(
      'benchmarks:\n  - name: a\n    command:\n      run: |\n        npm ci\n        npm test\n'
    )
    expect(config.benchmarks[0]!.spec).toMatchObject({ run: 'npm ci\nnpm test\n' })
  })

  it('writes every issue on one line, whatever the keys and values hold', () => {
    const message = errorOf('benchmarks:\n  - name: a\n' + CMD + '    "x\\ny\\u0085z": 1\n')
    expect(message).toBe(
      `${F}:4:5: benchmarks[0]["x\\ny\\u0085z"]: unknown field; expected one of: name, function, command, http, trials, measure, timeout, compare, targets, budgets`
    )
  })

  it('quotes a long value in part', () => {
    expect(errorOf(`timeout: ${'x'.repeat(5000)}\n` + ONE)).toBe(
      `${F}:1:10: timeout: expected a duration like "500ms", "5s" or "1m", got "${'x'.repeat(200)}"… (5000 characters)`
    )
  })

  it('keeps a budget source on one line', () => {
    const config = parse(ONE + '    budgets: { wall: "<=\\n 5ms" }\n')
    expect(config.benchmarks[0]!.budgets).toEqual([
      { metric: 'wall', comparator: '<=', limit: 5, source: '<= 5ms' }
    ])
  })

  it('refuses a budget split inside its number, instead of failing to match', () => {
    expect(errorOf(ONE + '    budgets: { wall: "5\\n0ms" }\n')).toBe(
      `${F}:4:22: benchmarks[0].budgets.wall: expected a duration like "500ms", "5s" or "1m", optionally after a comparator such as "<= 50ms", got "5\\n0ms"`
    )
  })
})
