/**
 * CPU profiles → time by function (pure). Every sample's time goes to the function it hit
 * (self) and once to every distinct function on its stack (total). Functions are named by
 * where they live: the repository's own code by name and file relative to the repository,
 * dependencies under node_modules as one entry per package, Node's own modules as one
 * entry (with the native calls they make: a socket's `writev` is Node's HTTP machinery,
 * not a function of the application), V8 builtins by name, garbage collection and
 * unattributed VM time as their own entries; idle time is left out. Times are per unit of work (an operation, a request, a
 * run), so two sides that did different amounts of work compare.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CallFrame, CpuProfile, ProfileNode } from './cpuprofile.js'

export type FunctionKind = 'code' | 'dependency' | 'node' | 'native' | 'vm'

export interface FunctionId {
  /** What base and head are matched by: kind, file and name (not the line, which moves). */
  readonly key: string
  readonly name: string
  /** Relative to the repository (code), the package (dependency); absent otherwise. */
  readonly file?: string
  /** 1-based line of the function's start (code only). */
  readonly line?: number
  readonly kind: FunctionKind
}

export interface FunctionTime extends FunctionId {
  /** Microseconds per unit with this function on top of the stack. */
  readonly self: number
  /** Microseconds per unit with this function anywhere on the stack. */
  readonly total: number
}

/** A call tree merged by function (for the flame graph); times per unit. */
export interface CallTree {
  readonly id: FunctionId
  readonly self: number
  readonly total: number
  readonly children: readonly CallTree[]
}

export interface ProfileTable {
  /** What one unit is: 'op' (function benchmarks), 'request' (HTTP), 'run' (commands). */
  readonly unit: string
  /** Units of work in the profiled window (summed over the profiles). */
  readonly units: number
  /** Sampled CPU time per unit, idle excluded (µs). */
  readonly cpu: number
  readonly samples: number
  /** Sorted by self time, largest first. */
  readonly functions: readonly FunctionTime[]
  readonly tree: CallTree
}

export interface AggregateOptions {
  /** Absolute root of the checkout (files are shown relative to it). */
  readonly root: string
  /** Absolute directories shown as one entry with this label (perfgate's own harness). */
  readonly groups?: readonly { readonly dir: string; readonly label: string }[]
}

/** A span of the measured work, [fromUs, toUs] on the monotonic clock (µs) of V8's profiles. */
export interface ProfileWindow {
  readonly fromUs: number
  readonly toUs: number
}

/**
 * One profile, optionally only the samples taken inside `windows` (the measured load, or
 * the slices of an interleaved pair that were this side's).
 */
export interface ProfileInput {
  readonly profile: CpuProfile
  readonly windows?: readonly ProfileWindow[]
  /**
   * Multiplies the sampled times: set so that they add up to CPU time measured another way
   * (see scaleToMeasured); samples then only say how that time divides between functions.
   */
  readonly scale?: number
}

/** Node's own modules (and the native calls they make), one entry. */
export const NODE_INTERNALS: FunctionId = { key: 'node:', name: '(node internals)', kind: 'node' }

const SPECIAL: Record<string, FunctionId | null> = {
  '(root)': null,
  '(idle)': null,
  '(program)': { key: 'vm:(program)', name: '(program)', kind: 'vm' },
  '(garbage collector)': { key: 'vm:(garbage collector)', name: '(garbage collector)', kind: 'vm' }
}

function filePath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url)
    } catch {
      return undefined
    }
  }
  return path.isAbsolute(url) ? url : undefined
}

/** The package a path under node_modules belongs to (`@scope/name` or `name`). */
export function packageOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/)
  const at = parts.lastIndexOf('node_modules')
  if (at < 0 || at + 1 >= parts.length) return undefined
  const first = parts[at + 1]!
  return first.startsWith('@') && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first
}

/** Where a call frame's function lives, as it is reported. */
export function identify(frame: CallFrame, options: AggregateOptions): FunctionId | null {
  const name = frame.functionName || '(anonymous)'
  if (frame.url === '' && frame.functionName in SPECIAL) return SPECIAL[frame.functionName]!
  if (frame.url.startsWith('node:') || /^(internal\/|node_modules\/undici)/.test(frame.url)) {
    return NODE_INTERNALS
  }
  const file = filePath(frame.url)
  if (file === undefined) {
    if (frame.url === '') return { key: `native:${name}`, name, kind: 'native' }
    // evaluated code, wasm, data: URLs
    return { key: `other:${frame.url}:${name}`, name, file: frame.url, kind: 'code' }
  }
  const pkg = packageOf(file)
  if (pkg !== undefined) return { key: `dep:${pkg}`, name: pkg, kind: 'dependency' }
  for (const group of options.groups ?? []) {
    const rel = path.relative(group.dir, file)
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      return { key: `group:${group.label}`, name: group.label, kind: 'vm' }
    }
  }
  const relative = path.relative(options.root, file).split(path.sep).join('/')
  const shown = relative.startsWith('..') ? file : relative
  return {
    key: `code:${shown}:${name}`,
    name,
    file: shown,
    ...(frame.lineNumber >= 0 ? { line: frame.lineNumber + 1 } : {}),
    kind: 'code'
  }
}

/**
 * Microseconds each node was sampled on top of the stack (within the windows). Every sample
 * counts as the profile's typical interval (the median gap between samples), not as the
 * gap before the next one: V8 takes a sample on the profiled thread, so a thread the
 * machine did not schedule for a while leaves a long gap that is not CPU time of the
 * function it was in. On a busy machine that keeps other processes' load out of the figures.
 */
function sampledTime(input: ProfileInput): { byNode: Map<number, number>; samples: number } {
  const { profile, windows } = input
  const inWindows = (at: number) => !windows || windows.some((w) => at >= w.fromUs && at <= w.toUs)
  const byNode = new Map<number, number>()
  let samples = 0
  const add = (id: number, us: number) => byNode.set(id, (byNode.get(id) ?? 0) + us)
  if (profile.samples && profile.timeDeltas && profile.samples.length > 0) {
    const ids = profile.samples
    const deltas = profile.timeDeltas
    const gaps = deltas.filter((d) => d > 0).sort((a, b) => a - b)
    const interval = gaps.length > 0 ? gaps[Math.floor((gaps.length - 1) / 2)]! : 0
    let at = profile.startTime
    for (let i = 0; i < ids.length; i++) {
      at += deltas[i]!
      if (!inWindows(at)) continue
      add(ids[i]!, interval * (input.scale ?? 1))
      samples++
    }
    return { byNode, samples }
  }
  // Older profiles: hit counts only, spread over the profile's duration.
  const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0)
  const each = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0
  for (const n of profile.nodes) if (n.hitCount) add(n.id, n.hitCount * each * (input.scale ?? 1))
  return { byNode, samples: hits }
}

const isIdle = (frame: CallFrame) =>
  frame.url === '' && (frame.functionName === '(idle)' || frame.functionName === '(root)')

/**
 * The profiles of one trial scaled so that their sampled CPU time (idle excluded) equals
 * `measuredUs`, the CPU time the trial measured for the same work (the worker's time per
 * operation × operations; the server's CPU from the kernel). On a busy machine the
 * sampler misses samples unevenly from trial to trial; the shares it finds between
 * functions hold, the absolute figures come from the measurement.
 */
export function scaleToMeasured(
  inputs: readonly ProfileInput[],
  measuredUs: number
): ProfileInput[] {
  let sampled = 0
  for (const input of inputs) {
    const nodes = new Map(input.profile.nodes.map((n) => [n.id, n]))
    for (const [id, us] of sampledTime({ ...input, scale: 1 }).byNode) {
      if (!isIdle(nodes.get(id)!.callFrame)) sampled += us
    }
  }
  if (!(sampled > 0) || !(measuredUs > 0)) return [...inputs]
  return inputs.map((input) => ({ ...input, scale: measuredUs / sampled }))
}

interface MutableTree {
  id: FunctionId
  self: number
  total: number
  children: Map<string, MutableTree>
}

const newTree = (id: FunctionId): MutableTree => ({ id, self: 0, total: 0, children: new Map() })
const ROOT_ID: FunctionId = { key: 'root', name: '(all)', kind: 'vm' }

/**
 * Aggregates the profiles of one side (several trials, several processes) into time per
 * function per unit of work.
 */
export function aggregateProfiles(
  inputs: readonly ProfileInput[],
  units: number,
  unit: string,
  options: AggregateOptions
): ProfileTable {
  const perUnit = units > 0 ? 1 / units : 0
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  const ids = new Map<string, FunctionId>()
  const tree = newTree(ROOT_ID)
  let cpu = 0
  let samples = 0
  for (const input of inputs) {
    const { byNode, samples: n } = sampledTime(input)
    samples += n
    const nodes = new Map<number, ProfileNode>(input.profile.nodes.map((node) => [node.id, node]))
    const parent = new Map<number, number>()
    for (const node of input.profile.nodes) {
      for (const child of node.children ?? []) parent.set(child, node.id)
    }
    const idCache = new Map<number, FunctionId | null>()
    const idOf = (nodeId: number): FunctionId | null => {
      if (!idCache.has(nodeId)) {
        let id = identify(nodes.get(nodeId)!.callFrame, options)
        // A native function called by Node's own modules is part of Node's machinery.
        const up = parent.get(nodeId)
        if (id?.kind === 'native' && up !== undefined && idOf(up)?.kind === 'node') {
          id = NODE_INTERNALS
        }
        idCache.set(nodeId, id)
      }
      return idCache.get(nodeId)!
    }
    for (const [nodeId, us] of byNode) {
      const leaf = idOf(nodeId)
      if (leaf === null || us <= 0) continue // idle
      cpu += us
      ids.set(leaf.key, leaf)
      self.set(leaf.key, (self.get(leaf.key) ?? 0) + us)
      // The stack from the root down, consecutive frames of one function merged.
      const stack: FunctionId[] = []
      for (let at: number | undefined = nodeId; at !== undefined; at = parent.get(at)) {
        const id = idOf(at)
        if (id !== null && stack[stack.length - 1]?.key !== id.key) stack.push(id)
      }
      stack.reverse()
      const seen = new Set<string>()
      for (const id of stack) {
        if (seen.has(id.key)) continue
        seen.add(id.key)
        ids.set(id.key, ids.get(id.key) ?? id)
        total.set(id.key, (total.get(id.key) ?? 0) + us)
      }
      let node = tree
      node.total += us
      for (const id of stack) {
        let child = node.children.get(id.key)
        if (!child) node.children.set(id.key, (child = newTree(id)))
        child.total += us
        node = child
      }
      node.self += us
    }
  }
  const functions = [...total.keys()]
    .map((key) => ({
      ...ids.get(key)!,
      self: (self.get(key) ?? 0) * perUnit,
      total: total.get(key)! * perUnit
    }))
    .sort((a, b) => b.self - a.self || b.total - a.total || a.key.localeCompare(b.key))
  const freeze = (t: MutableTree): CallTree => ({
    id: t.id,
    self: t.self * perUnit,
    total: t.total * perUnit,
    children: [...t.children.values()].sort((a, b) => b.total - a.total).map(freeze)
  })
  return { unit, units, cpu: cpu * perUnit, samples, functions, tree: freeze(tree) }
}

/**
 * A side's table scaled so that its CPU time per unit is `cpuPerUnit` (µs): the shares
 * between functions from the profile, the magnitude from the measured trials.
 */
export function scaleTable(table: ProfileTable, cpuPerUnit: number): ProfileTable {
  if (!(table.cpu > 0) || !(cpuPerUnit > 0)) return table
  const k = cpuPerUnit / table.cpu
  const tree = (t: CallTree): CallTree => ({
    id: t.id,
    self: t.self * k,
    total: t.total * k,
    children: t.children.map(tree)
  })
  return {
    ...table,
    cpu: cpuPerUnit,
    functions: table.functions.map((f) => ({ ...f, self: f.self * k, total: f.total * k })),
    tree: tree(table.tree)
  }
}
