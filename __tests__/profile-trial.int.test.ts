// Real profiled trials: a function worker with V8's profiler around its sampling phase, a
// Node HTTP server and a Node command profiled through the NODE_OPTIONS preload, and a
// command that runs no Node. Structure only (a profile exists, the hot helper is in it),
// never timing.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import { aggregateProfiles } from '../src/profile/aggregate.js'
import { parseCpuProfile } from '../src/profile/cpuprofile.js'
import { createProcessProfileRunner, type ProfiledTrial } from '../src/runners/profile.js'
import {
  BENCH_FIXTURES,
  commandBenchmark,
  functionBenchmark,
  HTTP_FIXTURES,
  httpBenchmark
} from './helpers/benchmarks.js'
import { scratchDir } from './helpers/scratch.js'

const runner = createProcessProfileRunner()
const freshDir = () => scratchDir('perfgate-profile-test-')

function table(trial: ProfiledTrial, root: string) {
  if (!trial.ok) throw new Error(trial.message)
  const inputs = trial.profiles.map((p) => ({
    profile: parseCpuProfile(readFileSync(p.file, 'utf8'), p.file),
    ...(p.windows ? { windows: p.windows } : {})
  }))
  return aggregateProfiles(inputs, trial.units, trial.unit, { root })
}

afterEach(async () => {
  for (let i = 0; i < 50 && liveChildCount() > 0; i++) await new Promise((r) => setTimeout(r, 20))
  expect(liveChildCount()).toBe(0)
})

describe('profiled trials', () => {
  it('profile a function benchmark in its worker, per operation', async () => {
    const benchmark = functionBenchmark('hot.bench.js', { timeMs: 300, warmupMs: 50 })
    const trial = await runner.profileTrial(benchmark, freshDir())
    if (!trial.ok) throw new Error(trial.message)
    expect(trial.unit).toBe('op')
    expect(trial.units).toBeGreaterThan(0)
    expect(trial.profiles).toHaveLength(1)
    const t = table(trial, BENCH_FIXTURES)
    expect(t.samples).toBeGreaterThan(0)
    const hot = t.functions.find((f) => f.name === 'hotHelper')
    expect(hot).toMatchObject({ file: 'hot.bench.js', line: 4, kind: 'code' })
    // Its caller's total includes it (up to the few samples V8 takes while a frame is
    // being entered, whose stack lacks the caller).
    const middle = t.functions.find((f) => f.name === 'middleStep')
    expect(middle).toBeDefined()
    expect(middle!.total).toBeGreaterThanOrEqual(hot!.total * 0.95)
  })

  it('profile a Node HTTP server through NODE_OPTIONS, per response of the measured load', async () => {
    const benchmark = httpBenchmark('', '/work', {
      server: { command: 'node hot-server.js' },
      load: { durationMs: 500, warmupMs: 100 }
    })
    const dir = freshDir()
    const trial = await runner.profileTrial(benchmark, dir)
    if (!trial.ok) throw new Error(trial.message)
    expect(trial.unit).toBe('request')
    expect(trial.units).toBeGreaterThan(0)
    expect(trial.profiles.length).toBeGreaterThanOrEqual(1)
    expect(trial.profiles[0]!.windows![0]!.toUs).toBeGreaterThan(
      trial.profiles[0]!.windows![0]!.fromUs
    )
    const t = table(trial, HTTP_FIXTURES)
    expect(t.functions.find((f) => f.name === 'hotHelper')).toMatchObject({
      file: 'hot-server.js',
      kind: 'code'
    })
  })

  it('profile an interleaved HTTP pair, each side cut to its own slices', async () => {
    const benchmark = () =>
      httpBenchmark('', '/work', {
        server: { command: 'node hot-server.js' },
        load: { durationMs: 400, warmupMs: 100 }
      })
    const pair = { base: benchmark(), head: benchmark() }
    const dirs = { base: freshDir(), head: freshDir() }
    const trials = await runner.profilePair!(pair, dirs, 'head')
    expect(trials).toBeDefined()
    const windows: Record<'base' | 'head', { fromUs: number; toUs: number }[]> = {
      base: [],
      head: []
    }
    for (const side of ['base', 'head'] as const) {
      const trial = trials![side]
      if (!trial.ok) throw new Error(`${side}: ${trial.message}`)
      expect(trial.unit).toBe('request')
      expect(trial.units).toBeGreaterThan(0)
      expect(trial.cpuUs).toBeGreaterThan(0)
      // Each side's profiles in its own directory, cut to its 4 slices of 100 ms.
      for (const p of trial.profiles) expect(path.dirname(p.file)).toBe(dirs[side])
      windows[side] = [...trial.profiles[0]!.windows!]
      expect(windows[side]).toHaveLength(4)
      expect(
        table(trial, HTTP_FIXTURES).functions.find((f) => f.name === 'hotHelper')
      ).toBeDefined()
    }
    // Slices alternate head, base, base, head, … and never overlap.
    const all = [
      ...windows.base.map((w) => ({ ...w, side: 'base' })),
      ...windows.head.map((w) => ({ ...w, side: 'head' }))
    ].sort((a, b) => a.fromUs - b.fromUs)
    expect(all.map((w) => w.side)).toEqual([
      'head',
      'base',
      'base',
      'head',
      'head',
      'base',
      'base',
      'head'
    ])
    for (let i = 1; i < all.length; i++)
      expect(all[i]!.fromUs).toBeGreaterThanOrEqual(all[i - 1]!.toUs)
  })

  it('profile HTTP pairs one side at a time where they do not interleave', () => {
    const off = httpBenchmark('', '/work', { load: { interleave: false } })
    expect(
      runner.profilePair!({ base: off, head: off }, { base: '', head: '' }, 'base')
    ).toBeUndefined()
    const fn = functionBenchmark('hot.bench.js')
    expect(
      runner.profilePair!({ base: fn, head: fn }, { base: '', head: '' }, 'base')
    ).toBeUndefined()
  })

  it('profile a command that runs Node, every run of the trial', async () => {
    const benchmark = commandBenchmark(
      'node -e "let s = 0; for (let i = 0; i < 3e6; i++) s += Math.sqrt(i)"',
      { warmupRuns: 1 }
    )
    const trial = await runner.profileTrial(benchmark, freshDir())
    if (!trial.ok) throw new Error(trial.message)
    expect(trial.unit).toBe('run')
    expect(trial.units).toBe(2)
    expect(trial.profiles).toHaveLength(2)
  })

  it('say plainly when a command runs no Node', async () => {
    const trial = await runner.profileTrial(commandBenchmark('true'), freshDir())
    expect(trial).toEqual({
      ok: false,
      reason: 'not-node',
      message: 'the command wrote no CPU profile: it does not run Node (or ignores NODE_OPTIONS)'
    })
  })

  it('report a failing trial as a failure, not as a profile', async () => {
    const trial = await runner.profileTrial(commandBenchmark('exit 3'), freshDir())
    expect(trial.ok).toBe(false)
    expect(!trial.ok && trial.reason).toBe('failed')
  })
})
