/**
 * Synchronous clean-up steps (stopping children, removing temporary directories and the
 * base worktree) that must run however perfgate ends: normally via `finally`, and on
 * Ctrl-C or SIGTERM through runCleanups() from the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const steps = new Set<() => void>()

/** Registers a step; the returned function runs it once and unregisters it. */
export function registerCleanup(step: () => void): () => void {
  let done = false
  const once = () => {
    if (done) return
    done = true
    steps.delete(once)
    step()
  }
  steps.add(once)
  return once
}

/** Runs every registered step (newest first); a failing step does not stop the others. */
export function runCleanups(): void {
  for (const step of [...steps].reverse()) {
    try {
      step()
    } catch {
      // Best effort while exiting.
    }
  }
}

/**
 * A fresh directory under the system's temporary directory, removed by `remove()` (call
 * it in a `finally`) or by runCleanups() if perfgate is interrupted first.
 */
export function createTempDir(prefix = 'perfgate-'): { path: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  const remove = registerCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return { path: dir, remove }
}
