// Terminal control sequences in child output and worker error messages are made inert
// where they are captured, so printing a failure cannot clear the screen or set a title.
import { liveChildCount } from '../src/process/children.js'
import { sanitizeChildText, terminalName } from '../src/process/text.js'
import { runCommandTrial } from '../src/runners/command/runner.js'
import { runFunctionTrial } from '../src/runners/function/runner.js'
import { HttpTrialRunner } from '../src/runners/http/runner.js'
import { commandBenchmark, functionBenchmark, httpBenchmark } from './helpers/benchmarks.js'

/** Any C0 control but tab and newline, DEL, or C1 control. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

// ESC[2J (clear screen), OSC 0 title ending in BEL, a lone CR, C1 CSI (U+009B).
const NASTY = String.raw`printf 'bad \033[2J\033]0;owned\007 \r\302\23331m done\n' >&2`

afterEach(() => expect(liveChildCount()).toBe(0))

describe('sanitizeChildText', () => {
  it('escapes controls, keeps tabs, newlines and other text', () => {
    expect(sanitizeChildText('a\tb\r\nc\u001b[2J\u0007\u009b\u007fé 🙂')).toBe(
      'a\tb\nc\\x1b[2J\\x07\\x9b\\x7fé 🙂'
    )
  })

  it('escapes bidirectional controls and Unicode line separators', () => {
    expect(sanitizeChildText('abc\u202edcba \u2066x\u2069 \u200f \u061c \u2028')).toBe(
      'abc\\u202edcba \\u2066x\\u2069 \\u200f \\u061c \\u2028'
    )
  })
})

describe('terminalName', () => {
  it('keeps a name to one inert line and cuts a long one, saying its length', () => {
    expect(terminalName('a\tb\nc\u001b[2J')).toBe('a\\tb\\nc\\x1b[2J')
    const long = '\u202e' + 'n'.repeat(4999)
    expect(terminalName(long)).toBe(`\\u202e${'n'.repeat(119)}… (5000 characters)`)
  })
})

describe('child-derived text', () => {
  it("a failing command's stderr tail", async () => {
    const benchmark = commandBenchmark(`${NASTY}; exit 1`)
    const outcome = await runCommandTrial(benchmark, benchmark.spec)
    if (outcome.ok) throw new Error('expected a failure')
    expect(outcome.stderrTail).toBe('bad \\x1b[2J\\x1b]0;owned\\x07 \\x0d\\x9b31m done')
    expect(outcome.stderrTail).not.toMatch(RAW_CONTROL)
  })

  it("a server's output tail", async () => {
    const benchmark = httpBenchmark('ok', '/ok', {
      server: { command: `${NASTY}; exit 1` }
    })
    const outcome = await new HttpTrialRunner().runTrial(benchmark, benchmark.spec)
    if (outcome.ok) throw new Error('expected a failure')
    expect(outcome.stderrTail).toContain('bad \\x1b[2J')
    expect(outcome.stderrTail).not.toMatch(RAW_CONTROL)
  })

  it('an error message and stack from a function worker', async () => {
    const benchmark = functionBenchmark('escapes.bench.js')
    const outcome = await runFunctionTrial(benchmark, benchmark.spec)
    if (outcome.ok) throw new Error('expected a failure')
    expect(outcome.message).toBe('bad \\x1b[2J\\x1b]0;owned\\x07 \\x0d\\x9b31m done')
    expect(outcome.stderrTail).toContain('\\x1b[2J')
    expect(`${outcome.message}${outcome.stderrTail}`).not.toMatch(RAW_CONTROL)
  })

  it('a forged result a bench sends on the worker channel', async () => {
    const benchmark = functionBenchmark('fake-result.bench.js')
    const outcome = await runFunctionTrial(benchmark, benchmark.spec)
    expect(outcome).toMatchObject({
      ok: false,
      message: 'worker sent a malformed result (does the bench code call process.send?)'
    })
  })
})
