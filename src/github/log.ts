/**
 * The action's log. Benchmarks control much of what it shows (names, error messages,
 * output tails), and the runner reads any log line that starts with `::` (or holds `##[`)
 * as a workflow command: `::add-mask::`, `::error::`, `::stop-commands::`. Every line
 * written here is neutralized first, so text from a benchmark can never become a command.
 * The action's own commands go through @actions/core, which escapes their data.
 */
import type { ProgressStream } from '../app/progress.js'

/** A zero-width space: invisible, and it breaks the runner's command syntax. */
const BREAK = '\u200b'

/** One line made inert: no leading `::`, no `##[`. */
export function neutralizeCommandLine(line: string): string {
  const safe = line.replaceAll('##[', `#${BREAK}#[`)
  const start = safe.length - safe.trimStart().length
  return safe.startsWith('::', start)
    ? `${safe.slice(0, start)}:${BREAK}${safe.slice(start + 1)}`
    : safe
}

export interface ActionLog extends ProgressStream {
  /** One informational line. */
  info(line: string): void
}

/**
 * A log over `write` (the process's stdout in the action). Text may come in pieces; lines
 * are neutralized whole (a carriage return also starts a line for the runner).
 */
export function createActionLog(write: (text: string) => void): ActionLog {
  let pending = ''
  const flushLines = (text: string) => {
    pending += text
    const parts = pending.split(/(\r\n|\r|\n)/)
    pending = parts.pop() ?? ''
    let out = ''
    for (let i = 0; i < parts.length; i += 2) {
      out += `${neutralizeCommandLine(parts[i]!)}\n`
    }
    if (out) write(out)
  }
  return {
    isTTY: false,
    write(text: string) {
      flushLines(text)
      return true
    },
    info(line: string) {
      flushLines(`${line}\n`)
    }
  }
}
