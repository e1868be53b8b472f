/** Numbers with units a human reads: ns/µs/ms/s, ops/s, B/kB/MB (pure). */
import { METRICS, type MetricInfo, type MetricName } from '../metrics.js'

/** Three significant digits without exponent notation. */
export function threeDigits(value: number): string {
  const abs = Math.abs(value)
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : 2
  return value.toFixed(decimals)
}

/** A duration given in milliseconds. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms)
  if (abs === 0) return '0 ms'
  if (abs < 1e-3) return `${threeDigits(ms * 1e6)} ns`
  if (abs < 1) return `${threeDigits(ms * 1e3)} µs`
  if (abs < 1000) return `${threeDigits(ms)} ms`
  return `${threeDigits(ms / 1000)} s`
}

export function formatRate(perSecond: number, unit = 'ops/s'): string {
  const abs = Math.abs(perSecond)
  if (abs >= 1e9) return `${threeDigits(perSecond / 1e9)} G ${unit}`
  if (abs >= 1e6) return `${threeDigits(perSecond / 1e6)} M ${unit}`
  if (abs >= 1e4) return `${threeDigits(perSecond / 1e3)} k ${unit}`
  return `${abs >= 100 ? Math.round(perSecond) : threeDigits(perSecond)} ${unit}`
}

/** Bytes in decimal units (kB = 1000 B), as memory figures are usually quoted. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes)
  if (abs >= 1e9) return `${threeDigits(bytes / 1e9)} GB`
  if (abs >= 1e6) return `${threeDigits(bytes / 1e6)} MB`
  if (abs >= 1e3) return `${threeDigits(bytes / 1e3)} kB`
  return `${Math.round(bytes)} B`
}

export function formatCount(count: number): string {
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
