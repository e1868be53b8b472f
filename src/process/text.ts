/**
 * Text that comes from a child process (output tails, error messages from a worker,
 * command lines read from /proc) is untrusted: terminal control sequences in it would
 * clear the screen, set the window title or hide lines when printed. This is a pure
 * module (no I/O), so report code may use it too.
 */

/** C0 controls except tab and newline, DEL, and the C1 controls (U+0080–U+009F). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/**
 * Makes child-derived text inert: CRLF line ends become LF; every other control character
 * (ESC, CR, BEL, backspace, C1 such as U+009B CSI, …) is shown escaped, e.g. `\x1b`.
 */
export function sanitizeChildText(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
