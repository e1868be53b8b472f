/**
 * CPU and memory of the server's process tree while it is under load, sampled from
 * /proc (Linux): every process in the server's process group, CPU as user+system ticks
 * (USER_HZ = 100 on Linux) over wall time, memory as the sum of VmRSS. Elsewhere the
 * sampler reports nothing rather than a guess.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { USER_HZ } from './proc-tree.js'

const INTERVAL_MS = 200

interface Snapshot {
  readonly at: number
  readonly ticks: number
  readonly rssBytes: number
}

function readGroup(pgid: number): { ticks: number; rssBytes: number } | undefined {
  let ticks = 0
  let rssBytes = 0
  let found = false
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after "(comm)": state ppid pgrp ... utime(14) stime(15), counted from 1.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) !== pgid) continue
      ticks += Number(fields[11]) + Number(fields[12])
      const status = readFileSync(`/proc/${entry}/status`, 'utf8')
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)
      if (rss) rssBytes += Number(rss[1]) * 1024
      found = true
    } catch {
      // The process ended between listing and reading.
    }
  }
  return found ? { ticks, rssBytes } : undefined
}

export interface ResourceUsage {
  /** Share of one core used by the server's processes (1 = a full core). */
  readonly cpu: number
  readonly rssPeak: number
  readonly rssMean: number
}

export class ProcessGroupSampler {
  private readonly snapshots: Snapshot[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly pgid: number) {}

  /** Whether /proc can be read here (Linux). */
  static available(): boolean {
    try {
      readFileSync('/proc/self/stat', 'utf8')
      return true
    } catch {
      return false
    }
  }

  start(): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), INTERVAL_MS)
    this.timer.unref() // never what keeps perfgate running
  }

  private sample(): void {
    const group = readGroup(this.pgid)
    if (group) this.snapshots.push({ at: performance.now(), ...group })
  }

  /** Stops sampling and summarizes the period since start(). */
  stop(): ResourceUsage | undefined {
    clearInterval(this.timer)
    this.sample()
    const first = this.snapshots[0]
    const last = this.snapshots[this.snapshots.length - 1]
    if (!first || !last || last.at <= first.at) return undefined
    const rss = this.snapshots.map((s) => s.rssBytes)
    return {
      cpu: (last.ticks - first.ticks) / USER_HZ / ((last.at - first.at) / 1000),
      rssPeak: Math.max(...rss),
      rssMean: rss.reduce((a, b) => a + b, 0) / rss.length
    }
  }
}
