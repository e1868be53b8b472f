// Shards and merge with a scripted runner over a real git repository: the assignment, the
// merged verdicts against one runner's on the same trials, Holm over the whole suite, and
// merge's refusals.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadConfigFile } from '../src/app/files.js'
import { mergeShards, type ShardFile } from '../src/app/merge.js'
import { main } from '../src/cli/main.js'
import { serializeResults } from '../src/results/format.js'
import { captureIo } from './helpers/io.js'
import { outcomeOf } from '../src/app/outcome.js'
import { RequestError } from '../src/app/requests.js'
import { runBenchmarks } from '../src/app/run.js'
import { buildReport } from '../src/report/model.js'
import { assignShards, parseShard } from '../src/app/shards.js'
import type { JudgedResults, Results } from '../src/results/types.js'
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
  let single: JudgedResults
  let shards: JudgedResults[]
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

  const files = (): ShardFile[] =>
    shards.map((results, i) => ({ source: `s${i + 1}.json`, results }))
  /** Shard `index` (1-based) with its benchmarks edited. */
  const edited = (
    index: number,
    edit: (r: Results) => Partial<Results>,
    given: ShardFile[] = files()
  ): ShardFile[] =>
    given.map((f, i) =>
      i === index - 1 ? { ...f, results: { ...f.results, ...edit(f.results) } } : f
    )
  const lost = (r: Results) => r.shard!.assigned!

  it.each([
    ['lost every benchmark', () => ({ benchmarks: [] }), [0, 1, 2, 3]],
    ['lost one benchmark', (r: Results) => ({ benchmarks: r.benchmarks.slice(1) }), [0]],
    [
      'lost its benchmarks on both sides',
      (r: Results) => ({ benchmarks: [], base: { ...r.base!, benchmarks: [] } }),
      [0, 1, 2, 3]
    ]
  ] as const)(
    'makes the merged run incomplete when a shard %s, naming the shard file and each benchmark',
    (_, edit, gone) => {
      const merged = mergeShards(edited(2, edit))
      const names = gone.map((i) => lost(shards[1]!)[i]!)
      expect(merged.incomplete?.missing).toEqual(names)
      // The other shards' regressions still fail the gate (exit 1); incomplete is in the notes.
      expect(outcomeOf(merged).exitCode).toBe(1)
      const notes = buildReport(merged, merged.comparison!).notes
      for (const name of names) {
        expect(notes).toContainEqual({
          benchmark: name,
          text: 'was not measured: shard 2/3 (s2.json) was given it but holds no result for it.'
        })
      }
    }
  )

  it('never lets a lost regression pass: the rest passes, the merged run is incomplete', () => {
    const regressed = (name: string) => Number(name.slice(-2)) % 4 === 0
    let given = files()
    for (const i of [1, 2, 3]) {
      given = edited(
        i,
        (r) => ({ benchmarks: r.benchmarks.filter((b) => !regressed(b.name)) }),
        given
      )
    }
    const merged = mergeShards(given)
    expect(merged.comparison!.counts.regressions).toBe(0)
    expect(outcomeOf(merged)).toEqual({
      exitCode: 3,
      verdict: 'error',
      reasons: ['incomplete results: 3 of 12 benchmarks not measured']
    })
    expect(merged.incomplete!.missing).toEqual(['bench 04', 'bench 08', 'bench 12'])
  })

  it('says so for shards of older versions too (no record of the split)', () => {
    const old = files().map((f) => {
      const { assigned: _assigned, ...shard } = f.results.shard!
      return { ...f, results: { ...f.results, shard } }
    })
    const merged = mergeShards(edited(3, () => ({ benchmarks: [] }), old))
    expect(merged.incomplete?.missing).toEqual(lost(shards[2]!))
    expect(merged.incomplete?.reasons?.[0]?.reason).toBe('no shard file holds a result for it')
    expect(outcomeOf(merged).exitCode).toBe(1)
  })

  it("names the shard that stopped before a benchmark (a shard's own incomplete file)", () => {
    const name = lost(shards[0]!)[3]!
    const merged = mergeShards(
      edited(1, (r) => ({
        benchmarks: r.benchmarks.slice(0, 3),
        incomplete: { total: 4, missing: [name] }
      }))
    )
    expect(merged.incomplete?.reasons).toEqual([
      { benchmark: name, reason: 'shard 1/3 (s1.json) stopped before measuring it' }
    ])
  })

  it('refuses a shard file that claims what it was not given, naming the file and field', () => {
    const refuse = (given: ShardFile[], message: string) => {
      expect(() => mergeShards(given)).toThrow(new RequestError(message))
    }
    const other = shards[0]!.benchmarks[0]!
    refuse(
      edited(2, (r) => ({ benchmarks: [...r.benchmarks, { ...other, name: 'not in suite' }] })),
      's2.json: benchmarks[4].name: expected a benchmark of shard.suite, got "not in suite"'
    )
    refuse(
      edited(2, (r) => ({ benchmarks: [other, ...r.benchmarks] })),
      `s2.json: benchmarks[0].name: "${other.name}" was not given to shard 2/3 (shard.assigned)`
    )
    refuse(
      edited(2, (r) => ({ shard: { ...r.shard!, assigned: [...lost(r), lost(shards[0]!)[0]!] } })),
      `s1.json and s2.json disagree on the split: "${lost(shards[0]!)[0]}" was given to shard 1/3 and 2/3`
    )
    refuse(
      edited(2, (r) => ({ shard: { ...r.shard!, index: 5 } })),
      's2.json: shard.index: expected at most shard.count (3), got 5'
    )
    refuse(
      edited(2, (r) => ({ benchmarks: [...r.benchmarks, r.benchmarks[0]!] })),
      `s2.json: benchmarks: "${shards[1]!.benchmarks[0]!.name}" is measured twice`
    )
  })

  it('refuses shards of another commit or base than the run it is published as', () => {
    const commit = shards[0]!.environment.git!.commit
    const base = shards[0]!.base!.environment.git!.commit
    const expect_ = (over: object) => ({ commit, commitSource: 'GITHUB_SHA', ...over })
    expect(mergeShards(files(), expect_({ base: { commit: base, source: 'x' } })).merged).toEqual({
      shards: 3
    })
    const other = 'f'.repeat(40)
    expect(() => mergeShards(files(), expect_({ commit: other }))).toThrow(
      new RequestError(
        `s1.json measured commit ${commit.slice(0, 7)}, but this run is of fffffff (GITHUB_SHA): ` +
          'refusing results of another commit'
      )
    )
    // One stray shard is named, not the first file.
    const stray = edited(3, (r) => ({
      environment: { ...r.environment, git: { commit: other, dirty: false } }
    }))
    expect(() => mergeShards(stray, expect_({}))).toThrow(/^s3\.json measured commit fffffff, but/)
    expect(() =>
      mergeShards(
        files(),
        expect_({ base: { commit: other, source: "the merge commit's first parent" } })
      )
    ).toThrow(
      new RequestError(
        `s1.json compared with base ${base.slice(0, 7)}, but this run's base is fffffff ` +
          "(the merge commit's first parent): refusing results of another comparison"
      )
    )
    expect(() =>
      mergeShards(files(), expect_({ base: { commit: null, source: 'not a pull request' } }))
    ).toThrow(/base is none \(not a pull request\)/)
  })

  it('perfgate merge: fails and names the lost benchmarks when a shard file lost them', async () => {
    const out = scratchDir('perfgate-merge-cli-')
    const written = edited(2, () => ({ benchmarks: [] })).map((f) => {
      writeFileSync(path.join(out, f.source), serializeResults(f.results))
      return f.source
    })
    const { io, out: printed } = captureIo(out)
    expect(await main(['merge', ...written], io)).toBe(1)
    const text = printed.stdout + printed.stderr
    for (const name of lost(shards[1]!)) {
      expect(text).toContain(
        `${name} was not measured: shard 2/3 (s2.json) was given it but holds no result for it.`
      )
    }
  })

  it('perfgate merge: refuses a shard file whose benchmark name is not a string', async () => {
    const out = scratchDir('perfgate-merge-cli-')
    mkdirSync(path.join(out, 'shard-2'))
    const written = files().map((f, i) => {
      const json = JSON.parse(serializeResults(f.results))
      if (i === 1) json.benchmarks[2].name = 42
      const file = i === 1 ? path.join('shard-2', 'results.json') : f.source
      writeFileSync(path.join(out, file), JSON.stringify(json))
      return file
    })
    const { io, out: printed } = captureIo(out)
    expect(await main(['merge', ...written], io)).toBe(2)
    expect(printed.stderr).toContain(
      'shard-2/results.json: corrupt results at benchmarks.2.name: must be string'
    )
  })
})
