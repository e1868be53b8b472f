/**
 * The environment a counted command or server runs in, so that the Node processes it
 * starts repeat their instruction counts. Node without `--predictable` compiles and
 * collects on background threads whose timing (and valgrind's serialised scheduling of
 * them) changes how much work is done: a `node report.js` run spread ±10 % between counts,
 * with the flags 0.001 %. The flags cannot be set from NODE_OPTIONS (it refuses
 * `--predictable`) nor at run time (`v8.setFlagsFromString` crashed node), so they go on
 * the command line: a temporary directory first on PATH holds an executable `node`, a
 * shell script that starts the node the command would have found on its PATH with
 * COUNTED_NODE_FLAGS before the command's own arguments. So `node …`, `npm run …`,
 * `npx …` and `#!/usr/bin/env node` scripts all get them, and `child_process.fork` and
 * `cluster` pass them on (a fork inherits `process.execArgv`). Python gets a fixed hash
 * seed (`PYTHONHASHSEED=0`).
 *
 * What the directory cannot reach (a node started by absolute path, `spawn(process.execPath)`
 * without `process.execArgv`) is found afterwards from valgrind's log of each process, whose
 * "Command:" line names the program and its arguments: a Node process without the flags
 * makes the count an error naming the fix (unflaggedNodeProblem), never a number that
 * would not repeat. Only counts run in this environment; time is measured without it.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, chmodSync, constants, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createTempDir } from '../../process/cleanup.js'
import { sanitizeChildText } from '../../process/text.js'
import { nodeShimText, COUNTED_NODE_FLAGS, unflaggedNodeProblem } from './shim.js'
import { startCounted, type Counted } from './valgrind.js'
import type { ChildOptions } from '../../process/children.js'

/** The hash seed Python programs get (a user's own PYTHONHASHSEED in the benchmark's env wins). */
export const PYTHON_HASH_SEED = '0'

/** The first executable `name` on a PATH value (absolute entries only), or undefined. */
export function findExecutable(name: string, pathValue: string): string | undefined {
  for (const dir of pathValue.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue
    const candidate = path.join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here.
    }
  }
  return undefined
}

/** Per real node: undefined when it takes the flags, else why not (checked once each). */
const flagsChecked = new Map<string, string | undefined>()

/**
 * Why `realNode` cannot run with the repeatability flags (a Node version that dropped or
 * renamed one), or undefined when it starts with them.
 */
export function nodeFlagsProblem(realNode: string): string | undefined {
  if (flagsChecked.has(realNode)) return flagsChecked.get(realNode)
  const probe = spawnSync(realNode, [...COUNTED_NODE_FLAGS, '-e', ''], {
    encoding: 'utf8',
    timeout: 60_000
  })
  const problem =
    probe.status === 0
      ? undefined
      : `${realNode} does not start with the flags that make its instruction counts repeat ` +
        `(${COUNTED_NODE_FLAGS.join(' ')}): ` +
        sanitizeChildText(
          (probe.error?.message ?? probe.stderr.trim().split('\n')[0]) ||
            `exit ${probe.status ?? probe.signal}`
        ) +
        '; count with a Node version that takes them, or measure time'
  flagsChecked.set(realNode, problem)
  return problem
}

/** A counted process's environment, and the directory that makes it (remove afterwards). */
export interface RepeatableEnv {
  /** The benchmark's env with the counted PATH and PYTHONHASHSEED. */
  readonly env: Readonly<Record<string, string>>
  /** The node the shim starts, or undefined when there is none on the PATH. */
  readonly realNode: string | undefined
  /** The directory holding the shim. */
  readonly dir: string
  remove(): void
}

/**
 * Makes the counted environment for a benchmark's `env` (its PATH, else perfgate's): the
 * shim directory first on PATH, PYTHONHASHSEED fixed. An error text when the node on the
 * PATH rejects the flags.
 */
export function repeatableEnv(
  env: Readonly<Record<string, string>>,
  parentPath: string = process.env.PATH ?? ''
): RepeatableEnv | { error: string } {
  const pathValue = env.PATH ?? parentPath
  const realNode = findExecutable('node', pathValue)
  const problem = realNode === undefined ? undefined : nodeFlagsProblem(realNode)
  if (problem) return { error: problem }
  const dir = createTempDir('perfgate-node-')
  if (realNode !== undefined) {
    const shim = path.join(dir.path, 'node')
    writeFileSync(shim, nodeShimText(realNode, COUNTED_NODE_FLAGS))
    chmodSync(shim, 0o755)
  }
  return {
    env: {
      ...env,
      PATH: [dir.path, pathValue].filter((part) => part !== '').join(path.delimiter),
      PYTHONHASHSEED: env.PYTHONHASHSEED ?? PYTHON_HASH_SEED
    },
    realNode,
    dir: dir.path,
    remove: dir.remove
  }
}

/**
 * startCounted in the counted environment: every Node process the command starts runs
 * with the repeatability flags, and totals() is an error when one did not. The shim
 * directory goes with remove() (or perfgate's clean-up on Ctrl-C).
 */
export function startRepeatable(
  command: string,
  args: readonly string[],
  options: ChildOptions
): Counted | { error: string } {
  const made = repeatableEnv(options.env ?? {})
  if ('error' in made) return made
  let counted: Counted
  try {
    counted = startCounted(command, args, { ...options, env: made.env })
  } catch (error) {
    made.remove()
    throw error
  }
  const nodes = [made.realNode, process.execPath].filter((node) => node !== undefined)
  return {
    started: counted.started,
    totals() {
      const totals = counted.totals()
      if ('error' in totals) return totals
      return unflaggedNodeProblem(counted.logs(), nodes, COUNTED_NODE_FLAGS) ?? totals
    },
    logs: () => counted.logs(),
    remove() {
      counted.remove()
      made.remove()
    }
  }
}
