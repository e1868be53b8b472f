// Shards and merge with a scripted runner over a real git repository: the assignment, the
// merged verdicts against one runner's on the same trials, Holm over the whole suite, and
// merge's refusals.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadConfigFile } from '../src/app/files.js'
import { mergeShards } from '../src/app/merge.js'
import { outcomeOf } from '../src/app/outcome.js'
import { RequestError } from '../src/app/requests.js'
import { runBenchmarks } from '../src/app/run.js'
import { buildReport } from '../src/report/model.js'
import { assignShards, parseShard } from '../src/app/shards.js'
import type { Results } from '../src/results/types.js'
import type { TrialRunner } from '../src/runners/types.js'
import { createRandom } from '../src/stats/random.js'
import { git } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const silent = { write: () => true }

describe('assignShards', () => {
  it('puts every benchmark in exactly one shard, deterministically and balanced', () => {
    const random = createRandom(11)
    for (let round = 0; round < 50; round++) {
      const count = 1 + Math.floor(random.next() * 6)
      const items = Array.from({ length: Math.floor(random.next() * 30) }, (_, i) => ({
        name: `b${i}`,
        ms: Math.floor(random.next() * 1000) + 1
      }))
      const shards = assignShards(items, count, (b) => b.ms)
      expect(shards).toHaveLength(count)
      expect(
        shards
          .flat()
          .map((b) => b.name)
          .sort()
      ).toEqual(items.map((b) => b.name).sort())
      expect(assignShards(items, count, (b) => b.ms)).toEqual(shards)
      // Longest-first greedy: no shard exceeds the lightest by more than the longest item.
      const loads = shards.map((s) => s.reduce((sum, b) => sum + b.ms, 0))
      const longest = Math.max(0, ...items.map((b) => b.ms))
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(longest)
      // Config order inside a shard.
      for (const shard of shards) {
        const positions = shard.map((b) => items.indexOf(b))
        expect(positions).toEqual([...positions].sort((a, b) => a - b))
      }
    }
  })

  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 })
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '1/3/4', '-1/2']) {
      expect(() => parseShard(bad)).toThrow(RequestError)
    }
  })
})

/** A repository with 12 command benchmarks, committed (the base is HEAD itself). */
function suiteRepo(): string {
  const dir = scratchDir('perfgate-shards-')
  git(dir, 'init', '--quiet')
  const names = Array.from({ length: 12 }, (_, i) => `bench ${String(i + 1).padStart(2, '0')}`)
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    'benchmarks:\n' +
      names.map((n) => `  - name: "${n}"\n    command: { run: "true" }\n    trials: 6\n`).join('')
  )
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'suite')
  return dir
}

/**
 * Trial values that depend only on the benchmark, the side and the trial index, never on
 * the order of calls: the same trials whether one runner or three measure the suite.
 */
function deterministicRunner(): TrialRunner {
  const effect = (name: string) => {
    const n = Number(name.slice(-2))
    return n % 4 === 0 ? 1.3 : n % 4 === 1 ? 0.75 : 1
  }
  return {
    async runTrial(benchmark, trial) {
      const spec = benchmark.spec as { cwd: string }
      const base = spec.cwd.includes('perfgate-base-')
      const n = Number(benchmark.name.slice(-2))
      const noise = 1 + 0.01 * Math.sin(n * 7.3 + trial * 1.7 + (base ? 0.5 : 0))
      return okTrial(100 * noise * (base ? 1 : effect(benchmark.name)))
    }
  }
}

async function measure(dir: string, shard?: { index: number; count: number }) {
  return runBenchmarks(
    {
      config: loadConfigFile(dir, undefined),
      baseline: { kind: 'merge-base', ref: 'HEAD' },
      seed: 42,
      setupHead: false,
      ...(shard ? { shard } : {})
    },
    { runner: deterministicRunner(), log: silent }
  )
}

const verdicts = (r: Results) =>
  r.comparison!.benchmarks.map((b) => [b.name, b.metrics.map((m) => [m.verdict, m.pAdjusted])])

describe('merge', () => {
  let dir: string
  let single: Results
  let shards: Results[]
  beforeAll(async () => {
    dir = suiteRepo()
    single = await measure(dir)
    shards = []
    for (const index of [1, 2, 3]) shards.push(await measure(dir, { index, count: 3 }))
  }, 120_000)

  it('judges the shards as one run: the same verdicts as one runner, Holm over all 12 tests', () => {
    expect(shards.map((s) => s.benchmarks.length)).toEqual([4, 4, 4])
    expect(shards.map((s) => s.shard!.familySize)).toEqual([12, 12, 12])
    const merged = mergeShards(shards.map((results, i) => ({ source: `s${i}.json`, results })))
    expect(merged.merged).toEqual({ shards: 3 })
    expect(merged.comparison!.tests).toBe(12)
    expect(merged.benchmarks.map((b) => b.name)).toEqual(single.benchmarks.map((b) => b.name))
    expect(verdicts(merged)).toEqual(verdicts(single))
    expect(merged.comparison!.counts).toMatchObject({ regressions: 3, improvements: 3 })
    expect(outcomeOf(merged)).toEqual(outcomeOf(single))
    expect(buildReport(merged, merged.comparison!).context).toContain(
      'measured side by side on 3 runners'
    )
    expect(buildReport(shards[0]!, shards[0]!.comparison!).context).toContain(
      'Shard 1/3 of the suite: the merged results decide the gate.'
    )
    // A shard alone never fails the gate: its Holm family is only part of the suite.
    expect(shards.map((s) => outcomeOf(s).exitCode)).toEqual([0, 0, 0])
  })

  it('refuses shards that do not belong together, and says which', () => {
    const files = shards.map((results, i) => ({ source: `s${i + 1}.json`, results }))
    const refuse = (given: typeof files, message: RegExp) => {
      expect(() => mergeShards(given)).toThrow(RequestError)
      expect(() => mergeShards(given)).toThrow(message)
    }
    refuse([files[0]!, files[2]!], /shard 2\/3 is missing/)
    refuse([files[0]!, files[1]!, files[1]!], /shard 2\/3 is given twice: s2.json and s2.json/)
    refuse(
      [files[0]!, { ...files[1]!, results: { ...shards[1]!, seed: 7 } }, files[2]!],
      /seeds 42 and 7/
    )
    const otherCommit = {
      ...shards[2]!,
      environment: { ...shards[2]!.environment, git: { commit: 'f'.repeat(40), dirty: false } }
    }
    refuse(
      [files[0]!, files[1]!, { source: 's3.json', results: otherCommit }],
      /different runs: commits/
    )
    refuse([{ source: 'one.json', results: single }], /one.json is not a shard's results/)
    refuse([], /needs the results files/)
  })
})
