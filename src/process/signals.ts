/**
 * Ctrl-C, SIGTERM (a cancelled CI job): run the clean-up steps before exiting. Every
 * started child registers one (kill its process group and whatever carries its marker),
 * as do temporary directories and the base worktree. Both entry points install it.
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
}
