/**
 * V8's CPU profile format (`.cpuprofile`, what `node --cpu-prof`, the inspector's
 * `Profiler.stop` and Chrome DevTools write): a call tree of nodes, and the sampled leaf
 * node with the time since the previous sample for every sample. Pure: the text comes in,
 * a checked profile comes out.
 */

export interface CallFrame {
  readonly functionName: string
  readonly scriptId?: string
  /** `file:///…`, an absolute path, `node:…` for Node's own modules, or empty (native). */
  readonly url: string
  /** 0-based; -1 when unknown. */
  readonly lineNumber: number
  readonly columnNumber: number
}

export interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly hitCount?: number
  readonly children?: readonly number[]
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  /** Microseconds on the machine's monotonic clock (process.hrtime / 1000). */
  readonly startTime: number
  readonly endTime: number
  /** The sampled node id of every sample. */
  readonly samples?: readonly number[]
  /** Microseconds from the previous sample (the first: from startTime). */
  readonly timeDeltas?: readonly number[]
}

export class ProfileFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProfileFormatError'
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * Limits of a profile perfgate reads. A profile comes from the code under test, so it is
 * untrusted: these keep a hostile one from costing more than a large real one. Two profiled
 * trials of a busy server at 100 µs sampling write a few MB and tens of thousands of nodes;
 * a JavaScript stack overflows near 11,000 frames with Node's default stack size.
 */
export const PROFILE_LIMITS = {
  bytes: 256 * 1024 * 1024,
  nodes: 1_000_000,
  samples: 20_000_000,
  depth: 20_000
} as const

/**
 * Parses and checks a `.cpuprofile`; errors name the source and the field. Beyond the
 * types, the call tree must be a tree: integer ids, each once; children that exist, each
 * with one parent and none its own ancestor; one root from which every node is reached
 * within PROFILE_LIMITS.depth; samples that name nodes. Every walk over a profile relies on
 * that (a cycle would never end), so nothing unchecked gets past here.
 */
export function parseCpuProfile(text: string, source: string): CpuProfile {
  const fail = (field: string, expected: string): never => {
    throw new ProfileFormatError(`${source}: ${field}: expected ${expected}`)
  }
  if (text.length > PROFILE_LIMITS.bytes) {
    fail('(file)', `at most ${PROFILE_LIMITS.bytes / 1024 / 1024} MiB of profile`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ProfileFormatError(`${source}: not JSON (${(error as Error).message})`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('(top)', 'an object')
  }
  const p = data as Record<string, unknown>
  if (!Array.isArray(p.nodes) || p.nodes.length === 0) fail('nodes', 'a non-empty array')
  const nodes = p.nodes as unknown[]
  if (nodes.length > PROFILE_LIMITS.nodes) {
    fail('nodes', `at most ${PROFILE_LIMITS.nodes} nodes, got ${nodes.length}`)
  }
  if (!isNumber(p.startTime)) fail('startTime', 'a number (microseconds)')
  if (!isNumber(p.endTime)) fail('endTime', 'a number (microseconds)')
  const index = new Map<number, number>()
  nodes.forEach((n, i) => {
    const node = n as Record<string, unknown> | null
    if (typeof node !== 'object' || node === null) return fail(`nodes[${i}]`, 'an object')
    if (!Number.isSafeInteger(node.id)) fail(`nodes[${i}].id`, 'an integer')
    if (index.has(node.id as number)) {
      fail(
        `nodes[${i}].id`,
        `a unique id (${node.id as number} is also nodes[${index.get(node.id as number)!}])`
      )
    }
    index.set(node.id as number, i)
    const frame = node.callFrame as Record<string, unknown> | undefined
    if (typeof frame !== 'object' || frame === null) fail(`nodes[${i}].callFrame`, 'an object')
    if (typeof frame!.functionName !== 'string') {
      fail(`nodes[${i}].callFrame.functionName`, 'a string')
    }
    if (typeof frame!.url !== 'string') fail(`nodes[${i}].callFrame.url`, 'a string')
    if (!isNumber(frame!.lineNumber)) fail(`nodes[${i}].callFrame.lineNumber`, 'a number')
    if (node.hitCount !== undefined && !(isNumber(node.hitCount) && node.hitCount >= 0)) {
      fail(`nodes[${i}].hitCount`, 'a number >= 0')
    }
    if (
      node.children !== undefined &&
      !(Array.isArray(node.children) && node.children.every((c) => Number.isSafeInteger(c)))
    ) {
      fail(`nodes[${i}].children`, 'an array of node ids')
    }
  })
  checkTree(nodes as ProfileNode[], index, fail)
  if (p.samples !== undefined || p.timeDeltas !== undefined) {
    if (!Array.isArray(p.samples)) return fail('samples', 'an array of node ids')
    if (p.samples.length > PROFILE_LIMITS.samples) {
      fail('samples', `at most ${PROFILE_LIMITS.samples} samples, got ${p.samples.length}`)
    }
    const unknown = p.samples.findIndex((s) => !index.has(s as number))
    if (unknown >= 0) fail(`samples[${unknown}]`, 'the id of a node')
    if (!Array.isArray(p.timeDeltas) || p.timeDeltas.length !== p.samples.length) {
      fail('timeDeltas', 'an array of numbers, one per sample')
    }
    const bad = (p.timeDeltas as unknown[]).findIndex((d) => !isNumber(d))
    if (bad >= 0) fail(`timeDeltas[${bad}]`, 'a finite number')
  }
  return data as CpuProfile
}

/**
 * Checks that the nodes form one tree (see parseCpuProfile), breadth first and without
 * recursion, so a hostile depth cannot overflow the stack either.
 */
function checkTree(
  nodes: readonly ProfileNode[],
  index: ReadonlyMap<number, number>,
  fail: (field: string, expected: string) => never
): void {
  const parentOf = new Map<number, number>()
  nodes.forEach((node, i) => {
    for (const child of node.children ?? []) {
      if (!index.has(child))
        fail(`nodes[${i}].children`, `ids of nodes (there is no node ${child})`)
      if (child === node.id) fail(`nodes[${i}].children`, `no node as its own child (${child})`)
      const earlier = parentOf.get(child)
      if (earlier !== undefined) {
        fail(
          `nodes[${i}].children`,
          `one parent per node (node ${child} is also a child of nodes[${earlier}])`
        )
      }
      parentOf.set(child, i)
    }
  })
  const roots = nodes.filter((node) => !parentOf.has(node.id))
  if (roots.length !== 1) {
    fail(
      'nodes',
      roots.length === 0
        ? 'one root node (every node is a child: the call tree has a cycle)'
        : `one root node, got ${roots.length} (ids ${roots
            .slice(0, 3)
            .map((r) => r.id)
            .join(', ')}${roots.length > 3 ? ', …' : ''})`
    )
  }
  const reached = new Set<number>()
  let level = [roots[0]!.id]
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > PROFILE_LIMITS.depth) {
      fail('nodes', `a call tree at most ${PROFILE_LIMITS.depth} deep`)
    }
    const next: number[] = []
    for (const id of level) {
      reached.add(id)
      for (const child of nodes[index.get(id)!]!.children ?? []) next.push(child)
    }
    level = next
  }
  if (reached.size !== nodes.length) {
    // One parent each and one root: what the root does not reach hangs in a cycle.
    const lost = nodes.findIndex((node) => !reached.has(node.id))
    fail(
      `nodes[${lost}]`,
      `a node reached from the root (node ${nodes[lost]!.id} is in a cycle of children)`
    )
  }
}
