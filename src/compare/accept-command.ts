/**
 * The acceptance command, as written in a pull request comment (pure):
 *
 *     /perfgate accept <benchmark> <bound> <reason>
 *
 * `<benchmark>` is a bare word, a "quoted name" (`\"` and `\\` inside) or `all`;
 * `<bound>` how much worse is accepted, `+9%` or `+9.5 %`; `<reason>` the rest of the
 * line and the lines that follow it up to a blank line or another command. One command per
 * line, several per comment; lines inside fenced code blocks are examples, not commands.
 * The bound is required: an acceptance holds for the change it was given for, and the
 * report offers the command with the bound filled in.
 */
import { BIDI_AND_SEPARATORS } from '../config/errors.js'
import { ALL_BENCHMARKS } from './accept.js'

/** What opens a command line. */
export const ACCEPT_COMMAND = '/perfgate accept'
/** Longest reason kept (characters); a longer one is refused, not cut. */
export const REASON_MAX = 500
/** Largest bound taken (1000 %): past it the number is a typo, not a decision. */
const BOUND_MAX = 10
/** What a command without a bound is told. */
export const BOUND_MISSING = 'say how much slower is accepted, e.g. +9%'

/** One command line of a comment, read: the acceptance it asks for, or why it cannot. */
export type AcceptCommand =
  | {
      readonly ok: true
      /** The benchmark's name, or `*` for `all`. */
      readonly benchmark: string
      /** How much worse is accepted, as a fraction of base (+9% → 0.09). */
      readonly bound: number
      /** One line, control and bidirectional characters removed (still untrusted text). */
      readonly reason: string
    }
  | { readonly ok: false; readonly error: string }

const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]+`, 'g')
const FENCE = /^\s{0,3}(```|~~~)/
const BOUND = /^\+?(\d{1,4}(?:\.\d{1,2})?)\s?%(?=\s|$)/

/** Whether a line is a command line (`/perfgate accept` then a space or the line's end). */
function isCommand(line: string): boolean {
  return line.startsWith(ACCEPT_COMMAND) && /^(\s|$)/.test(line.slice(ACCEPT_COMMAND.length))
}

/** The benchmark at the start of `text`: its name and the text after it, or an error. */
function readBenchmark(text: string): { name: string; rest: string } | { error: string } {
  if (text.startsWith('"')) {
    let name = ''
    for (let i = 1; i < text.length; i++) {
      const c = text[i]!
      if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) name += text[++i]
      else if (c === '"') return { name, rest: text.slice(i + 1) }
      else name += c
    }
    return { error: 'the quoted benchmark name has no closing "' }
  }
  const word = text.match(/^\S+/)?.[0]
  if (!word) return { error: 'name a benchmark (or all) after /perfgate accept' }
  return { name: word === 'all' ? ALL_BENCHMARKS : word, rest: text.slice(word.length) }
}

/** Reads one command from its line and the lines of its reason that follow. */
function readCommand(line: string, more: readonly string[]): AcceptCommand {
  const benchmark = readBenchmark(line.slice(ACCEPT_COMMAND.length).trimStart())
  if ('error' in benchmark) return { ok: false, error: benchmark.error }
  if (benchmark.name === '') return { ok: false, error: 'the benchmark name is empty' }
  const afterName = benchmark.rest
  if (afterName !== '' && !/^\s/.test(afterName)) {
    return { ok: false, error: 'put a space after the quoted benchmark name' }
  }
  const bound = afterName.trimStart().match(BOUND)
  if (!bound) return { ok: false, error: BOUND_MISSING }
  const value = Number(bound[1]) / 100
  if (!(value > 0) || value > BOUND_MAX) {
    return { ok: false, error: `the bound must be above 0 % and at most ${BOUND_MAX * 100} %` }
  }
  const reason = [afterName.trimStart().slice(bound[0].length), ...more]
    .join(' ')
    .replace(UNPRINTABLE, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (reason === '') return { ok: false, error: 'give a reason after the bound' }
  if ([...reason].length > REASON_MAX) {
    return { ok: false, error: `the reason is longer than ${REASON_MAX} characters` }
  }
  return { ok: true, benchmark: benchmark.name, bound: value, reason }
}

/** Every acceptance command of a comment's body, in order (none: an empty list). */
export function parseAcceptCommands(body: string): AcceptCommand[] {
  const lines = body.split(/\r?\n|\r/)
  const commands: AcceptCommand[] = []
  let fenced = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (FENCE.test(line)) fenced = !fenced
    if (fenced || !isCommand(line)) continue
    const more: string[] = []
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && !isCommand(lines[i + 1]!)) {
      if (FENCE.test(lines[i + 1]!)) break
      more.push(lines[++i]!)
    }
    commands.push(readCommand(line, more))
  }
  return commands
}

/**
 * The command that accepts a benchmark's change up to `bound`, for the report to offer:
 * `/perfgate accept "parse orders CSV" +9% <reason>` (quoted unless a plain word).
 */
export function acceptCommandFor(benchmark: string, bound: string): string {
  const plain = /^[\w.:/@-]+$/.test(benchmark) && benchmark !== 'all' && !BOUND.test(benchmark)
  const name = plain ? benchmark : `"${benchmark.replace(/[\\"]/g, (c) => `\\${c}`)}"`
  return `${ACCEPT_COMMAND} ${name} ${bound} <reason>`
}
