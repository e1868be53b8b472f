/** Facts about the machine and checkout a run measured (I/O: os and git). */
import { gitSync } from '../git/run.js'
import os from 'node:os'
import { workerNode } from '../runtime-files.js'
import type { Environment } from './types.js'

function git(cwd: string, args: string[]): string | undefined {
  const run = gitSync(cwd, args, 10_000)
  return run.ok ? run.out : undefined
}

/** Reads the environment; git facts are omitted when `dir` is not in a git checkout. */
export function readEnvironment(dir: string, configHash: string): Environment {
  const cpus = os.cpus()
  const commit = git(dir, ['rev-parse', 'HEAD'])
  const branch = commit ? git(dir, ['rev-parse', '--abbrev-ref', 'HEAD']) : undefined
  const status = commit ? git(dir, ['status', '--porcelain', '--untracked-files=no']) : undefined
  return {
    os: os.type(),
    osRelease: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    // The Node that ran function workers (the project's, in the action).
    node: workerNode().version,
    ci: process.env.CI === 'true' || process.env.GITHUB_ACTIONS === 'true',
    ...(commit
      ? {
          git: {
            commit,
            ...(branch && branch !== 'HEAD' ? { branch } : {}),
            dirty: (status ?? '') !== ''
          }
        }
      : {}),
    configHash
  }
}
