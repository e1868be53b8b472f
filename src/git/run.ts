/** Runs git with explicit arguments (never a shell) and returns its trimmed output. */
import { spawnSync } from 'node:child_process'

export interface GitResult {
  readonly ok: boolean
  readonly out: string
  readonly err: string
}

/** A synchronous git call in `cwd`; `timeoutMs` bounds network operations. */
export function gitSync(cwd: string, args: readonly string[], timeoutMs = 120_000): GitResult {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: timeoutMs })
  return { ok: run.status === 0, out: (run.stdout ?? '').trim(), err: (run.stderr ?? '').trim() }
}
