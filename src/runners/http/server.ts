/**
 * The server under test: started in its own process group with a free port, polled until
 * ready, stopped with SIGTERM then SIGKILL to the whole group. Its output is kept so a
 * failure can show why.
 */
import { createServer } from 'node:net'
import type { HttpSpec } from '../../config/types.js'
import { onServerCpus, type CpuSplit } from '../../process/affinity.js'
import {
  describeExit,
  killGroup,
  startChild,
  type Finished,
  type Started
} from '../../process/children.js'
import { leftoverText, type Leftover } from '../../process/leftovers.js'

/** A port that is free right now on the loopback interface (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export class ServerError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string | undefined
  ) {
    super(message)
    this.name = 'ServerError'
  }
}

export function withPort(text: string, port: number): string {
  return text.replaceAll('{port}', String(port))
}

const STOP_GRACE_MS = 3000
const POLL_MS = 50
/** How long one readiness probe waits for its answer before the next is sent. */
const PROBE_TIMEOUT_MS = 2000

export interface RunningServer {
  readonly port: number
  /** The process group leader's pid (the group id). */
  readonly pid: number
  /** Set once the server has exited (on its own or stopped). */
  exit(): Finished | undefined
  /** The last lines it wrote (stderr, else stdout). */
  outputTail(): string | undefined
  /** Processes it started that left its process group (daemons), still running. */
  escaped(): Leftover[]
  /** Stops it; resolves with what it had left outside its group (then stopped). */
  stop(): Promise<readonly Leftover[] | undefined>
}

const leftSuffix = (end: Finished | undefined) =>
  end?.leftovers?.length ? `; it ${leftoverText(end.leftovers)}` : ''

/** Ports handed to servers that are not ready yet: two servers starting at once (an
 * interleaved pair) must not get the same one before either has bound it. */
const starting = new Set<number>()

async function reservePort(): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (!starting.has(port)) {
      starting.add(port)
      return port
    }
  }
}

/**
 * Starts the server and waits until its ready URL answers (any status below 500). Each
 * probe closes its connection and waits up to `probeTimeoutMs` (a counted server gets
 * its whole readiness wait: an abandoned probe is still a request the server handles).
 */
export async function startServer(
  server: HttpSpec['server'],
  cpus?: CpuSplit,
  start: StartProcess = startChild,
  stopGraceMs = STOP_GRACE_MS,
  probeTimeoutMs = PROBE_TIMEOUT_MS
): Promise<RunningServer> {
  const port = await reservePort()
  try {
    return await startOn(server, port, cpus, start, stopGraceMs, probeTimeoutMs)
  } finally {
    // Ready (it holds the port) or failed (stopped): either way no longer starting.
    starting.delete(port)
  }
}

/** How the server's shell is started: startChild, or under valgrind for a count. */
export type StartProcess = typeof startChild

async function startOn(
  server: HttpSpec['server'],
  port: number,
  cpus: CpuSplit | undefined,
  start: StartProcess,
  stopGraceMs: number,
  probeTimeoutMs: number
): Promise<RunningServer> {
  // On the server's CPUs (when pinned): taskset runs the shell in its own place.
  const shell = onServerCpus(cpus, '/bin/sh', ['-c', withPort(server.command, port)])
  const started: Started = start(shell.command, shell.args, {
    cwd: server.cwd,
    env: { ...server.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let ended: Finished | undefined
  void started.finished.then((end) => (ended = end))
  const outputTail = () => started.stderr.text() || started.stdout.text() || undefined
  const running: RunningServer = {
    port,
    pid: started.child.pid ?? -1,
    exit: () => ended,
    outputTail,
    escaped: () => started.escaped(),
    async stop() {
      if (ended) return ended.leftovers
      killGroup(started.child, 'SIGTERM')
      const timer = setTimeout(() => killGroup(started.child, 'SIGKILL'), stopGraceMs)
      const end = await started.finished
      clearTimeout(timer)
      return end.leftovers
    }
  }

  const readyUrl = withPort(server.readyUrl, port)
  const deadline = performance.now() + server.readyTimeoutMs
  let last = 'no answer yet'
  for (;;) {
    if (ended) {
      throw new ServerError(
        `server ${ended.spawnError ? `could not start: ${ended.spawnError.message}` : describeExit(ended)} before it was ready (${readyUrl})${leftSuffix(ended)}`,
        outputTail()
      )
    }
    try {
      const response = await fetch(readyUrl, {
        headers: { connection: 'close' },
        signal: AbortSignal.timeout(probeTimeoutMs)
      })
      await response.arrayBuffer()
      if (response.status < 500) return running
      last = `status ${response.status}`
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      last = cause ?? (error as Error).message
    }
    if (performance.now() > deadline) {
      await running.stop()
      throw new ServerError(
        `server not ready after ${server.readyTimeoutMs / 1000} s: ${readyUrl} (last: ${last})${leftSuffix(ended)}`,
        running.outputTail()
      )
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}
