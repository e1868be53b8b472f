/** Numbers with units a human reads: ns/µs/ms/s, ops/s, B/kB/MB (pure). */
import { METRICS, type MetricInfo, type MetricName } from '../metrics.js'
import { CONFIDENCE_LEVEL } from '../stats/confidence.js'

/** The confidence level of the reported intervals as the report writes it: "95 %". */
export const CONFIDENCE_PERCENT = `${Number((CONFIDENCE_LEVEL * 100).toPrecision(12))} %`
/** The heading of interval columns: "95 % CI". */
export const CI_LABEL = `${CONFIDENCE_PERCENT} CI`

/** Three significant digits without exponent notation. */
export function threeDigits(value: number): string {
  const rounded = Number(value.toPrecision(3))
  const abs = Math.abs(rounded)
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : 2
  return rounded.toFixed(decimals)
}

/**
 * A value in the largest unit that keeps it at or above 1 after rounding to three
 * significant digits (so 0.9996 ms is "1.00 ms", not "1000 µs").
 */
function scaled(value: number, units: readonly (readonly [number, string])[]): string {
  const abs = Math.abs(value)
  for (const [size, unit] of units) {
    if (abs >= size * 0.9995 || size === units[units.length - 1]![0]) {
      return `${threeDigits(value / size)} ${unit}`
    }
  }
  return `${threeDigits(value)}`
}

const DURATION_UNITS = [
  [1000, 's'],
  [1, 'ms'],
  [1e-3, 'µs'],
  [1e-6, 'ns']
] as const

/** A duration given in milliseconds. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0 ms'
  return scaled(ms, DURATION_UNITS)
}

export function formatRate(perSecond: number, unit = 'ops/s'): string {
  const abs = Math.abs(perSecond)
  if (abs < 9999.5) return `${abs >= 100 ? Math.round(perSecond) : threeDigits(perSecond)} ${unit}`
  return scaled(perSecond, [
    [1e9, `G ${unit}`],
    [1e6, `M ${unit}`],
    [1e3, `k ${unit}`]
  ])
}

/** Bytes in decimal units (kB = 1000 B), as memory figures are usually quoted. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 999.5) return `${Math.round(bytes)} B`
  return scaled(bytes, [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB']
  ])
}

export function formatCount(count: number): string {
  // Instruction counts run to millions: whole numbers in groups of three read at a glance.
  if (Math.abs(count) >= 10_000) return Math.round(count).toLocaleString('en-US')
  return Number.isInteger(count) ? String(count) : count.toFixed(1)
}

/** A metric's value in its unit. */
export function formatMetric(metric: MetricName, value: number): string {
  switch (METRICS[metric].unit) {
    case 'duration':
      return formatDuration(value)
    case 'rate':
      return formatRate(value, (METRICS[metric] as MetricInfo).per)
    case 'bytes':
      return formatBytes(value)
    case 'count':
      return formatCount(value)
    case 'share':
      return formatPercent(value)
  }
}

/** A relative figure such as a spread: 0.0123 → "1.2 %". */
export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)} %`
}
