/**
 * Text the config hands to terminals, logs, HTTP requests and child processes: names are
 * one printable line; header names and values cannot break a request; environment names
 * and values, commands and paths hold no NUL (a process cannot receive one).
 */
import { MAX_NAME_LENGTH } from '../defaults.js'
import { describeValue, quote, UNPRINTABLE } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import type { RawEnv } from '../raw.js'

const codePoint = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/** Records an issue unless `name` is a one-line benchmark name fit for tables and logs. */
export function checkBenchmarkName(issues: Issues, name: string, field: FieldPath): void {
  const bad = UNPRINTABLE.exec(name)
  const problem = bad
    ? `it contains the control character ${codePoint(bad[0])}`
    : name.trim() !== name
      ? 'it starts or ends with whitespace'
      : [...name].length > MAX_NAME_LENGTH
        ? `it has ${[...name].length} characters`
        : undefined
  if (problem) {
    issues.add(
      field,
      `expected a one-line name of at most ${MAX_NAME_LENGTH} characters, without control characters ` +
        `or surrounding whitespace; got ${describeValue(name)} (${problem})`
    )
  }
}

/** Records an issue if `value` holds a control character (names of things, not commands). */
export function checkOneLine(issues: Issues, value: string, field: FieldPath): void {
  const bad = UNPRINTABLE.exec(value)
  if (bad) {
    issues.add(
      field,
      `expected one line without control characters, got ${describeValue(value)} (it contains ${codePoint(bad[0])})`
    )
  }
}

/** Records an issue if `value` holds a NUL character (commands, paths, URLs). */
export function checkNoNul(issues: Issues, value: string, field: FieldPath): void {
  if (value.includes('\u0000')) {
    issues.add(field, `expected text without NUL characters, got ${describeValue(value)}`)
  }
}

// eslint-disable-next-line no-control-regex
const ENV_NAME = /^[^=\u0000]+$/

/** Environment variables as strings; names without "=" or NUL, values without NUL. */
export function environment(
  issues: Issues,
  raw: RawEnv | undefined,
  field: FieldPath
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (!ENV_NAME.test(name)) {
      issues.add(
        [...field, name],
        `expected an environment variable name without "=" or NUL, got ${quote(name)}`,
        { key: true }
      )
    }
    const text = String(value)
    checkNoNul(issues, text, [...field, name])
    env[name] = text
  }
  return env
}

/** HTTP header name: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** HTTP header value: visible characters, spaces and tabs; no CR, LF or other controls. */
// eslint-disable-next-line no-control-regex
const HEADER_VALUE = /^[^\u0000-\u0008\u000a-\u001f\u007f]*$/

/** Records an issue for each header that would break the request line by line. */
export function checkHeaders(
  issues: Issues,
  headers: Readonly<Record<string, string>>,
  field: FieldPath
): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      issues.add(
        [...field, name],
        `expected a header name of letters, digits and !#$%&'*+.^_\`|~-, got ${quote(name)}`,
        { key: true }
      )
    }
    if (!HEADER_VALUE.test(value)) {
      issues.add(
        [...field, name],
        `expected a header value on one line without control characters, got ${describeValue(value)}`
      )
    }
  }
}
