/**
 * Counting executed instructions: a process (and every process it starts) under valgrind's
 * cachegrind without its cache simulation (`--cache-sim=no`: the count alone, the cheapest
 * tool that gives it, ~30-60× slower than native). valgrind writes each process's totals
 * to its own log file (`--log-file=…/vg.%p`), never into the benchmark's own output, and
 * only when the process exits normally: a process killed by a signal leaves no totals, and
 * is an error rather than a smaller number. No hardware counters are needed (GitHub's
 * hosted runners have none).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import path from 'node:path'
import { startChild, type ChildOptions, type Started } from '../../process/children.js'
import { createTempDir } from '../../process/cleanup.js'

export const VALGRIND = 'valgrind'

/** The fix named in every "valgrind missing" error. */
export const VALGRIND_INSTALL = 'sudo apt-get install -y valgrind'

/** The probe's answer per PATH (valgrind is looked up on it). */
const found = new Map<string, string | undefined>()

/**
 * Why instructions cannot be counted here, or undefined when valgrind runs (checked once
 * per PATH).
 */
export function valgrindProblem(): string | undefined {
  if (process.platform !== 'linux') {
    return (
      `instruction counts need valgrind on Linux (this is ${process.platform}); ` +
      `measure time here, or count instructions on a Linux runner`
    )
  }
  const key = process.env.PATH ?? ''
  if (found.has(key)) return found.get(key)
  // The environment children get: valgrind is found, or not, as they would find it.
  const probe = spawnSync(VALGRIND, ['--version'], { encoding: 'utf8', env: process.env })
  const problem =
    probe.status === 0 && /valgrind/i.test(probe.stdout)
      ? undefined
      : `instruction counts need valgrind, which is not installed or not on PATH ` +
        `(${probe.error ? probe.error.message : `valgrind --version exited with ${probe.status}`}); ` +
        `install it (on GitHub's Ubuntu runners: ${VALGRIND_INSTALL})`
  found.set(key, problem)
  return problem
}

/** A process tree started under valgrind; its totals are read once it has ended. */
export interface Counted {
  readonly started: Started
  /** Sums every process's instructions; an error text when one left no totals. */
  totals(): { instructions: number } | { error: string; log: string }
  /** Every process's valgrind log (its "Command:" line, its totals), once it has ended. */
  logs(): string[]
  /** Removes the log files. */
  remove(): void
}

/** The most a counted process's timeout is stretched by the machine's load. */
export const MAX_TIMEOUT_STRETCH = 4

/**
 * The timeout of a counted process: the benchmark's `timeout` stretched by how busy the
 * machine is (the load average over the CPUs, when above 1; at most
 * MAX_TIMEOUT_STRETCH times, so a hung bench on a crowded host is still stopped). A
 * count's work does not change with the machine's load, but valgrind runs it on one CPU,
 * so its wall time grows with every process that shares that CPU: at a load of 8.6 on 2
 * CPUs a worker that takes 40 s on a quiet machine went past a 2-minute timeout.
 */
export function countedTimeoutMs(
  timeoutMs: number,
  load: number = loadavg()[0] ?? 0,
  cpus: number = availableParallelism()
): number {
  const stretch = Math.min(MAX_TIMEOUT_STRETCH, Math.max(1, load / Math.max(1, cpus)))
  return Math.round(timeoutMs * stretch)
}

/** "timed out after 240 s (killed)", naming the benchmark's timeout when it was stretched. */
export function timedOutText(limitMs: number, timeoutMs: number): string {
  const stretched =
    limitMs > timeoutMs ? `: the timeout of ${timeoutMs / 1000} s stretched by the load` : ''
  return `timed out after ${Math.round(limitMs / 1000)} s (killed${stretched})`
}

const I_REFS = /^==\d+== I\s+refs:\s+([\d,]+)\s*$/m

/**
 * How long the other processes of a counted group get to write their totals once its
 * leader (often the shell that started them) has exited, before they are killed: valgrind
 * writes a process's totals as it ends, which takes seconds on a busy machine.
 */
const COUNTED_GROUP_GRACE_MS = 60_000

/** Starts `command args` under cachegrind (children traced), through startChild. */
export function startCounted(
  command: string,
  args: readonly string[],
  options: ChildOptions
): Counted {
  const logs = createTempDir('perfgate-valgrind-')
  const started = startChild(
    VALGRIND,
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/dev/null',
      '--trace-children=yes',
      `--log-file=${path.join(logs.path, 'vg.%p')}`,
      command,
      ...args
    ],
    { groupGraceMs: COUNTED_GROUP_GRACE_MS, ...options }
  )
  const read = () =>
    readdirSync(logs.path).map((file) => readFileSync(path.join(logs.path, file), 'utf8'))
  return {
    started,
    totals() {
      let sum = 0
      let lastLog = ''
      const texts = read()
      for (const text of texts) {
        lastLog = text
        const match = I_REFS.exec(text)
        if (!match) {
          return {
            error:
              'a process under valgrind ended without its instruction totals ' +
              '(killed by a signal, or valgrind could not run it)',
            log: text
          }
        }
        sum += Number(match[1]!.replaceAll(',', ''))
      }
      if (texts.length === 0) return { error: 'valgrind wrote no totals', log: lastLog }
      return { instructions: sum }
    },
    logs: read,
    remove: logs.remove
  }
}

/**
 * The native function whose entry ends one counted window and starts the next in a
 * windowed count: Node's `os.getPriority()` (count.ts's markWindow). callgrind finds it by
 * name in the node binary's symbol table (Node's release builds and Linux distributions'
 * keep it); a binary without symbols marks no window, which is an error, not a number.
 */
export const WINDOW_MARK = 'node::os::GetPriority*'

/** A process started under callgrind, its counters dumped at each WINDOW_MARK. */
export interface Windowed {
  readonly started: Started
  /** The instructions of each window closed so far, in order. */
  windows(): number[]
  /** valgrind's own log (why a run failed), empty when there is none. */
  log(): string
  /** Removes the dumps and the log. */
  remove(): void
}

const SUMMARY = /^summary:\s+(\d+)\s*$/m
const PART_FILE = /^callgrind\.out\.(\d+)-01$/

/** The instructions a callgrind dump holds (its `summary:` line), or undefined. */
export function callgrindSummary(dump: string): number | undefined {
  const match = SUMMARY.exec(dump)
  return match ? Number(match[1]) : undefined
}

/**
 * The main thread's dumps in a directory (`callgrind.out.<part>-01`), in part order, as
 * instruction counts; a dump without its summary (still being written) ends the list.
 */
export function windowCounts(dir: string): number[] {
  const parts = readdirSync(dir)
    .map((file) => PART_FILE.exec(file))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b)
  const counts: number[] = []
  for (const part of parts) {
    const count = callgrindSummary(readFileSync(path.join(dir, `callgrind.out.${part}-01`), 'utf8'))
    if (count === undefined) break
    counts.push(count)
  }
  return counts
}

/**
 * Starts `command args` (one process, children not traced) under callgrind without cache
 * simulation, dumping (then zeroing) its counters as each WINDOW_MARK is entered: the
 * count between two marks, inside one process. Threads are counted apart and only the
 * main thread's windows are read: with `--predictable` V8 runs the bench's code, its
 * compiler and its collector there, while the other threads (a module-hooks thread,
 * Node's and libuv's pools) wake and wait as the machine schedules them — counted
 * together, a window spread 1.6 %; the main thread alone, 0.006 %.
 */
export function startWindowed(
  command: string,
  args: readonly string[],
  options: ChildOptions
): Windowed {
  const dir = createTempDir('perfgate-callgrind-')
  const logFile = path.join(dir.path, 'valgrind.log')
  const started = startChild(
    VALGRIND,
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      `--callgrind-out-file=${path.join(dir.path, 'callgrind.out')}`,
      `--dump-before=${WINDOW_MARK}`,
      `--log-file=${logFile}`,
      command,
      ...args
    ],
    options
  )
  return {
    started,
    windows: () => windowCounts(dir.path),
    log: () => {
      try {
        return readFileSync(logFile, 'utf8')
      } catch {
        return ''
      }
    },
    remove: dir.remove
  }
}

/** The last lines of a valgrind log, for an errored row. */
export function logTail(log: string, lines = 8): string {
  return log.trimEnd().split('\n').slice(-lines).join('\n')
}
