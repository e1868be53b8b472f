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

/** Parses and checks a `.cpuprofile`; errors name the source and the field. */
export function parseCpuProfile(text: string, source: string): CpuProfile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ProfileFormatError(`${source}: not JSON (${(error as Error).message})`)
  }
  const fail = (field: string, expected: string): never => {
    throw new ProfileFormatError(`${source}: ${field}: expected ${expected}`)
  }
  if (typeof data !== 'object' || data === null) return fail('(top)', 'an object')
  const p = data as Record<string, unknown>
  if (!Array.isArray(p.nodes) || p.nodes.length === 0) fail('nodes', 'a non-empty array')
  if (!isNumber(p.startTime)) fail('startTime', 'a number (microseconds)')
  if (!isNumber(p.endTime)) fail('endTime', 'a number (microseconds)')
  const ids = new Set<number>()
  ;(p.nodes as unknown[]).forEach((n, i) => {
    const node = n as Record<string, unknown> | null
    if (typeof node !== 'object' || node === null) return fail(`nodes[${i}]`, 'an object')
    if (!isNumber(node.id)) fail(`nodes[${i}].id`, 'a number')
    const frame = node.callFrame as Record<string, unknown> | undefined
    if (typeof frame !== 'object' || frame === null) fail(`nodes[${i}].callFrame`, 'an object')
    if (typeof frame!.functionName !== 'string') {
      fail(`nodes[${i}].callFrame.functionName`, 'a string')
    }
    if (typeof frame!.url !== 'string') fail(`nodes[${i}].callFrame.url`, 'a string')
    if (!isNumber(frame!.lineNumber)) fail(`nodes[${i}].callFrame.lineNumber`, 'a number')
    if (
      node.children !== undefined &&
      !(Array.isArray(node.children) && node.children.every(isNumber))
    ) {
      fail(`nodes[${i}].children`, 'an array of node ids')
    }
    ids.add(node.id as number)
  })
  if (p.samples !== undefined || p.timeDeltas !== undefined) {
    if (!Array.isArray(p.samples) || !p.samples.every((s) => ids.has(s as number))) {
      fail('samples', 'an array of node ids')
    }
    if (
      !Array.isArray(p.timeDeltas) ||
      p.timeDeltas.length !== (p.samples as unknown[]).length ||
      !p.timeDeltas.every(isNumber)
    ) {
      fail('timeDeltas', 'an array of numbers, one per sample')
    }
  }
  return data as CpuProfile
}
