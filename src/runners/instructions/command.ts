/**
 * Instructions per run of a command benchmark: the command's whole process tree under
 * valgrind (children traced), less what the `/bin/sh -c` wrapper perfgate adds, counted
 * once per perfgate process on an empty command. A command's start-up is its work (`node
 * cli.js --version` measures exactly that), so nothing else is subtracted; the Node
 * processes it starts run with the repeatability flags (repeatable.ts), so that start-up
 * repeats. Warm-up runs are
 * not needed: a count does not depend on warm caches, only on the work done; a command
 * whose work depends on what an earlier run left (a cache it writes) should be given the
 * same state by its own `setup`.
 */
import type { BenchmarkConfig, CommandSpec } from '../../config/types.js'
import { describeExit } from '../../process/children.js'
import type { TrialOutcome } from '../types.js'
import { startRepeatable } from './repeatable.js'
import { countedTimeoutMs, logTail, timedOutText } from './valgrind.js'

const SHELL = '/bin/sh'

/** The shell wrapper's own instructions (its count on an empty command). */
let wrapper: Promise<number | undefined> | undefined

async function countShell(
  run: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
  timeoutMs: number
): Promise<{ instructions: number } | { message: string; tail: string | undefined }> {
  const limitMs = countedTimeoutMs(timeoutMs)
  const counted = startRepeatable(SHELL, ['-c', run], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeoutMs: limitMs
  })
  if ('error' in counted) return { message: counted.error, tail: undefined }
  try {
    const end = await counted.started.finished
    const counts = counted.totals()
    if (end.spawnError) {
      return { message: `could not start valgrind: ${end.spawnError.message}`, tail: undefined }
    }
    if (end.timedOut || end.code !== 0) {
      const why = end.timedOut ? timedOutText(limitMs, timeoutMs) : describeExit(end)
      return {
        message: `command under valgrind ${why}: ${run}`,
        tail: end.stderr.text() || ('log' in counts ? logTail(counts.log) : undefined)
      }
    }
    if ('error' in counts) return { message: counts.error, tail: logTail(counts.log) }
    return counts
  } finally {
    counted.remove()
  }
}

/** One run's instructions, less the shell wrapper's. */
export async function countCommand(
  benchmark: BenchmarkConfig,
  spec: CommandSpec
): Promise<TrialOutcome> {
  const started = performance.now()
  wrapper ??= countShell(':', spec.cwd, {}, benchmark.timeoutMs).then((c) =>
    'instructions' in c ? c.instructions : undefined
  )
  const [shell, run] = await Promise.all([
    wrapper,
    countShell(spec.run, spec.cwd, spec.env, benchmark.timeoutMs)
  ])
  const durationMs = performance.now() - started
  if (!('instructions' in run)) {
    return { ok: false, message: run.message, stderrTail: run.tail, durationMs }
  }
  if (shell === undefined) {
    wrapper = undefined
    return {
      ok: false,
      message: `could not count the shell wrapper (${SHELL} -c :) under valgrind`,
      stderrTail: undefined,
      durationMs
    }
  }
  const instructions = run.instructions - shell
  return {
    ok: true,
    metrics: { instructions: Math.max(1, instructions) },
    details: { instructionsTotal: run.instructions, instructionsShell: shell },
    durationMs
  }
}
