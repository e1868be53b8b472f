/**
 * The CPU time and disk I/O of a server's whole process tree, read from /proc (Linux) at
 * the two edges of a window: every process in the server's process group, and every
 * descendant of those (by /proc parent links) even if it moved to a group of its own.
 *
 * CPU, per process: its threads' run time in nanoseconds (/proc/<pid>/task/<tid>/schedstat,
 * the scheduler's own counter), plus the CPU of the children it has already reaped
 * (`cutime` + `cstime` of /proc/<pid>/stat, in clock ticks). Threads are matched by id
 * across the edges: a thread started in the window counts from zero. A process present at
 * the start and gone at the end was reaped by its parent, whose `cutime`/`cstime` now hold
 * its whole CPU: what it had used before the start is subtracted. So a worker forked and
 * reaped inside the window is counted once, in full, and a worker kept alive is counted by
 * its threads. Disk bytes: `read_bytes` and `write_bytes` of /proc/<pid>/io, which include
 * exited threads and reaped children, summed over the tree and differenced the same way.
 *
 * What it cannot see: a process that left the tree and was reaped outside it (a daemon
 * re-parented to init; perfgate reports those as escaped processes), a thread that ends
 * inside the window (its share of the window is lost; Node's own threads live as long as
 * the process), and anything outside the tree (a database in another process or container).
 *
 * Precision. The nanosecond counters are exact up to their last update (a thread running
 * at the edge is at most one scheduler tick behind). The reaped children's `cutime` and
 * `cstime`, and `utime`/`stime` where schedstat is missing (kernels without
 * CONFIG_SCHED_INFO), are written rounded down to a clock tick (USER_HZ: 100 per second,
 * 10 ms): each such counter is off by less than one tick in the difference. `errorSeconds`
 * bounds the window's total by one tick per such counter that was non-zero at either
 * edge: 0 for a server whose processes all stay alive, 20 ms for one that forks and reaps
 * workers (±2 µs per request over 10 000 responses). With tick counters alone, a server
 * using a quarter of a core over a 1 s window would read 25 ticks ± 2: ±8 % per trial.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc times (USER_HZ; 100 on every Linux architecture). */
export const USER_HZ = 100

interface ProcEntry {
  readonly pid: number
  readonly ppid: number
  readonly pgrp: number
  /** Exited, not yet reaped: its threads' counters are gone, its ticks are final. */
  readonly zombie: boolean
  /** utime, stime, cutime, cstime in ticks. */
  readonly times: readonly [number, number, number, number]
  /** Start time since boot in ticks: tells apart a pid reused by another process. */
  readonly start: number
}

function readEntry(pid: string): ProcEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after "(comm)", counted from 1 in proc(5): state(3) ppid(4) pgrp(5) ...
    // utime(14) stime(15) cutime(16) cstime(17) ... starttime(22).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return {
      pid: Number(pid),
      ppid: Number(f[1]),
      pgrp: Number(f[2]),
      zombie: f[0] === 'Z',
      times: [Number(f[11]), Number(f[12]), Number(f[13]), Number(f[14])],
      start: Number(f[19])
    }
  } catch {
    return undefined // ended between listing and reading
  }
}

/** The server's tree: its process group and every descendant of a member. */
function treeOf(pgid: number): ProcEntry[] {
  const all: ProcEntry[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const entry = readEntry(name)
    if (entry) all.push(entry)
  }
  const inTree = new Set(all.filter((e) => e.pgrp === pgid || e.pid === pgid).map((e) => e.pid))
  // Descendants by parent links, to a fixed point (a chain is found in one pass per level).
  for (let grew = true; grew;) {
    grew = false
    for (const e of all) {
      if (!inTree.has(e.pid) && inTree.has(e.ppid)) {
        inTree.add(e.pid)
        grew = true
      }
    }
  }
  return all.filter((e) => inTree.has(e.pid))
}

/** Run time in ns of each thread of a process, or undefined when schedstat is missing. */
function readThreads(pid: number): Map<number, number> | undefined {
  try {
    const threads = new Map<number, number>()
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
        if (!Number.isFinite(ns)) return undefined
        threads.set(Number(tid), ns)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined
        // The thread ended between listing and reading.
      }
    }
    return threads.size > 0 ? threads : undefined
  } catch {
    return undefined
  }
}

function readIo(pid: number): { read: number; write: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8')
    const read = /^read_bytes:\s*(\d+)/m.exec(text)
    const write = /^write_bytes:\s*(\d+)/m.exec(text)
    return read && write ? { read: Number(read[1]), write: Number(write[1]) } : undefined
  } catch {
    // Another user's process (ptrace access required), or ended meanwhile.
    return undefined
  }
}

const TICK_NS = 1e9 / USER_HZ

/** One process of the tree at one edge. */
export interface ProcessCounters {
  /** Run time per thread id (ns); undefined when only the tick counters could be read. */
  readonly threads?: ReadonlyMap<number, number>
  /** utime, stime, cutime, cstime in ticks. */
  readonly ticks: readonly [number, number, number, number]
}

export interface TreeSnapshot {
  /** Per process, keyed "pid:starttime". */
  readonly processes: ReadonlyMap<string, ProcessCounters>
  /** Disk bytes, when every process's /proc/<pid>/io could be read. */
  readonly io?: { readonly read: number; readonly write: number }
}

/** Reads the tree's counters now; undefined when no process of the tree is left. */
export function snapshotTree(pgid: number): TreeSnapshot | undefined {
  const tree = treeOf(pgid)
  if (tree.length === 0) return undefined
  const processes = new Map<string, ProcessCounters>()
  let read = 0
  let write = 0
  let ioComplete = true
  for (const e of tree) {
    const threads = e.zombie ? undefined : readThreads(e.pid)
    processes.set(`${e.pid}:${e.start}`, { ticks: e.times, ...(threads ? { threads } : {}) })
    const io = readIo(e.pid)
    if (io) {
      read += io.read
      write += io.write
    } else ioComplete = false
  }
  return { processes, ...(ioComplete ? { io: { read, write } } : {}) }
}

export interface TreeWindow {
  /** CPU seconds (user + system) of the tree between the two edges. */
  readonly cpuSeconds: number
  /** Bound on the tick rounding of cpuSeconds (± this many seconds). */
  readonly errorSeconds: number
  readonly readBytes?: number
  readonly writeBytes?: number
  /** Processes of the tree seen at either edge. */
  readonly processes: number
}

/** A process's own CPU (ns): its threads' run time, else its ticks. */
function ownNs(p: ProcessCounters): number {
  if (p.threads) return [...p.threads.values()].reduce((a, b) => a + b, 0)
  return (p.ticks[0] + p.ticks[1]) * TICK_NS
}

const childNs = (p: ProcessCounters) => (p.ticks[2] + p.ticks[3]) * TICK_NS

/** What the tree used between two snapshots. */
export function treeWindow(start: TreeSnapshot, end: TreeSnapshot): TreeWindow {
  let ns = 0
  let roundedCounters = 0
  const rounded = (a: ProcessCounters | undefined, b: ProcessCounters | undefined) => {
    const precise = (a === undefined || a.threads) && (b === undefined || b.threads)
    for (let i = precise ? 2 : 0; i < 4; i++) {
      if ((a?.ticks[i] ?? 0) > 0 || (b?.ticks[i] ?? 0) > 0) roundedCounters++
    }
  }
  for (const [key, after] of end.processes) {
    const before = start.processes.get(key)
    rounded(before, after)
    if (before?.threads && after.threads) {
      // Thread by thread: one started in the window counts from zero.
      for (const [tid, runtime] of after.threads) ns += runtime - (before.threads.get(tid) ?? 0)
    } else {
      ns += ownNs(after) - (before ? ownNs(before) : 0)
    }
    ns += childNs(after) - (before ? childNs(before) : 0)
  }
  for (const [key, before] of start.processes) {
    if (end.processes.has(key)) continue
    // Reaped since: its whole CPU is now in its parent's cutime/cstime.
    rounded(before, undefined)
    ns -= ownNs(before) + childNs(before)
  }
  const io =
    start.io && end.io
      ? {
          readBytes: Math.max(0, end.io.read - start.io.read),
          writeBytes: Math.max(0, end.io.write - start.io.write)
        }
      : {}
  return {
    // A process that left the tree and was reaped outside it can make it negative.
    cpuSeconds: Math.max(0, ns) / 1e9,
    errorSeconds: roundedCounters / USER_HZ,
    processes: new Set([...start.processes.keys(), ...end.processes.keys()]).size,
    ...io
  }
}

/** Two windows of one tree taken together (an interleaved pair's slices of one side). */
export function addWindows(a: TreeWindow, b: TreeWindow): TreeWindow {
  const bytes = (x: number | undefined, y: number | undefined) =>
    x === undefined || y === undefined ? undefined : x + y
  const readBytes = bytes(a.readBytes, b.readBytes)
  const writeBytes = bytes(a.writeBytes, b.writeBytes)
  return {
    cpuSeconds: a.cpuSeconds + b.cpuSeconds,
    errorSeconds: a.errorSeconds + b.errorSeconds,
    processes: Math.max(a.processes, b.processes),
    ...(readBytes === undefined ? {} : { readBytes }),
    ...(writeBytes === undefined ? {} : { writeBytes })
  }
}
