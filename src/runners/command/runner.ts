/**
 * Runs one trial of a command benchmark: warm-up runs, then one measured run. Wall time is
 * taken here with the monotonic clock; user/system CPU and peak RSS come from the kernel's
 * rusage of the finished process tree as reported by GNU time (`/usr/bin/time -f`), since
 * Node does not expose getrusage(RUSAGE_CHILDREN). Without GNU time, only wall time is
 * reported. GNU time prints CPU with 10 ms resolution and RSS in KiB.
 *
 * Disk I/O comes from the same rusage: `%I` and `%O` are the tree's file-system inputs and
 * outputs in 512-byte blocks, which Linux derives from the task I/O accounting that
 * /proc/<pid>/io shows (`read_bytes`, `write_bytes` − `cancelled_write_bytes`): bytes that
 * went to or came from storage, not reads served from the page cache. Other systems fill
 * these fields differently or not at all, so disk metrics are reported on Linux only.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describeExit, startChild, type Finished } from '../../process/children.js'
import { createTempDir } from '../../process/cleanup.js'
import { leftoverDetails, leftoverText, type Leftover } from '../../process/leftovers.js'
import type { BenchmarkConfig, CommandSpec } from '../../config/types.js'
import type { TrialMetrics, TrialOutcome } from '../types.js'

const GNU_TIME = '/usr/bin/time'
const TIME_FORMAT = 'perfgate-rusage %U %S %M %I %O'
const BLOCK_BYTES = 512

let gnuTime: boolean | undefined

/** Whether GNU time is available (checked once per process). */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    const probe = spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' })
    gnuTime = probe.status === 0 && /GNU/.test(`${probe.stdout}${probe.stderr}`)
  }
  return gnuTime
}

function describeFailure(spec: CommandSpec, end: Finished, timeoutMs: number): string {
  const left = end.leftovers?.length ? `; it ${leftoverText(end.leftovers)}` : ''
  if (end.spawnError) return `could not start the command: ${end.spawnError.message}`
  if (end.timedOut) {
    return `command timed out after ${timeoutMs / 1000} s (killed): ${spec.run}${left}`
  }
  return `command ${describeExit(end)}: ${spec.run}${left}`
}

/** Parses GNU time's output line written with TIME_FORMAT. */
export function parseRusage(text: string): TrialMetrics | undefined {
  const line = text.split('\n').find((l) => l.startsWith('perfgate-rusage '))
  if (!line) return undefined
  const [user, sys, maxRssKiB, inputs, outputs] = line.split(' ').slice(1).map(Number)
  if (![user, sys, maxRssKiB].every((n) => Number.isFinite(n))) return undefined
  const disk =
    process.platform === 'linux' && Number.isFinite(inputs) && Number.isFinite(outputs)
      ? { diskRead: inputs! * BLOCK_BYTES, diskWrite: outputs! * BLOCK_BYTES }
      : {}
  return {
    user: user! * 1000,
    sys: sys! * 1000,
    cpu: (user! + sys!) * 1000,
    rss: maxRssKiB! * 1024,
    ...disk
  }
}

export async function runCommandTrial(
  benchmark: BenchmarkConfig,
  spec: CommandSpec
): Promise<TrialOutcome> {
  const trialStart = performance.now()
  const deadline = trialStart + benchmark.timeoutMs
  const env = spec.env
  const remaining = () => Math.max(1, deadline - performance.now())

  // Processes left by warm-up runs count too (stopped after each run).
  const leftovers: Leftover[] = []
  let checked = true
  for (let i = 0; i < spec.warmupRuns; i++) {
    const { finished } = startChild('/bin/sh', ['-c', spec.run], {
      cwd: spec.cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeoutMs: remaining()
    })
    const end = await finished
    if (end.leftovers) leftovers.push(...end.leftovers)
    else checked = false
    if (end.code !== 0) {
      return {
        ok: false,
        message: `warm-up run: ${describeFailure(spec, end, benchmark.timeoutMs)}`,
        stderrTail: end.stderr.text() || undefined,
        durationMs: performance.now() - trialStart
      }
    }
  }

  const useTime = hasGnuTime()
  // Registered for clean-up, so Ctrl-C during the run removes it too.
  const scratch = useTime ? createTempDir() : undefined
  try {
    const rusageFile = scratch ? path.join(scratch.path, 'rusage') : undefined
    const [command, args] = rusageFile
      ? [GNU_TIME, ['-f', TIME_FORMAT, '-o', rusageFile, '/bin/sh', '-c', spec.run]]
      : ['/bin/sh', ['-c', spec.run]]
    const runStart = performance.now()
    const { finished } = startChild(command, args, {
      cwd: spec.cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeoutMs: remaining()
    })
    const end = await finished
    // Until the process finished, not including the check for what it left behind.
    const wall = end.endedAt - runStart
    if (end.leftovers) leftovers.push(...end.leftovers)
    else checked = false
    if (end.code !== 0 || end.timedOut) {
      return {
        ok: false,
        message: describeFailure(spec, end, benchmark.timeoutMs),
        stderrTail: end.stderr.text() || undefined,
        durationMs: performance.now() - trialStart
      }
    }
    const rusage = rusageFile ? parseRusage(readFileSync(rusageFile, 'utf8')) : undefined
    return {
      ok: true,
      metrics: { wall, ...rusage },
      details: {
        rusage: rusage ? 'gnu-time' : 'unavailable',
        ...leftoverDetails(checked ? leftovers : undefined)
      },
      durationMs: performance.now() - trialStart
    }
  } finally {
    scratch?.remove()
  }
}
