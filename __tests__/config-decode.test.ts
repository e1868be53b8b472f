import { decodeConfigText } from '../src/config/decode.js'
import { ConfigError } from '../src/config/errors.js'

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part))
  )

function errorOf(input: Uint8Array): ConfigError {
  try {
    decodeConfigText(input, 'perfgate.yml')
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('decodeConfigText', () => {
  it('decodes UTF-8, including text after a byte order mark', () => {
    expect(decodeConfigText(bytes('name: café ✓\n'), 'f')).toBe('name: café ✓\n')
    expect(decodeConfigText(bytes([0xef, 0xbb, 0xbf], 'trials: 3\n'), 'f')).toBe('trials: 3\n')
  })

  it('names the file, line, column and byte offset of the first invalid sequence', () => {
    const error = errorOf(bytes('benchmarks:\n  - name: caf', [0xe9], '\n'))
    expect(error.message).toBe(
      'perfgate.yml:2:14: the config file is not valid UTF-8: byte 0xe9 at byte offset 25 starts an invalid sequence; expected UTF-8 text'
    )
    expect(error.issues).toHaveLength(1)
  })

  it('counts the byte order mark and a U+FFFD written in the file as bytes before the error', () => {
    const error = errorOf(bytes([0xef, 0xbb, 0xbf], 'a\uFFFDb', [0xc3, 0x28]))
    expect(error.message).toBe(
      'perfgate.yml:1:4: the config file is not valid UTF-8: byte 0xc3 at byte offset 8 starts an invalid sequence; expected UTF-8 text'
    )
  })

  it('reports a sequence cut off at the end of the file', () => {
    expect(errorOf(bytes('x: ', [0xe2, 0x82])).message).toBe(
      'perfgate.yml:1:4: the config file is not valid UTF-8: byte 0xe2 at byte offset 3 starts an invalid sequence; expected UTF-8 text'
    )
  })

  it('says when the file looks like UTF-16', () => {
    expect(errorOf(bytes([0xff, 0xfe, 0x61, 0x00])).message).toBe(
      'perfgate.yml:1:1: the config file is not valid UTF-8: byte 0xff at byte offset 0 starts an invalid sequence; expected UTF-8 text (the file looks like UTF-16; save it as UTF-8)'
    )
  })
})
