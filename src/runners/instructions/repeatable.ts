/**
 * The environment a counted command or server runs in, so that the Node processes it
 * starts repeat their instruction counts. Node without `--predictable` compiles and
 * collects on background threads whose timing (and valgrind's serialised scheduling of
 * them) changes how much work is done: a `node report.js` run spread ±10 % between counts,
 * with the flags 0.001 %. The flags cannot be set from NODE_OPTIONS (it refuses
 * `--predictable`) nor at run time (`v8.setFlagsFromString` crashed node), so they go on
 * the command line: a temporary directory first on PATH holds an executable `node`, a
 * shell script that starts the node the command would have found on its PATH with
 * REPEATABLE_NODE_FLAGS before the command's own arguments. So `node …`, `npm run …`,
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
import { REPEATABLE_NODE_FLAGS } from './function.js'
import { startCounted, type Counted } from './valgrind.js'
import type { ChildOptions } from '../../process/children.js'

/** The hash seed Python programs get (a user's own PYTHONHASHSEED in the benchmark's env wins). */
export const PYTHON_HASH_SEED = '0'

/** A string as one word for `/bin/sh`: in single quotes, each `'` as `'\''`. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/**
 * The text of the `node` the counted PATH starts with: the real node (an absolute path)
 * with the repeatability flags, then the arguments it was given.
 */
export function nodeShimText(
  realNode: string,
  flags: readonly string[] = REPEATABLE_NODE_FLAGS
): string {
  return (
    '#!/bin/sh\n' +
    '# perfgate: Node with flags that make its instruction count repeat.\n' +
    `exec ${[realNode, ...flags].map(shellWord).join(' ')} "$@"\n`
  )
}

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
  const probe = spawnSync(realNode, [...REPEATABLE_NODE_FLAGS, '-e', ''], {
    encoding: 'utf8',
    timeout: 60_000
  })
  const problem =
    probe.status === 0
      ? undefined
      : `${realNode} does not start with the flags that make its instruction counts repeat ` +
        `(${REPEATABLE_NODE_FLAGS.join(' ')}): ` +
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
    writeFileSync(shim, nodeShimText(realNode))
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
 * The program and arguments of valgrind's "Command:" line in a log (valgrind writes a
 * space inside an argument as `\ `), or undefined when the log has none.
 */
export function loggedCommand(log: string): string[] | undefined {
  const match = /^==\d+== Command: (.*)$/m.exec(log)
  if (!match) return undefined
  return match[1]!
    .split(/(?<!\\) /)
    .filter((word) => word !== '')
    .map((word) => word.replaceAll('\\ ', ' '))
}

const NODE_NAME = /^(node|nodejs)$/

/**
 * Whether a logged command is a Node process started without every repeatability flag: its
 * program is called `node` (or `nodejs`), or is one of `nodes` (the real node, perfgate's
 * own), and its arguments before the script lack one of the flags.
 */
export function isUnflaggedNode(command: readonly string[], nodes: readonly string[]): boolean {
  const program = command[0]
  if (program === undefined) return false
  if (!NODE_NAME.test(path.basename(program)) && !nodes.includes(program)) return false
  return REPEATABLE_NODE_FLAGS.some((flag) => !command.includes(flag))
}

/**
 * The error for a count with a Node process that ran without the flags (with that
 * process's log), or undefined.
 * Such a count is not repeatable (its start-up alone varied 1.5–10 % here), and one pair
 * decides an instruction benchmark: a number would be read as exact and could raise a
 * false alarm, so the row errors with the fix instead.
 */
export function unflaggedNodeProblem(
  logs: readonly string[],
  nodes: readonly string[]
): { error: string; log: string } | undefined {
  for (const log of logs) {
    const command = loggedCommand(log)
    if (command === undefined || !isUnflaggedNode(command, nodes)) continue
    const shown = sanitizeChildText(command.join(' ')).slice(0, 200)
    const error =
      `a Node process ran without the flags that make its instruction count repeat ` +
      `(${shown}); start node through PATH (\`node …\`, not an absolute path to it), and ` +
      `pass process.execArgv when a program starts process.execPath itself, or measure ` +
      `this benchmark on time`
    return { error, log }
  }
  return undefined
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
      return unflaggedNodeProblem(counted.logs(), nodes) ?? totals
    },
    logs: () => counted.logs(),
    remove() {
      counted.remove()
      made.remove()
    }
  }
}
