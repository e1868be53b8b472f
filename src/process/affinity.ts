/**
 * CPUs for an HTTP trial (Linux): the load generator (perfgate's own process) on the first
 * CPU perfgate may use, the server's process tree on the others, so the two never compete
 * for a core and the OS never moves one onto the other's. Unpinned on a 2-core runner, a
 * server's CPU per request depended on where it landed: the same server's socket writes
 * cost twice as much in one process as in another, and the A/A spread of an endpoint's
 * CPU per request (about 1.7 ms each) fell by about half once pinned (docs/PERFORMANCE.md). Uses util-linux's `taskset`; elsewhere, or
 * with fewer than two CPUs, nothing is pinned.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

export interface CpuSplit {
  /** CPU list (taskset's -c syntax) for perfgate's load generator. */
  readonly loadgen: string
  /** CPU list for the server's process tree. */
  readonly server: string
  /** perfgate's own CPU list before pinning, restored after the trial. */
  readonly all: string
  /** The taskset executable. */
  readonly taskset: string
}

/** "0-2,5" → [0, 1, 2, 5]; undefined when it is not a CPU list. */
export function parseCpuList(text: string): number[] | undefined {
  const cpus: number[] = []
  for (const part of text.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!range) return undefined
    const from = Number(range[1])
    const to = range[2] === undefined ? from : Number(range[2])
    if (to < from) return undefined
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu)
  }
  return cpus.length > 0 ? cpus : undefined
}

/** The split of `cpus` (the CPUs allowed): the first for load, the rest for the server. */
export function splitCpus(cpus: readonly number[], taskset: string): CpuSplit | undefined {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b)
  if (sorted.length < 2) return undefined
  return {
    loadgen: String(sorted[0]),
    server: sorted.slice(1).join(','),
    all: sorted.join(','),
    taskset
  }
}

function findTaskset(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const file = path.join(dir, 'taskset')
    if (existsSync(file)) return file
  }
  return undefined
}

/** Whether taskset can run a process on the server's CPUs. */
function works(split: CpuSplit): boolean {
  const probe = spawnSync(split.taskset, ['-c', split.server, 'true'], {
    stdio: 'ignore',
    timeout: 5000
  })
  return probe.status === 0
}

/** The CPUs this process may run on now, as the kernel lists them ("0-3"); Linux only. */
export function ownCpuList(): string | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    return /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1]?.trim()
  } catch {
    return undefined
  }
}

let cached: CpuSplit | null | undefined

/** This process's split (read once), or undefined where nothing can be pinned. */
export function cpuSplit(): CpuSplit | undefined {
  if (cached === undefined) {
    cached = null
    if (process.platform === 'linux') {
      const taskset = findTaskset()
      const list = ownCpuList()
      const allowed = list === undefined ? undefined : parseCpuList(list)
      const split = taskset && allowed ? splitCpus(allowed, taskset) : undefined
      // Only where taskset may set CPUs here (a sandbox can forbid it): a server started
      // through a taskset that fails would never start.
      if (split && works(split)) cached = split
    }
  }
  return cached ?? undefined
}

/** The command line that starts `command args…` on the server's CPUs. */
export function onServerCpus(
  split: CpuSplit | undefined,
  command: string,
  args: readonly string[]
): { command: string; args: string[] } {
  return split
    ? { command: split.taskset, args: ['-c', split.server, command, ...args] }
    : { command, args: [...args] }
}

/** Sets every thread of this process to `cpus`; false when taskset refused. */
function pinSelf(split: CpuSplit, cpus: string): boolean {
  const done = spawnSync(split.taskset, ['-a', '-p', '-c', cpus, String(process.pid)], {
    stdio: 'ignore',
    timeout: 5000
  })
  return done.status === 0
}

let pinnedUsers = 0

/**
 * Runs `work` with perfgate's own process on the load generator's CPU, restoring its
 * CPUs afterwards (nested and concurrent calls share one pinning).
 */
export async function withLoadgenPinned<T>(
  split: CpuSplit | undefined,
  work: () => Promise<T>
): Promise<T> {
  if (!split) return work()
  if (pinnedUsers++ === 0) pinSelf(split, split.loadgen)
  try {
    return await work()
  } finally {
    if (--pinnedUsers === 0) pinSelf(split, split.all)
  }
}
