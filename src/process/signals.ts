/**
 * However perfgate ends, its clean-up steps run: Ctrl-C and SIGTERM (a cancelled CI job)
 * run them before exiting, and so does any other exit (an uncaught error, process.exit).
 * Every started child registers one (kill its process group and whatever carries its
 * marker), as do temporary directories and the base worktree. Both entry points install it.
 */
import { runCleanups } from './cleanup.js'

/** Stops children, removes temporary files and worktrees now (also for fatal errors). */
export function cleanUpEverything(): void {
  runCleanups()
}

export function installSignalCleanup(write: (text: string) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpEverything()
      write(`\nperfgate: interrupted (${signal}); benchmark processes stopped\n`)
      process.exit(signal === 'SIGINT' ? 130 : 143)
    })
  }
  // The last net: steps are synchronous, so they can still run while the process exits.
  // A step that already ran has unregistered itself, so nothing runs twice.
  process.on('exit', cleanUpEverything)
}

/** One of perfgate's own output streams, written through {@link guardOutput}. */
export interface GuardedOutput {
  /** Writes `text`, or drops it once the stream has failed; never throws. */
  write(text: string): boolean
  readonly isTTY: boolean
  /** Whether the stream failed (its reader went away): nothing is written to it any more. */
  readonly closed: boolean
}

/**
 * perfgate's standard output or error, safe to write whoever reads it. When the reader goes
 * away (`perfgate run | head -1`, a closed terminal or log), the next write fails with EPIPE,
 * reported as an 'error' event; unhandled, that event ends the process on the spot, in the
 * middle of a run. Here a failed stream is marked closed and written no more: the run goes on
 * to its end (its results and report files are still written) and to its clean-up.
 */
export function guardOutput(stream: NodeJS.WriteStream): GuardedOutput {
  let closed = false
  // Any error of our own output (EPIPE, EIO of a closed terminal) means: stop writing to it.
  stream.on('error', () => {
    closed = true
  })
  return {
    write(text) {
      if (closed || stream.destroyed || !stream.writable) {
        closed = true
        return false
      }
      try {
        return stream.write(text)
      } catch {
        closed = true
        return false
      }
    },
    get isTTY() {
      return stream.isTTY === true
    },
    get closed() {
      return closed
    }
  }
}
