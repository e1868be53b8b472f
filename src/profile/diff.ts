/**
 * Base against head, function by function (pure): how much self time per unit of work each
 * function gained, and its share of the whole change. Ranked by self time, so the function
 * that got slower comes first rather than every caller above it (their total time grows
 * with it).
 *
 * Node's own machinery (its modules and the native calls they make: HTTP parsing, streams,
 * socket writes) is not ranked with the application's functions but given as one figure of
 * its own. Its cost per request moves with things other than the code: how the load's
 * requests fall into event-loop turns, and where the OS placed the server against the load
 * generator. Between two identical servers measured as an interleaved pair, its socket
 * writes alone took 23 µs per request on one and 46 µs on the other, more than a +10 %
 * change in the application moved its largest function (docs/PERFORMANCE.md).
 */
import type { FunctionId, ProfileTable } from './aggregate.js'

export interface FunctionChange extends FunctionId {
  /** Self µs per unit on base (0 when new). */
  readonly base: number
  readonly head: number
  /** head − base, µs per unit. */
  readonly delta: number
  /** delta / the whole change in CPU time per unit; undefined when that did not grow. */
  readonly share: number | undefined
  /** Not sampled on base at all. */
  readonly isNew: boolean
}

export interface ProfileDiff {
  readonly unit: string
  /** CPU µs per unit on each side (idle excluded). */
  readonly baseCpu: number
  readonly headCpu: number
  /** The application's functions whose self time per unit grew, most first. */
  readonly grew: readonly FunctionChange[]
  /** Node's own machinery, self µs per unit on each side; absent when neither ran it. */
  readonly node?: { readonly base: number; readonly head: number }
  /** Profiles behind each side: samples and units of work. */
  readonly baseSamples: number
  readonly headSamples: number
}

export interface DiffOptions {
  /** Growth below this share of base's CPU per unit is noise, not listed (default 0.5 %). */
  readonly minShareOfBase?: number
}

export function diffProfiles(
  base: ProfileTable,
  head: ProfileTable,
  options: DiffOptions = {}
): ProfileDiff {
  const minShare = options.minShareOfBase ?? 0.005
  const onBase = new Map(base.functions.map((f) => [f.key, f]))
  const change = head.cpu - base.cpu
  const grew: FunctionChange[] = []
  let node: { base: number; head: number } | undefined
  const nodeOf = (table: ProfileTable) => table.functions.find((f) => f.kind === 'node')?.self
  if (nodeOf(base) !== undefined || nodeOf(head) !== undefined) {
    node = { base: nodeOf(base) ?? 0, head: nodeOf(head) ?? 0 }
  }
  for (const f of head.functions) {
    if (f.kind === 'node') continue
    const was = onBase.get(f.key)
    const delta = f.self - (was?.self ?? 0)
    if (delta <= 0 || delta < minShare * base.cpu) continue
    grew.push({
      key: f.key,
      name: f.name,
      kind: f.kind,
      ...(f.file !== undefined ? { file: f.file } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      base: was?.self ?? 0,
      head: f.self,
      delta,
      share: change > 0 ? delta / change : undefined,
      isNew: was === undefined
    })
  }
  grew.sort((a, b) => b.delta - a.delta || a.key.localeCompare(b.key))
  return {
    unit: head.unit,
    baseCpu: base.cpu,
    headCpu: head.cpu,
    grew,
    ...(node ? { node } : {}),
    baseSamples: base.samples,
    headSamples: head.samples
  }
}
