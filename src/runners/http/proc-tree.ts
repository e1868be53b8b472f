/**
 * The CPU time and disk I/O of a server's whole process tree, read from /proc (Linux) at
 * the two edges of a window: every process in the server's process group, and every
 * descendant of those (by /proc parent links) even if it moved to a group of its own.
 *
 * What a sum over the tree at one edge holds, per process: its own user + system time
 * (`utime`, `stime`, all its threads, exited threads included) and the time of the
 * children it has already reaped (`cutime`, `cstime`); likewise `read_bytes` and
 * `write_bytes` of /proc/<pid>/io, which also include exited threads and reaped children.
 * The difference of two edges is then exact for the tree's work in between, including a
 * worker forked and reaped inside the window (it is in its parent's `cutime` at the end, and
 * its pre-window share was counted in the start sum). What it cannot see: a process that
 * left the tree and was reaped outside it (a daemon re-parented to init): its CPU after the
 * start edge is lost, and what it had used before was counted at the start, so such a
 * window reads low. perfgate reports such daemons as escaped processes.
 *
 * Precision. The kernel keeps CPU time in nanoseconds but /proc writes each of `utime`,
 * `stime`, `cutime`, `cstime` rounded down to a clock tick (USER_HZ: 100 per second on
 * Linux, 10 ms). A counter read at two edges is thus off by less than one tick in the
 * difference; `ticksError` bounds the window's total by one tick per counter that was
 * non-zero at either edge (typically 2 for a single-process server: under ±20 ms of CPU,
 * which is ±2 µs per request over 10 000 responses).
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc times (USER_HZ; 100 on every Linux architecture). */
export const USER_HZ = 100

interface ProcEntry {
  readonly pid: number
  readonly ppid: number
  readonly pgrp: number
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

export interface TreeSnapshot {
  /** Per process (pid:start): its four tick counters. */
  readonly times: ReadonlyMap<string, readonly number[]>
  readonly ticks: number
  /** Disk bytes, when every process's /proc/<pid>/io could be read. */
  readonly io?: { readonly read: number; readonly write: number }
  readonly processes: number
}

/** Reads the tree's counters now; undefined when no process of the tree is left. */
export function snapshotTree(pgid: number): TreeSnapshot | undefined {
  const tree = treeOf(pgid)
  if (tree.length === 0) return undefined
  const times = new Map<string, readonly number[]>()
  let ticks = 0
  let read = 0
  let write = 0
  let ioComplete = true
  for (const e of tree) {
    times.set(`${e.pid}:${e.start}`, e.times)
    ticks += e.times[0] + e.times[1] + e.times[2] + e.times[3]
    const io = readIo(e.pid)
    if (io) {
      read += io.read
      write += io.write
    } else ioComplete = false
  }
  return {
    times,
    ticks,
    processes: tree.length,
    ...(ioComplete ? { io: { read, write } } : {})
  }
}

export interface TreeWindow {
  /** CPU seconds (user + system) of the tree between the two edges. */
  readonly cpuSeconds: number
  /** Bound on the rounding error of cpuSeconds (± this many seconds). */
  readonly errorSeconds: number
  readonly readBytes?: number
  readonly writeBytes?: number
  /** Processes of the tree seen at either edge. */
  readonly processes: number
}

/** What the tree used between two snapshots. */
export function treeWindow(start: TreeSnapshot, end: TreeSnapshot): TreeWindow {
  // One tick of rounding per counter that was non-zero at either edge.
  let counters = 0
  const keys = new Set([...start.times.keys(), ...end.times.keys()])
  for (const key of keys) {
    const a = start.times.get(key) ?? [0, 0, 0, 0]
    const b = end.times.get(key) ?? [0, 0, 0, 0]
    for (let i = 0; i < 4; i++) if (a[i]! > 0 || b[i]! > 0) counters++
  }
  const io =
    start.io && end.io
      ? {
          readBytes: Math.max(0, end.io.read - start.io.read),
          writeBytes: Math.max(0, end.io.write - start.io.write)
        }
      : {}
  return {
    // A process that left the tree unreaped can make the difference negative: not below 0.
    cpuSeconds: Math.max(0, end.ticks - start.ticks) / USER_HZ,
    errorSeconds: counters / USER_HZ,
    processes: keys.size,
    ...io
  }
}
