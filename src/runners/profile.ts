/**
 * Profiled trials: one extra trial of a benchmark with V8's CPU profiler on, outside the
 * measured trials (its timings are not used). Function benchmarks are profiled in the
 * worker around the sampling phase. HTTP servers and commands are profiled when they run
 * on Node: a small preload passed through NODE_OPTIONS (`--require`, which every Node
 * release accepts there, unlike `--cpu-prof`) starts the profiler in each Node process and
 * writes its profile when the process exits or is stopped. No profile written means no
 * Node process ran, and the trial says so.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { BenchmarkConfig, CommandSpec, HttpSpec } from '../config/types.js'
import { runCommandTrial } from './command/runner.js'
import { runFunctionTrial } from './function/runner.js'
import { HttpTrialRunner, type LoadWindow } from './http/runner.js'
import { httpPairsInterleave, pairSides } from './interleave.js'
import type { Side, TrialOutcome } from './types.js'

export type ProfiledTrial =
  | {
      readonly ok: true
      /**
       * `.cpuprofile` files written, with the windows of the measured work (HTTP: the
       * measured load, or this side's slices of an interleaved pair).
       */
      readonly profiles: readonly {
        readonly file: string
        readonly windows?: readonly LoadWindow[]
      }[]
      /**
       * CPU time (µs) the trial measured for the work the profiles cover, when it has
       * that figure: the profiles are scaled to it (aggregate.ts, scaleToMeasured).
       */
      readonly cpuUs?: number
      /** Units of work the profiles cover, and what a unit is. */
      readonly units: number
      readonly unit: 'op' | 'request' | 'run'
    }
  | {
      readonly ok: false
      /** 'not-node': nothing to profile (a server or command that does not run Node). */
      readonly reason: 'failed' | 'not-node'
      readonly message: string
    }

export interface ProfileRunner {
  /** One profiled trial; profiles are written into `dir` (empty, created by the caller). */
  profileTrial(benchmark: BenchmarkConfig, dir: string): Promise<ProfiledTrial>
  /**
   * Base and head profiled together as an interleaved pair (HTTP with `load.interleave`),
   * each side's profiles written into its own `dirs` entry; undefined when this benchmark
   * is profiled one trial at a time.
   */
  profilePair?(
    pair: Readonly<Record<Side, BenchmarkConfig>>,
    dirs: Readonly<Record<Side, string>>,
    first: Side
  ): Promise<Record<Side, ProfiledTrial>> | undefined
}

/** Sampling interval of profiled trials, in µs (V8's default is 1000). */
export const PROFILE_INTERVAL_US = 100

/**
 * V8's CPU profiles do not show functions inlined by the optimizing compiler: their time
 * goes to the caller. Profiled trials run without inlining, so time lands on the function
 * that spends it (the trials are not measured; their figures are only compared side to side).
 */
export const NO_INLINING = '--no-turbo-inlining'

/** Environment variable naming where the preload writes its profile. */
const PROFILE_DIR_VARIABLE = 'PERFGATE_PROFILE_DIR'

const PRELOAD_FILE = 'perfgate-profile-preload.cjs'

/** A file the preload watches for: once it exists, profiles are written at once. */
const WRITE_NOW_FILE = 'write-now'

/**
 * The preload: the profiler on at start; the profile written (to a temporary name, then
 * renamed, so no half-written file is read) when perfgate creates WRITE_NOW_FILE after the
 * measured load, or else at exit, or on SIGTERM/SIGINT (then the process exits unless the
 * program handles the signal itself). The watch is a 50 ms timer that keeps nothing alive.
 */
const PRELOAD_SOURCE = `'use strict'
const dir = process.env.${PROFILE_DIR_VARIABLE}
if (dir) {
  require('node:v8').setFlagsFromString('${NO_INLINING}')
  const { Session } = require('node:inspector')
  const { existsSync, renameSync, writeFileSync } = require('node:fs')
  const { join } = require('node:path')
  const { threadId } = require('node:worker_threads')
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: ${PROFILE_INTERVAL_US} })
  session.post('Profiler.start')
  let written = false
  const write = () => {
    if (written) return
    written = true
    session.post('Profiler.stop', (error, result) => {
      if (error) return
      const file = join(dir, process.pid + '-' + threadId + '.cpuprofile')
      try {
        writeFileSync(file + '.part', JSON.stringify(result.profile))
        renameSync(file + '.part', file)
      } catch {}
    })
  }
  const watch = setInterval(() => {
    if (!existsSync(join(dir, '${WRITE_NOW_FILE}'))) return
    clearInterval(watch)
    write()
  }, 50)
  watch.unref()
  process.on('exit', write)
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
    process.on(signal, () => {
      write()
      if (process.listenerCount(signal) === 1) process.exit(code)
    })
  }
}
`

/** Quotes a path for NODE_OPTIONS (double quotes, backslash escapes). */
function quoteOption(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** The variables a server or command gets in a profiled trial (preload written to `dir`). */
function profilingEnv(dir: string, env: Readonly<Record<string, string>>): Record<string, string> {
  const preload = path.join(dir, PRELOAD_FILE)
  writeFileSync(preload, PRELOAD_SOURCE)
  const existing = env.NODE_OPTIONS ?? process.env.NODE_OPTIONS
  return {
    ...env,
    NODE_OPTIONS: [existing, `--require ${quoteOption(preload)}`].filter(Boolean).join(' '),
    [PROFILE_DIR_VARIABLE]: dir
  }
}

/**
 * Waits until the server's profiles are written: the first one appears and no more come
 * for a moment (a server of several Node processes writes several), at most a few seconds.
 */
async function profilesSettled(dir: string, maxMs = 3000): Promise<void> {
  const deadline = performance.now() + maxMs
  let last = -1
  let stableSince = performance.now()
  while (performance.now() < deadline) {
    const count = writtenProfiles(dir).length
    if (count !== last) {
      last = count
      stableSince = performance.now()
    } else if (count > 0 && performance.now() - stableSince >= 250) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function writtenProfiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .map((name) => path.join(dir, name))
}

const failed = (outcome: Extract<TrialOutcome, { ok: false }>): ProfiledTrial => ({
  ok: false,
  reason: 'failed',
  message: outcome.message
})

/** A server spec that profiles into `dir`: a server of its own, stopped after the trial. */
function profiledServer(spec: HttpSpec, dir: string): HttpSpec {
  return {
    ...spec,
    server: { ...spec.server, restart: 'per-trial', env: profilingEnv(dir, spec.server.env) }
  }
}

/** Has the servers write their profiles now, while they run (a stop may kill them first). */
async function writeProfilesNow(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) writeFileSync(path.join(dir, WRITE_NOW_FILE), '')
  await Promise.all(dirs.map((dir) => profilesSettled(dir)))
}

/** A profiled HTTP trial from its outcome, the profiles in `dir` and the measured windows. */
function httpProfiled(
  outcome: TrialOutcome,
  dir: string,
  windows: readonly LoadWindow[] | undefined
): ProfiledTrial {
  if (!outcome.ok) return failed(outcome)
  const files = writtenProfiles(dir)
  if (files.length === 0) {
    return {
      ok: false,
      reason: 'not-node',
      message: 'the server wrote no CPU profile: it does not run on Node (or ignores NODE_OPTIONS)'
    }
  }
  // The kernel's count of the server's CPU time during the measured load: the exact
  // window's (thread run times, in ns) where /proc has it, else the 200 ms samples' ticks.
  const windowCpu = Number(outcome.details.cpuSeconds)
  const serverCpu = outcome.metrics.serverCpu
  const seconds = Number(outcome.details.seconds)
  const cpuUs =
    windowCpu > 0
      ? windowCpu * 1e6
      : serverCpu !== undefined && seconds > 0
        ? serverCpu * seconds * 1e6
        : undefined
  return {
    ok: true,
    profiles: files.map((file) => ({ file, ...(windows ? { windows } : {}) })),
    ...(cpuUs !== undefined ? { cpuUs } : {}),
    units: Number(outcome.details.responses) || 0,
    unit: 'request'
  }
}

async function profileHttp(
  benchmark: BenchmarkConfig,
  spec: HttpSpec,
  dir: string
): Promise<ProfiledTrial> {
  let windows: LoadWindow[] | undefined
  const outcome = await new HttpTrialRunner().runTrial(
    benchmark,
    profiledServer(spec, dir),
    async (fromUs, toUs) => {
      windows = [{ fromUs, toUs }]
      await writeProfilesNow([dir])
    }
  )
  return httpProfiled(outcome, dir, windows)
}

/**
 * Base and head profiled as an interleaved pair: both servers profiled, the load
 * alternated between them as in a measured pair, each profile cut to its side's slices.
 * The machine's changing speed then moves both sides' profiles alike, which two profiled
 * trials one after the other do not (a request's share in Node's own HTTP code moved more
 * between those than a +10 % helper, docs/PERFORMANCE.md).
 */
async function profileHttpPair(
  pair: Readonly<Record<Side, { benchmark: BenchmarkConfig; spec: HttpSpec }>>,
  dirs: Readonly<Record<Side, string>>,
  first: Side
): Promise<Record<Side, ProfiledTrial>> {
  let slices: Record<Side, readonly LoadWindow[]> | undefined
  const outcomes = await new HttpTrialRunner().runPair(
    {
      base: { benchmark: pair.base.benchmark, spec: profiledServer(pair.base.spec, dirs.base) },
      head: { benchmark: pair.head.benchmark, spec: profiledServer(pair.head.spec, dirs.head) }
    },
    first,
    async (measured) => {
      slices = measured
      await writeProfilesNow([dirs.base, dirs.head])
    }
  )
  return {
    base: httpProfiled(outcomes.base, dirs.base, slices?.base),
    head: httpProfiled(outcomes.head, dirs.head, slices?.head)
  }
}

async function profileCommand(
  benchmark: BenchmarkConfig,
  spec: CommandSpec,
  dir: string
): Promise<ProfiledTrial> {
  const profiled: CommandSpec = { ...spec, env: profilingEnv(dir, spec.env) }
  const outcome = await runCommandTrial(benchmark, profiled)
  if (!outcome.ok) return failed(outcome)
  const files = writtenProfiles(dir)
  if (files.length === 0) {
    return {
      ok: false,
      reason: 'not-node',
      message: 'the command wrote no CPU profile: it does not run Node (or ignores NODE_OPTIONS)'
    }
  }
  // Every run of the trial (warm-up runs too) is profiled.
  return {
    ok: true,
    profiles: files.map((file) => ({ file })),
    units: spec.warmupRuns + 1,
    unit: 'run'
  }
}

/** The real profile runner: fresh processes, by benchmark kind. */
export function createProcessProfileRunner(): ProfileRunner {
  return {
    async profileTrial(benchmark, dir) {
      const spec = benchmark.spec
      switch (spec.kind) {
        case 'function': {
          const file = path.join(dir, 'worker.cpuprofile')
          const outcome = await runFunctionTrial(benchmark, spec, file)
          if (!outcome.ok) return failed(outcome)
          const ops = Number(outcome.details.samples) * Number(outcome.details.batchSize)
          // The kernel's CPU time of the profiled phase, as the worker read it.
          let cpuUs = 0
          try {
            cpuUs = Number(readFileSync(`${file}.cpu`, 'utf8'))
          } catch {
            // not written: the profile's own sampled times are used
          }
          return {
            ok: true,
            profiles: [{ file }],
            ...(cpuUs > 0 ? { cpuUs } : {}),
            units: ops,
            unit: 'op'
          }
        }
        case 'http':
          return profileHttp(benchmark, spec, dir)
        case 'command':
          return profileCommand(benchmark, spec, dir)
      }
    },
    profilePair(pair, dirs, first) {
      const base = pair.base.spec
      const head = pair.head.spec
      if (base.kind !== 'http' || head.kind !== 'http') return undefined
      if (!httpPairsInterleave(base, head)) return undefined
      return profileHttpPair(pairSides(pair, base, head), dirs, first)
    }
  }
}
