/**
 * Every process perfgate starts runs in its own process group and is tracked here, so a
 * timeout, an error or Ctrl-C kills the whole group: no benchmark outlives the run.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

const live = new Set<ChildProcess>()

/** Kills a child's whole process group (it was started detached, as its group leader). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // The group is already gone.
  }
}

/** Kills every process group perfgate started and has not yet seen exit. */
export function killAllChildren(): void {
  for (const child of live) killGroup(child)
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

  /** The last `lines` lines (at most `limit` characters). */
  text(lines = 20): string {
    const all = this.chunks.join('').slice(-this.limit)
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
}

export interface Started {
  readonly child: ChildProcess
  readonly finished: Promise<Finished>
  /** Live output tails (also on `Finished`). */
  readonly stdout: OutputTail
  readonly stderr: OutputTail
}

/** How a process ended, for messages: "exited with code 1", "was killed by SIGKILL". */
export function describeExit(end: Pick<Finished, 'code' | 'signal'>): string {
  return end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`
}

let exitHookInstalled = false

/**
 * Starts a tracked child in its own process group. `finished` resolves once the process
 * has exited and its group has been killed; it never rejects.
 */
export function startChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number }
): Started {
  if (!exitHookInstalled) {
    // Synchronous kill on exit covers paths that skip our finally blocks.
    process.once('exit', killAllChildren)
    exitHookInstalled = true
  }
  const { timeoutMs, ...spawnOptions } = options
  const child = spawn(command, args, { ...spawnOptions, detached: true })
  live.add(child)
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
    child.once('error', (error) => {
      spawnError = error
      if (child.pid === undefined) done(null, null)
    })
    // Grandchildren left behind would hold the output pipes open: kill the group on exit.
    child.once('exit', () => killGroup(child))
    // 'close' waits for the stdio streams, so the output tails are complete.
    child.once('close', (code, signal) => done(code, signal))
    function done(code: number | null, signal: NodeJS.Signals | null) {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      killGroup(child)
      live.delete(child)
      resolve({ code, signal, timedOut, stdout, stderr, spawnError })
    }
  })
  return { child, finished, stdout, stderr }
}
