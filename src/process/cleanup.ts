/**
 * Synchronous clean-up steps (worktree removal, …) that must run however perfgate ends:
 * normally via `finally`, and on Ctrl-C or SIGTERM through runCleanups() from the CLI.
 */

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
