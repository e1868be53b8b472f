/**
 * Untrusted text on its way to a terminal: output of a child process (output tails, error
 * messages from a worker, command lines read from /proc), and names and paths a user or a
 * file supplies (benchmark names read from results files, file names in error messages).
 * Control sequences in it would clear the screen, set the window title or hide lines when
 * printed, and bidirectional overrides would show it in another order than it is. This is
 * a pure module (no I/O), so report code may use it too.
 */

import { BIDI_AND_SEPARATORS } from '../config/errors.js'

/**
 * C0 controls except tab and newline, DEL, the C1 controls (U+0080–U+009F), the Unicode
 * line and paragraph separators and the bidirectional marks, embeddings, overrides and
 * isolates (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069).
 */
const CONTROL = new RegExp(
  `[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`,
  'g'
)

function escaped(c: string): string {
  const code = c.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Makes untrusted text inert: CRLF line ends become LF; every other control character
 * (ESC, CR, BEL, backspace, C1 such as U+009B CSI, …) is shown escaped, e.g. `\x1b`, and so
 * is every bidirectional control (`\u202e`). Tabs and newlines stay.
 */
export function sanitizeChildText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, escaped)
}

/** Longest name printed whole in a terminal (a config's names are at most 100 characters). */
export const TERMINAL_NAME_MAX = 120

/**
 * A name (of a benchmark, a file) for one terminal line: made inert as
 * {@link sanitizeChildText} does, with newlines and tabs escaped too, and cut after `max`
 * characters with its length said, so a 5,000-character name from a file is not a page.
 */
export function terminalName(text: string, max = TERMINAL_NAME_MAX): string {
  const chars = [...text]
  const shown =
    chars.length > max ? `${chars.slice(0, max).join('')}… (${chars.length} characters)` : text
  return sanitizeChildText(shown).replace(/\n/g, '\\n').replace(/\t/g, '\\t')
}
