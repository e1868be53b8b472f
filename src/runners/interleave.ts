/**
 * The order of an interleaved pair's slices: first, second, second, first, … (ABBA, so
 * neither side is always the one just after the other), skipping a side that has had its
 * slices or can no longer run.
 */
import type { BenchmarkConfig, BenchmarkSpec, HttpSpec } from '../config/types.js'
import type { Side } from './types.js'

/** The side of slice `k` (from 0), or undefined when neither side wants one. */
export function sliceSide(
  k: number,
  first: Side,
  wanted: (side: Side) => boolean
): Side | undefined {
  const second: Side = first === 'base' ? 'head' : 'base'
  const side = k % 4 === 0 || k % 4 === 3 ? first : second
  if (wanted(side)) return side
  const other = side === first ? second : first
  return wanted(other) ? other : undefined
}

/**
 * Whether an HTTP benchmark's pairs run interleaved: unless configured off, and never at a
 * fixed rate (autocannon's rate is a per-second quota: every slice would get a second's).
 */
export function httpPairsInterleave(base: HttpSpec, head: HttpSpec): boolean {
  if (!base.load.interleave || !head.load.interleave) return false
  return base.load.rate === undefined && head.load.rate === undefined
}

/** A pair's two sides with their specs narrowed to one kind (the runners' pair input). */
export function pairSides<S extends BenchmarkSpec>(
  pair: Readonly<Record<Side, BenchmarkConfig>>,
  base: S,
  head: S
): Record<Side, { benchmark: BenchmarkConfig; spec: S }> {
  return { base: { benchmark: pair.base, spec: base }, head: { benchmark: pair.head, spec: head } }
}
