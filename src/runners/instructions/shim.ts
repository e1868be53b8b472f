/**
 * The pure parts of the counted environment (repeatable.ts): the text of the `node` shim
 * put first on PATH, and reading valgrind's per-process logs for a Node process that ran
 * without the repeatability flags (COUNTED_NODE_FLAGS, every counted Node process's).
 */
import path from 'node:path'
import { sanitizeChildText } from '../../process/text.js'

/**
 * Node flags that make a count repeat from run to run: no concurrent compilation or GC
 * threads (the JIT tiers up at the same call every run), fixed hash and random seeds.
 */
export const REPEATABLE_NODE_FLAGS = [
  '--predictable',
  '--hash-seed=1',
  '--random-seed=1',
  // The collector's schedule from fixed factors, not from the measured speed of the
  // machine (a busy one moved a collection into one count in ten: +2.9 %), and no
  // collection started by idle time (the wait for N).
  '--predictable-gc-schedule',
  '--no-memory-reducer'
]

/**
 * Collector flags added to REPEATABLE_NODE_FLAGS: full collections in one pause when the
 * old generation reaches its limit, not marked in steps sized by the wall clock (V8 paces
 * incremental marking to finish in ~500 ms of real time: a server slowed by a neighbour
 * marks in more steps and ends the cycle at another allocation), and young collections
 * when the young space is full, not at 80 % by a task that runs whenever the event loop
 * gets to it. With them the example's allocation-heavy fastify endpoint beside a busy
 * neighbour counts per request with an SD of 0.038 % instead of 1.9 %
 * (`npm run bench:instructions -- --example`, docs/DESIGN.md "The collector and the
 * clock"). A function's counting worker gets them too: it waits for N between its probe
 * and its count, as long as the other side takes, and that wait must not decide where a
 * collection falls.
 */
export const CLOCK_FREE_GC_FLAGS = ['--no-incremental-marking', '--no-minor-gc-task']

/**
 * The flags every counted Node process runs with: a function's counting worker, and
 * every Node process of a counted command or server (through the shim, repeatable.ts).
 */
export const COUNTED_NODE_FLAGS = [...REPEATABLE_NODE_FLAGS, ...CLOCK_FREE_GC_FLAGS]

/** A string as one word for `/bin/sh`: in single quotes, each `'` as `'\''`. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/**
 * The text of the `node` the counted PATH starts with: the real node (an absolute path)
 * with the repeatability flags, then the arguments it was given.
 */
export function nodeShimText(realNode: string, flags: readonly string[]): string {
  return (
    '#!/bin/sh\n' +
    '# perfgate: Node with flags that make its instruction count repeat.\n' +
    `exec ${[realNode, ...flags].map(shellWord).join(' ')} "$@"\n`
  )
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
 * own), and its command line lacks one of the flags.
 */
export function isUnflaggedNode(
  command: readonly string[],
  nodes: readonly string[],
  flags: readonly string[]
): boolean {
  const program = command[0]
  if (program === undefined) return false
  if (!NODE_NAME.test(path.basename(program)) && !nodes.includes(program)) return false
  return flags.some((flag) => !command.includes(flag))
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
  nodes: readonly string[],
  flags: readonly string[]
): { error: string; log: string } | undefined {
  for (const log of logs) {
    const command = loggedCommand(log)
    if (command === undefined || !isUnflaggedNode(command, nodes, flags)) continue
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
