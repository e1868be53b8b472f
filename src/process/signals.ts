/**
 * Ctrl-C, SIGTERM (a cancelled CI job): stop every process group perfgate started and run
 * the clean-up steps (worktree removal) before exiting. Both entry points install it.
 */
import { killAllChildren } from './children.js'
import { runCleanups } from './cleanup.js'

/** Stops children and runs clean-ups now (also for fatal errors). */
export function cleanUpEverything(): void {
  killAllChildren()
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
