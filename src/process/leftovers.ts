/**
 * Processes a trial leaves behind outside its process group. Killing a child's process
 * group misses whatever left the group: a daemon (`setsid`, `redis-server --daemonize
 * yes`, `pg_ctl start`), a detached Node child. Every child perfgate starts carries a
 * unique marker variable in its environment, which its descendants inherit (also across
 * setsid and re-parenting), so on Linux they are found by reading /proc/<pid>/environ.
 * Processes that clear their environment, switch user or are started by another daemon
 * on the trial's behalf (`docker run -d`) cannot be found this way; neither can anything
 * on a platform without /proc.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { sanitizeChildText } from './text.js'

/** The marker variable's name; its value is unique per started child. */
export const MARKER_VARIABLE = 'PERFGATE_TRIAL'

export function newMarker(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`
}

export interface Leftover {
  readonly pid: number
  /** The process group it was in when found. */
  readonly pgid: number
  /** Its command line (untrusted text, sanitized and shortened). */
  readonly command: string
}

let procAvailable: boolean | undefined

/** Whether processes can be found by their environment here (Linux with /proc). */
export function canFindLeftovers(): boolean {
  if (procAvailable === undefined) {
    try {
      procAvailable = readFileSync('/proc/self/environ').length > 0
    } catch {
      procAvailable = false
    }
  }
  return procAvailable
}

const COMMAND_LIMIT = 60

function commandOf(pid: number): string {
  let text = ''
  try {
    text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ')
  } catch {
    // gone
  }
  if (!text) {
    try {
      text = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    } catch {
      text = '?'
    }
  }
  const clean = sanitizeChildText(text).replace(/\s+/g, ' ')
  return clean.length > COMMAND_LIMIT ? `${clean.slice(0, COMMAND_LIMIT - 1)}…` : clean
}

function pgidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[2])
  } catch {
    return undefined
  }
}

/**
 * Live processes carrying `marker`, except members of process group `exceptGroup` (the
 * child's own group, which is killed as a whole). Zombies have no environment left and
 * so are not found. Processes of other users are unreadable and not found either.
 */
export function findMarked(marker: string, exceptGroup?: number): Leftover[] {
  if (!canFindLeftovers()) return []
  const needle = Buffer.from(`${MARKER_VARIABLE}=${marker}\0`)
  const found: Leftover[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    if (pid === process.pid) continue
    let environ: Buffer
    try {
      environ = readFileSync(`/proc/${pid}/environ`)
    } catch {
      continue // gone, or another user's
    }
    const at = environ.indexOf(needle)
    if (at < 0 || (at > 0 && environ[at - 1] !== 0)) continue
    const pgid = pgidOf(pid)
    if (pgid === undefined || pgid === exceptGroup) continue
    found.push({ pid, pgid, command: commandOf(pid) })
  }
  return found
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

/** SIGKILLs every process carrying `marker` now (the exit path, which cannot wait). */
export function killMarkedNow(marker: string): void {
  for (let round = 0; round < 3; round++) {
    const found = findMarked(marker)
    if (found.length === 0) return
    for (const p of found) signal(p.pid, 'SIGKILL')
  }
}

const POLL_MS = 25

/**
 * Stops the processes carrying `marker` outside group `exceptGroup`: SIGTERM, then
 * SIGKILL to those still running after `graceMs`. Returns what was found (empty when
 * nothing was left, and on platforms where nothing can be found).
 */
export async function stopLeftovers(
  marker: string,
  exceptGroup: number | undefined,
  graceMs = 2000
): Promise<Leftover[]> {
  const first = findMarked(marker, exceptGroup)
  if (first.length === 0) return []
  const all = new Map(first.map((p) => [p.pid, p]))
  for (const p of first) signal(p.pid, 'SIGTERM')
  const until = performance.now() + graceMs
  let remaining = first
  while (remaining.length > 0 && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    remaining = findMarked(marker, exceptGroup)
    // Children forked meanwhile are stopped too.
    for (const p of remaining) {
      if (!all.has(p.pid)) {
        all.set(p.pid, p)
        signal(p.pid, 'SIGTERM')
      }
    }
  }
  for (let round = 0; round < 5 && remaining.length > 0; round++) {
    for (const p of remaining) {
      all.set(p.pid, all.get(p.pid) ?? p)
      signal(p.pid, 'SIGKILL')
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    remaining = findMarked(marker, exceptGroup)
  }
  return [...all.values()]
}

/** "2 processes: sleep 300 (pid 4242), node daemon.js (pid 4250)". */
function describeLeftovers(leftovers: readonly Leftover[], shown = 3): string {
  const n = leftovers.length
  const names = leftovers.slice(0, shown).map((p) => `${p.command} (pid ${p.pid})`)
  if (n > shown) names.push(`${n - shown} more`)
  return `${n} ${n === 1 ? 'process' : 'processes'}: ${names.join(', ')}`
}

/** "left 1 process running outside its process group: sleep 300 (pid 42); stopped". */
export function leftoverText(leftovers: readonly Leftover[], stopped = 'stopped'): string {
  const n = leftovers.length
  const [, list] = describeLeftovers(leftovers).split(/: (.*)/s)
  return `left ${n} ${n === 1 ? 'process' : 'processes'} running outside its process group: ${list}; ${stopped}`
}

/**
 * What a trial's details record about processes it left: `leftProcesses` with the text
 * above, `processCheck: 'unavailable'` where they cannot be looked for, else nothing.
 */
export function leftoverDetails(
  leftovers: readonly Leftover[] | undefined
): Record<string, string> {
  if (leftovers === undefined) return { processCheck: 'unavailable' }
  return leftovers.length > 0 ? { leftProcesses: leftoverText(leftovers) } : {}
}
