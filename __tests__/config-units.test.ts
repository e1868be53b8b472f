import { parseDuration, parsePercent, parseSize, parseWholeNumber } from '../src/config/units.js'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120000],
    ['250us', 0.25],
    ['100ns', 0.0001]
  ])('%s is %d ms', (text, ms) => {
    const parsed = parseDuration(text)
    expect(parsed.ok && parsed.value).toBeCloseTo(ms, 12)
  })

  it.each(['5 sec', '5', 'fast', '-1s', ''])('rejects %j', (text) => {
    expect(parseDuration(text)).toEqual({
      ok: false,
      expected: 'a duration like "500ms", "5s" or "1m"'
    })
  })

  it('rejects a bare number', () => {
    expect(parseDuration(5).ok).toBe(false)
  })
})

describe('parsePercent and parseSize', () => {
  it('parses percentages into fractions', () => {
    expect(parsePercent('5%')).toEqual({ ok: true, value: 0.05 })
    expect(parsePercent('5')).toEqual({ ok: false, expected: 'a percentage like "5%"' })
  })

  it('parses sizes into bytes', () => {
    expect(parseSize('300MB')).toEqual({ ok: true, value: 300e6 })
    expect(parseSize('1MiB')).toEqual({ ok: true, value: 1048576 })
    expect(parseSize('12 parsecs').ok).toBe(false)
  })
})

describe('parseWholeNumber', () => {
  it.each([
    ['10', 10],
    ['0', 0],
    ['007', 7],
    ['9007199254740991', 2 ** 53 - 1]
  ])('%j is %d', (text, value) => {
    expect(parseWholeNumber(text)).toEqual({ ok: true, value })
  })

  // What Number() reads as a number, and a few more: only decimal digits are a count.
  it.each([
    '0x10',
    '1e1',
    '0b11',
    '0o7',
    '10.0',
    '+10',
    '-1',
    ' 10',
    '10 ',
    '',
    'Infinity',
    '１０',
    '9007199254740993'
  ])('rejects %j', (text) => {
    expect(parseWholeNumber(text)).toEqual({
      ok: false,
      expected: 'a whole number in decimal digits, like "10"'
    })
  })

  it('rejects a number that is not text', () => {
    expect(parseWholeNumber(10).ok).toBe(false)
  })
})
