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
import { printable } from '../config/errors.js'
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

/** The longest function name and file a report shows (a terminal prints them whole). */
export const SHOWN_NAME_LENGTH = 120
export const SHOWN_FILE_LENGTH = 200

/**
 * A function's name or file as every output shows it (terminal, markdown, flame graph).
 * Profiles come from the code under test, so this is untrusted text: control characters,
 * line separators and bidirectional overrides (which reorder what a reader sees) are
 * written as visible `\uXXXX` escapes, and long text is cut with an ellipsis.
 */
export function shownProfileText(text: string, max: number): string {
  const chars = Array.from(printable(text))
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('')
}

/**
 * Where a call frame's function lives, as it is reported. Keys hold the exact text (two
 * functions stay apart however alike they look); names and files are made safe to show.
 */
export function identify(frame: CallFrame, options: AggregateOptions): FunctionId | null {
  const found = identifyRaw(frame, options)
  if (found === null || found.kind === 'vm' || found.kind === 'node') return found
  return {
    ...found,
    name: shownProfileText(found.name, SHOWN_NAME_LENGTH),
    ...(found.file !== undefined ? { file: shownProfileText(found.file, SHOWN_FILE_LENGTH) } : {})
  }
}

function identifyRaw(frame: CallFrame, options: AggregateOptions): FunctionId | null {
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
 * One profile's nodes as functions and as places in the merged call tree. Each node is
 * worked out once, top-down from its nearest known ancestor, without recursion: the cost is
 * linear in the nodes however deep the tree (parseCpuProfile checked it is a tree).
 */
class NodeIndex {
  private readonly nodes: Map<number, ProfileNode>
  private readonly parent = new Map<number, number>()
  private readonly ids = new Map<number, FunctionId | null>()
  private readonly places = new Map<number, MutableTree>()

  constructor(
    profile: CpuProfile,
    private readonly tree: MutableTree,
    private readonly options: AggregateOptions
  ) {
    this.nodes = new Map(profile.nodes.map((node) => [node.id, node]))
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) this.parent.set(child, node.id)
    }
  }

  /** `nodeId` and its ancestors up to the first one `known` has, nearest first. */
  private unknownChain(nodeId: number, known: Map<number, unknown>): number[] {
    const chain: number[] = []
    for (let at: number | undefined = nodeId; at !== undefined && !known.has(at);) {
      chain.push(at)
      at = this.parent.get(at)
    }
    return chain
  }

  /** The function a node is counted as (null: idle, the root). */
  idOf(nodeId: number): FunctionId | null {
    const chain = this.unknownChain(nodeId, this.ids)
    for (let i = chain.length - 1; i >= 0; i--) {
      const at = chain[i]!
      let id = identify(this.nodes.get(at)!.callFrame, this.options)
      // A native function called by Node's own modules is part of Node's machinery.
      const up = this.parent.get(at)
      if (id?.kind === 'native' && up !== undefined && this.ids.get(up)?.kind === 'node') {
        id = NODE_INTERNALS
      }
      this.ids.set(at, id)
    }
    return this.ids.get(nodeId)!
  }

  /**
   * The node's place in the merged tree: its stack from the root down, idle frames left
   * out and consecutive frames of one function merged.
   */
  placeOf(nodeId: number): MutableTree {
    const chain = this.unknownChain(nodeId, this.places)
    for (let i = chain.length - 1; i >= 0; i--) {
      const at = chain[i]!
      const up = this.parent.get(at)
      const above = up === undefined ? this.tree : this.places.get(up)!
      const id = this.idOf(at)
      let place = above
      if (id !== null && above.id.key !== id.key) {
        place = above.children.get(id.key) ?? newTree(id)
        above.children.set(id.key, place)
      }
      this.places.set(at, place)
    }
    return this.places.get(nodeId)!
  }
}

/** Every node of a tree, parents before their children (iterative: any depth). */
function preorder<T>(root: T, childrenOf: (node: T) => Iterable<T>): T[] {
  const out: T[] = []
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    out.push(node)
    const children = [...childrenOf(node)]
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
  return out
}

/**
 * A call tree rebuilt with new figures (children before parents, no recursion); children
 * sorted by total time, largest first.
 */
export function mapTree<T extends { readonly id: FunctionId }>(
  root: T,
  childrenOf: (node: T) => Iterable<T>,
  figures: (node: T) => { readonly self: number; readonly total: number }
): CallTree {
  const order = preorder(root, childrenOf)
  const built = new Map<T, CallTree>()
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!
    const children = [...childrenOf(node)]
      .map((child) => built.get(child)!)
      .sort((a, b) => b.total - a.total)
    for (const child of childrenOf(node)) built.delete(child)
    built.set(node, { id: node.id, ...figures(node), children })
  }
  return built.get(root)!
}

const mutableChildren = (node: MutableTree) => node.children.values()

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
  const tree = newTree(ROOT_ID)
  let cpu = 0
  let samples = 0
  for (const input of inputs) {
    const { byNode, samples: n } = sampledTime(input)
    samples += n
    const index = new NodeIndex(input.profile, tree, options)
    for (const [nodeId, us] of byNode) {
      const leaf = index.idOf(nodeId)
      if (leaf === null || us <= 0) continue // idle
      cpu += us
      self.set(leaf.key, (self.get(leaf.key) ?? 0) + us)
      index.placeOf(nodeId).self += us
    }
  }
  const merged = preorder(tree, mutableChildren)
  for (let i = merged.length - 1; i >= 0; i--) {
    const node = merged[i]!
    node.total = node.self
    for (const child of node.children.values()) node.total += child.total
  }
  // A function's total counts each stack once: only where it is not already on the stack
  // above (recursion), from the merged tree walked with the functions on the path counted.
  const total = new Map<string, number>()
  const ids = new Map<string, FunctionId>()
  const onPath = new Map<string, number>()
  const stack: { node: MutableTree; leaving: boolean }[] = [{ node: tree, leaving: false }]
  while (stack.length > 0) {
    const { node, leaving } = stack.pop()!
    const key = node.id.key
    if (leaving) {
      onPath.set(key, onPath.get(key)! - 1)
      continue
    }
    if (node !== tree) {
      if (!ids.has(key)) ids.set(key, node.id)
      if (!onPath.get(key)) total.set(key, (total.get(key) ?? 0) + node.total)
    }
    onPath.set(key, (onPath.get(key) ?? 0) + 1)
    stack.push({ node, leaving: true })
    for (const child of node.children.values()) stack.push({ node: child, leaving: false })
  }
  const functions = [...total.keys()]
    .map((key) => ({
      ...ids.get(key)!,
      self: (self.get(key) ?? 0) * perUnit,
      total: total.get(key)! * perUnit
    }))
    .sort((a, b) => b.self - a.self || b.total - a.total || a.key.localeCompare(b.key))
  return {
    unit,
    units,
    cpu: cpu * perUnit,
    samples,
    functions,
    tree: mapTree(tree, mutableChildren, (t) => ({
      self: t.self * perUnit,
      total: t.total * perUnit
    }))
  }
}

/**
 * A side's table scaled so that its CPU time per unit is `cpuPerUnit` (µs): the shares
 * between functions from the profile, the magnitude from the measured trials.
 */
export function scaleTable(table: ProfileTable, cpuPerUnit: number): ProfileTable {
  if (!(table.cpu > 0) || !(cpuPerUnit > 0)) return table
  const k = cpuPerUnit / table.cpu
  return {
    ...table,
    cpu: cpuPerUnit,
    functions: table.functions.map((f) => ({ ...f, self: f.self * k, total: f.total * k })),
    tree: mapTree(
      table.tree,
      (t) => t.children,
      (t) => ({ self: t.self * k, total: t.total * k })
    )
  }
}
