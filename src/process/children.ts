/**
 * Every process perfgate starts runs in its own process group and is tracked here, so a
 * timeout, an error or Ctrl-C kills the whole group: no benchmark outlives the run. What
 * leaves the group (daemons, detached children) is found by the marker in its
 * environment and stopped too (see leftovers.ts). Children get perfgate's environment
 * without credentials (see env.ts).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { registerCleanup } from './cleanup.js'
import { childEnv } from './env.js'
import {
  canFindLeftovers,
  findMarked,
  killMarkedNow,
  MARKER_VARIABLE,
  newMarker,
  stopLeftovers,
  type Leftover
} from './leftovers.js'
import { sanitizeChildText } from './text.js'

/** Live children, with the step that kills each (registered with the clean-up steps). */
const live = new Map<ChildProcess, () => void>()

/** Kills a child's whole process group (it was started detached, as its group leader). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // The group is already gone.
  }
}

/**
 * Ends a group whose leader has exited: SIGTERM, then SIGKILL for what is still there after
 * `graceMs`. Resolves once the group is gone.
 */
async function endGroup(child: ChildProcess, graceMs: number): Promise<void> {
  killGroup(child, 'SIGTERM')
  const until = performance.now() + graceMs
  while (groupAlive(child) && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  killGroup(child)
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false
  try {
    process.kill(-child.pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Kills every process group perfgate started and has not yet seen finish, and every
 * process carrying their markers (synchronous: also used on exit).
 */
export function killAllChildren(): void {
  for (const kill of [...live.values()]) kill()
}

/** Number of children still running (tests check that it returns to zero). */
export function liveChildCount(): number {
  return live.size
}

/** The tail of a stream's output, bounded so chatty processes cannot grow memory. */
export class OutputTail {
  private chunks: string[] = []
  private size = 0

  constructor(private readonly limit = 8192) {}

  push(chunk: Buffer | string): void {
    const text = chunk.toString()
    this.chunks.push(text)
    this.size += text.length
    while (this.size > this.limit * 2 && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length
    }
  }

  /** The last `lines` lines (at most `limit` characters), control characters escaped. */
  text(lines = 20): string {
    const all = sanitizeChildText(this.chunks.join('').slice(-this.limit))
    return all
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd()
  }
}

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly stdout: OutputTail
  readonly stderr: OutputTail
  /** Set when the process could not be started at all (e.g. ENOENT). */
  readonly spawnError: Error | undefined
  /**
   * Processes it left running outside its process group, which were then stopped; empty
   * when there were none, undefined where they cannot be looked for (no /proc).
   */
  readonly leftovers: readonly Leftover[] | undefined
  /** performance.now() when the process was seen to finish (before the leftover check). */
  readonly endedAt: number
}

export interface Started {
  readonly child: ChildProcess
  readonly finished: Promise<Finished>
  /** Live output tails (also on `Finished`). */
  readonly stdout: OutputTail
  readonly stderr: OutputTail
  /** Processes outside its group carrying its marker right now (a server's daemons). */
  escaped(): Leftover[]
}

/** How a process ended, for messages: "exited with code 1", "was killed by SIGKILL". */
export function describeExit(end: Pick<Finished, 'code' | 'signal'>): string {
  return end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`
}

let exitHookInstalled = false

/** How long to wait for output pipes once the process and its leftovers are gone. */
const PIPE_GRACE_MS = 1000

export type ChildOptions = Omit<SpawnOptions, 'env' | 'detached'> & {
  /** Variables set on top of perfgate's environment (minus credentials, see childEnv). */
  env?: Readonly<Record<string, string>>
  timeoutMs?: number
  /**
   * How long the rest of the process group may go on after its leader exits before it is
   * killed (default: not at all). A process under valgrind writes its totals after SIGTERM:
   * killed at once when the shell that started it exits, it would leave none.
   */
  groupGraceMs?: number
}

/**
 * Starts a tracked child in its own process group. `finished` resolves once the process
 * has exited, its group has been killed and what it left outside the group has been
 * stopped; it never rejects.
 */
export function startChild(
  command: string,
  args: readonly string[],
  options: ChildOptions
): Started {
  if (!exitHookInstalled) {
    // Synchronous kill on exit covers paths that skip our finally blocks.
    process.once('exit', killAllChildren)
    exitHookInstalled = true
  }
  const { timeoutMs, groupGraceMs, env, ...spawnOptions } = options
  const marker = newMarker()
  const child = spawn(command, args, {
    ...spawnOptions,
    env: { ...childEnv(env), [MARKER_VARIABLE]: marker },
    detached: true
  })
  let over = false
  // Run on Ctrl-C and on exit; after the child has finished it only unregisters.
  const cleanUp = registerCleanup(() => {
    if (over) return
    killGroup(child)
    killMarkedNow(marker)
  })
  live.set(child, cleanUp)
  const stdout = new OutputTail()
  const stderr = new OutputTail()
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))

  const finished = new Promise<Finished>((resolve) => {
    let timedOut = false
    let spawnError: Error | undefined
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            killGroup(child)
          }, timeoutMs)
    let settled = false
    let endedAt: number | undefined
    let leftovers: Promise<Leftover[] | undefined> | undefined
    let pipeTimer: NodeJS.Timeout | undefined
    child.once('error', (error) => {
      spawnError = error
      if (child.pid === undefined) void done(null, null)
    })
    // Processes left behind would hold the output pipes open: on exit, kill the group and
    // stop what left it, so that 'close' comes.
    child.once('exit', () => {
      endedAt = performance.now()
      if (timer) clearTimeout(timer)
      const groupGone = groupGraceMs === undefined ? undefined : endGroup(child, groupGraceMs)
      if (!groupGone) killGroup(child)
      leftovers = (groupGone ?? Promise.resolve()).then(() =>
        canFindLeftovers() ? stopLeftovers(marker, child.pid) : undefined
      )
      // A process holding the pipes that could not be found (it cleared its environment):
      // stop waiting for it.
      void leftovers.then(() => {
        if (settled) return
        pipeTimer = setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
        }, PIPE_GRACE_MS)
      })
    })
    // 'close' waits for the stdio streams, so the output tails are complete.
    child.once('close', (code, signal) => void done(code, signal))
    async function done(code: number | null, signal: NodeJS.Signals | null) {
      if (settled) return
      settled = true
      endedAt ??= performance.now()
      if (timer) clearTimeout(timer)
      if (pipeTimer) clearTimeout(pipeTimer)
      // The group's grace after its leader exited (groupGraceMs) runs to its end first.
      if (leftovers) await leftovers
      killGroup(child)
      let left: Leftover[] | undefined
      if (!canFindLeftovers()) left = undefined
      else if (leftovers) left = await leftovers
      else left = child.pid === undefined ? [] : await stopLeftovers(marker, child.pid)
      over = true
      live.delete(child)
      cleanUp()
      resolve({ code, signal, timedOut, stdout, stderr, spawnError, leftovers: left, endedAt })
    }
  })
  const escaped = () => (child.pid === undefined ? [] : findMarked(marker, child.pid))
  return { child, finished, stdout, stderr, escaped }
}
