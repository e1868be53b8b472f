/**
 * The profile use case: after an A/B run has been judged, extra profiled trials of base and
 * head (at most two per side, interleaved, outside the measured trials: no verdict reads
 * them) for each benchmark that regressed (or every compared one, `profile: always`); the
 * profiles aggregated by function per unit of work and diffed; both sides' `.cpuprofile`
 * files and a differential flame graph page written to the output directory when one is
 * given.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { readRegularFile } from '../regular-file.js'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchmarkConfig, ProfileMode } from '../config/types.js'
import { printable } from '../config/errors.js'
import { createTempDir } from '../process/cleanup.js'
import {
  aggregateProfiles,
  scaleTable,
  scaleToMeasured,
  type ProfileInput,
  type ProfileTable
} from '../profile/aggregate.js'
import { parseCpuProfile, PROFILE_LIMITS, type CpuProfile } from '../profile/cpuprofile.js'
import { diffProfiles } from '../profile/diff.js'
import type { BenchmarkProfile } from '../profile/types.js'

export type { BenchmarkProfile }
import { renderFlameGraph } from '../profile/flamegraph.js'
import type { BenchmarkResult, Results, TrialResult } from '../results/types.js'
import type { ProfileRunner, ProfiledTrial } from '../runners/profile.js'
import { median } from '../stats/quantile.js'
import type { Side } from '../runners/types.js'
import { WORKER_URL } from '../runtime-files.js'
import type { ProgressStream } from './progress.js'

/** Profiled trials per side (the cost limit: at most two). */
export const PROFILE_TRIALS_PER_SIDE = 2

export interface ProfileDependencies {
  readonly runner: ProfileRunner
  readonly log: ProgressStream
  /** Where `<benchmark>/{base,head}-N.cpuprofile` and `flamegraph.html` go; none: not kept. */
  readonly outDir?: string
}

export interface ProfileSides {
  /** Head's benchmarks that were measured, and their base counterpart. */
  readonly pairs: readonly { readonly head: BenchmarkConfig; readonly base: BenchmarkConfig }[]
  /** Repository roots of the head checkout and the base worktree. */
  readonly headRoot: string
  readonly baseRoot: string
  /**
   * CPU time per unit of work of each side from the measured pairs, by benchmark
   * (measuredPerUnit): the profiles say how it divides between functions.
   */
  readonly measured?: ReadonlyMap<string, { readonly base?: number; readonly head?: number }>
}

/**
 * CPU time per unit of work (µs) of one measured trial: function benchmarks the mean time
 * per operation; HTTP the server's CPU per request (the exact window's where measured,
 * else server CPU / requests per second); commands user + system CPU per run, else wall.
 */
export function trialPerUnit(
  kind: BenchmarkResult['kind'],
  m: TrialResult['metrics']
): number | undefined {
  switch (kind) {
    case 'function':
      return m.mean === undefined ? undefined : m.mean * 1000
    case 'http':
      if (m.cpuPerRequest !== undefined) return m.cpuPerRequest * 1000
      return m.serverCpu === undefined || !m.rps ? undefined : (m.serverCpu / m.rps) * 1e6
    case 'command': {
      const ms = m.cpu ?? m.wall
      return ms === undefined ? undefined : ms * 1000
    }
  }
}

/** The median (type 7, as everywhere in perfgate), or undefined for no values. */
const medianOf = (xs: readonly number[]): number | undefined =>
  xs.length === 0 ? undefined : median(xs)

/**
 * Each side's CPU time per unit from paired measurements (`base[i]` and `head[i]` one
 * pair): base's median, and head as base's × the median of the per-pair ratios. Taking
 * each side's own median instead would compare different pairs, so the machine's drift
 * between pairs would land in the head/base ratio, and through the scaling of the
 * profiles on the largest entries (Node's internals) rather than on the function that
 * changed. Unpaired values: each side's median.
 */
export function pairedPerUnit(
  base: readonly (number | undefined)[],
  head: readonly (number | undefined)[]
): { base?: number; head?: number } {
  const known = (xs: readonly (number | undefined)[]) =>
    xs.filter((x): x is number => x !== undefined && x > 0)
  const baseValue = medianOf(known(base))
  const ratios: number[] = []
  for (let i = 0; i < Math.min(base.length, head.length); i++) {
    const b = base[i]
    const h = head[i]
    if (b !== undefined && h !== undefined && b > 0 && h > 0) ratios.push(h / b)
  }
  const ratio = medianOf(ratios)
  const headValue =
    baseValue !== undefined && ratio !== undefined ? baseValue * ratio : medianOf(known(head))
  return {
    ...(baseValue !== undefined ? { base: baseValue } : {}),
    ...(headValue !== undefined ? { head: headValue } : {})
  }
}

/** Both sides' CPU time per unit from an A/B run's measured trials (see pairedPerUnit). */
export function measuredPerUnit(
  head: BenchmarkResult | undefined,
  base: BenchmarkResult | undefined
): { base?: number; head?: number } {
  const values = (result: BenchmarkResult | undefined) =>
    result?.trials.map((t) => trialPerUnit(result.kind, t.metrics)) ?? []
  return pairedPerUnit(values(base), values(head))
}

/** Names of the benchmarks a mode profiles, from judged results. */
export function benchmarksToProfile(results: Results, mode: ProfileMode): string[] {
  if (mode === 'never' || !results.comparison) return []
  return results.comparison.benchmarks
    .filter((b) => b.status === 'compared')
    .filter((b) => mode === 'always' || b.metrics.some((m) => m.verdict === 'regression'))
    .map((b) => b.name)
}

/**
 * A benchmark's directory name: a readable slug of its name and a hash of the exact name,
 * so names that differ only in punctuation or script (`x/y` and `x y`, two Cyrillic names)
 * never share a directory.
 */
export function profileDirName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '')
    .slice(0, 60)
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 10)
  return `${slug || 'benchmark'}-${hash}`
}

/**
 * Reads one profile a profiled trial left. The file was written by the code under test:
 * only a regular file within the size limit is read (a FIFO would block the read forever),
 * and its tree is checked before anything walks it. Errors say which profile and why.
 */
function readProfile(file: string, side: Side): CpuProfile {
  const source = `could not use ${side}'s profile ${path.basename(file)}`
  let text: string
  try {
    text = readRegularFile(file, PROFILE_LIMITS.bytes, { noFollow: true }).toString('utf8')
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`)
  }
  return parseCpuProfile(text, source)
}

/** perfgate's own files (the worker's timing loop) show as one entry. */
const HARNESS_DIR = path.dirname(fileURLToPath(WORKER_URL))

interface SideRun {
  readonly inputs: ProfileInput[]
  units: number
  unit: string
  readonly files: string[]
  trials: number
  failure?: Extract<ProfiledTrial, { ok: false }>
}

/** Profiles the chosen benchmarks of a judged A/B run (see the module comment). */
export async function profileBenchmarks(
  names: readonly string[],
  sides: ProfileSides,
  deps: ProfileDependencies
): Promise<BenchmarkProfile[]> {
  const found: BenchmarkProfile[] = []
  for (const name of names) {
    const pair = sides.pairs.find((p) => p.head.name === name)
    if (!pair) continue
    try {
      found.push(await profileOne(name, pair, sides, deps))
    } catch (error) {
      // A profile is a diagnosis: failing to take one never fails the run. The reason can
      // quote the profile (a file name, a JSON snippet): one printable line.
      const message = printable((error as Error).message)
      deps.log.write(`${name}: no profile: ${message}\n`)
      found.push({ benchmark: name, status: 'unavailable', message })
    }
  }
  return found
}

async function profileOne(
  name: string,
  pair: ProfileSides['pairs'][number],
  sides: ProfileSides,
  deps: ProfileDependencies
): Promise<BenchmarkProfile> {
  {
    deps.log.write(
      `${name}: profiling base and head (${PROFILE_TRIALS_PER_SIDE} extra trials each, not measured)\n`
    )
    const outDir = deps.outDir ? path.join(deps.outDir, profileDirName(name)) : undefined
    if (outDir) mkdirSync(outDir, { recursive: true })
    const run: Record<'base' | 'head', SideRun> = {
      base: { inputs: [], units: 0, unit: 'op', files: [], trials: 0 },
      head: { inputs: [], units: 0, unit: 'op', files: [], trials: 0 }
    }
    /** One side's profiled trial `i`: its profiles read, kept in outDir, scaled. */
    const take = (side: Side, i: number, trial: ProfiledTrial) => {
      const side_ = run[side]
      if (!trial.ok) {
        side_.failure = trial
        return
      }
      side_.trials++
      side_.units += trial.units
      side_.unit = trial.unit
      const inputs: ProfileInput[] = trial.profiles.map((p, j) => {
        const profile = readProfile(p.file, side)
        if (outDir) {
          const suffix = trial.profiles.length > 1 ? `-${j + 1}` : ''
          const target = path.join(outDir, `${side}-${i + 1}${suffix}.cpuprofile`)
          copyFileSync(p.file, target)
          side_.files.push(target)
        }
        return { profile, ...(p.windows ? { windows: p.windows } : {}) }
      })
      side_.inputs.push(
        ...(trial.cpuUs === undefined ? inputs : scaleToMeasured(inputs, trial.cpuUs))
      )
    }
    for (let i = 0; i < PROFILE_TRIALS_PER_SIDE; i++) {
      // Alternating order, so neither side always runs on a warmer machine.
      const order = i % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)
      const dirs = {
        base: createTempDir('perfgate-profile-'),
        head: createTempDir('perfgate-profile-')
      }
      try {
        // Where the runner can, both sides at once (interleaved HTTP), else one at a time.
        const both =
          run.base.failure || run.head.failure
            ? undefined
            : await deps.runner.profilePair?.(
                pair,
                { base: dirs.base.path, head: dirs.head.path },
                order[0]
              )
        for (const side of order) {
          if (both) take(side, i, both[side])
          else if (!run[side].failure) {
            take(side, i, await deps.runner.profileTrial(pair[side], dirs[side].path))
          }
        }
      } finally {
        dirs.base.remove()
        dirs.head.remove()
      }
    }
    const failure = run.base.failure ?? run.head.failure
    if (run.base.trials === 0 || run.head.trials === 0 || failure?.reason === 'not-node') {
      const message = failure?.message ?? 'no profile was taken'
      deps.log.write(`${name}: no profile: ${message}\n`)
      return { benchmark: name, status: 'unavailable', message }
    }
    const table = (side: 'base' | 'head'): ProfileTable =>
      aggregateProfiles(run[side].inputs, run[side].units, run[side].unit, {
        root: side === 'base' ? sides.baseRoot : sides.headRoot,
        groups: [{ dir: HARNESS_DIR, label: '(perfgate harness)' }]
      })
    const measured = sides.measured?.get(name)
    const scaled = (side: 'base' | 'head') => {
      const perUnit = measured?.[side]
      return perUnit === undefined ? table(side) : scaleTable(table(side), perUnit)
    }
    const base = scaled('base')
    const head = scaled('head')
    const diff = diffProfiles(base, head)
    let files: Extract<BenchmarkProfile, { status: 'profiled' }>['files']
    if (outDir) {
      const flameGraph = path.join(outDir, 'flamegraph.html')
      writeFileSync(
        flameGraph,
        renderFlameGraph({
          title: `perfgate: where the time went in ${name} (base → head)`,
          unit: head.unit,
          base: base.tree,
          head: head.tree
        })
      )
      files = { base: run.base.files, head: run.head.files, flameGraph }
      deps.log.write(`${name}: profiles and flame graph written to ${outDir}\n`)
    }
    return {
      benchmark: name,
      status: 'profiled',
      diff,
      trials: { base: run.base.trials, head: run.head.trials },
      ...(files ? { files } : {})
    }
  }
}
