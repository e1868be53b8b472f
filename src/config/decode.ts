/** Config file bytes → text: UTF-8 only, so a mis-saved file is an error, not U+FFFD. */
import { ConfigError } from './errors.js'

/**
 * Decodes a config file's bytes as UTF-8 (a leading byte order mark is dropped). Throws
 * ConfigError naming the file, the line and column, and the byte offset of the first
 * invalid sequence.
 * @param file how the message names the file
 */
export function decodeConfigText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    // Decoded again leniently to find where: before the first U+FFFD that stands for bad
    // bytes, the text round-trips, so its UTF-8 length is the byte offset.
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    const encoder = new TextEncoder()
    let index = lenient.indexOf('\uFFFD')
    let offset = 0
    while (index >= 0) {
      offset = encoder.encode(lenient.slice(0, index)).length
      // A U+FFFD written in the file (EF BF BD) is text, not an error.
      if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd))
        break
      index = lenient.indexOf('\uFFFD', index + 1)
    }
    const before = lenient.slice(0, Math.max(index, 0)).replace(/^\uFEFF/, '')
    const lines = before.split('\n')
    const utf16 =
      (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
        ? ' (the file looks like UTF-16; save it as UTF-8)'
        : ''
    throw new ConfigError([
      {
        file,
        line: lines.length,
        column: lines.at(-1)!.length + 1,
        field: '',
        message:
          `the config file is not valid UTF-8: byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} ` +
          `at byte offset ${offset} starts an invalid sequence; expected UTF-8 text${utf16}`
      }
    ])
  }
}
