import { readFileSync, writeFileSync } from 'node:fs'
import { renderTerminalReport } from '../src/report/terminal.js'
import { formatBytes, formatDuration, formatRate } from '../src/report/format.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'

const GOLDEN = new URL('../__fixtures__/report/terminal.golden.txt', import.meta.url)

describe('renderTerminalReport', () => {
  it('matches the golden file (UPDATE_GOLDEN=1 npm test rewrites it)', () => {
    const report = renderTerminalReport(SAMPLE_RESULTS)
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, report)
    expect(report).toBe(readFileSync(GOLDEN, 'utf8'))
  })
})

describe('units', () => {
  it.each([
    [0.00000043, '0.43 ns'],
    [0.000431, '431 ns'],
    [0.0123, '12.3 µs'],
    [1.5, '1.50 ms'],
    [842, '842 ms'],
    [61_000, '61.0 s'],
    [0, '0 ms'],
    [0.9996, '1.00 ms'],
    [0.9994, '999 µs'],
    [999.7, '1.00 s']
  ])('duration %d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text))

  it('formats rates and sizes', () => {
    expect(formatRate(2_279_579)).toBe('2.28 M ops/s')
    expect(formatRate(45_100)).toBe('45.1 k ops/s')
    expect(formatRate(1089.4)).toBe('1089 ops/s')
    expect(formatRate(12.345)).toBe('12.3 ops/s')
    expect(formatBytes(90_300_000)).toBe('90.3 MB')
    expect(formatBytes(-154_000)).toBe('-154 kB')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(999_700)).toBe('1.00 MB')
    expect(formatRate(999_700)).toBe('1.00 M ops/s')
    expect(formatRate(9_999.7)).toBe('10.0 k ops/s')
  })
})
