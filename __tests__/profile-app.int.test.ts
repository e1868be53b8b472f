// The profile use case inside an A/B run, with a scripted trial runner and a scripted
// profile runner (it hands out the recorded fixture profiles) over a real git repository:
// profiling happens after judging, at most two extra trials per side, only for what the
// mode asks, and leaves the measured trials and the verdicts exactly as without it.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfigFile } from '../src/app/files.js'
import {
  pairedPerUnit,
  profileBenchmarks,
  profileDirName,
  type BenchmarkProfile
} from '../src/app/profile.js'
import { runBenchmarks } from '../src/app/run.js'
import type { ProfileMode } from '../src/config/types.js'
import type { ProfiledTrial, ProfileRunner } from '../src/runners/profile.js'
import type { BenchmarkConfig } from '../src/config/types.js'
import type { TrialRunner } from '../src/runners/types.js'
import { git } from './helpers/git-repos.js'
import { okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const FIXTURES = fileURLToPath(new URL('../__fixtures__/profiles/', import.meta.url))

function repo(extra = '', names = ['slow', 'same']): string {
  const dir = scratchDir('perfgate-profile-app-')
  git(dir, 'init', '--quiet')
  const bench = (name: string) =>
    `  - name: ${JSON.stringify(name)}\n    command: { run: "true" }\n    trials: 4\n`
  writeFileSync(path.join(dir, 'perfgate.yml'), `${extra}benchmarks:\n` + names.map(bench).join(''))
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'suite')
  return dir
}

const isBase = (b: BenchmarkConfig) => (b.spec as { cwd: string }).cwd.includes('perfgate-base-')

/** slow: head twice as slow (a regression at the first look); same: identical sides. */
function trialRunner(log: string[]): TrialRunner {
  return {
    async runTrial(benchmark, trial) {
      const side = isBase(benchmark) ? 'base' : 'head'
      log.push(`measure ${benchmark.name} ${side}`)
      const wobble = 1 + 0.01 * Math.sin(trial * 1.7 + (side === 'base' ? 0 : 0.4))
      return okTrial(100 * wobble * (benchmark.name === 'slow' && side === 'head' ? 2 : 1))
    }
  }
}

/** What the output directory holds for a profiled benchmark. */
const PROFILE_FILES = [
  'base-1.cpuprofile',
  'base-2.cpuprofile',
  'flamegraph.html',
  'head-1.cpuprofile',
  'head-2.cpuprofile'
]

/** Scratch directories handed to profiled trials (removed after each). */
const scratchDirs: string[] = []

/** Hands out the recorded fixture profile of a side. */
function fixtureTrial(side: 'base' | 'head', dir: string): ProfiledTrial {
  const file = path.join(dir, 'worker.cpuprofile')
  copyFileSync(path.join(FIXTURES, `${side}.cpuprofile`), file)
  return { ok: true, profiles: [{ file }], units: 4000, unit: 'op' }
}

/** A profile runner; with `pairs`, one that profiles both sides together (interleaved HTTP). */
function profileRunner(log: string[], answer?: ProfiledTrial, pairs = false): ProfileRunner {
  return {
    async profileTrial(benchmark, dir) {
      scratchDirs.push(dir)
      const side = isBase(benchmark) ? 'base' : 'head'
      log.push(`profile ${benchmark.name} ${side}`)
      return answer ?? fixtureTrial(side, dir)
    },
    ...(pairs
      ? {
          profilePair(pair, dirs, first) {
            expect(isBase(pair.base) && !isBase(pair.head)).toBe(true)
            scratchDirs.push(dirs.base, dirs.head)
            log.push(`profile ${pair.head.name} pair, ${first} first`)
            return Promise.resolve({
              base: fixtureTrial('base', dirs.base),
              head: fixtureTrial('head', dirs.head)
            })
          }
        }
      : {})
  }
}

async function run(
  dir: string,
  options: {
    profile?: ProfileMode
    answer?: ProfiledTrial
    outDir?: string
    profiler?: boolean
    pairs?: boolean
  }
) {
  const log: string[] = []
  let profiles: BenchmarkProfile[] | undefined
  const results = await runBenchmarks(
    {
      config: loadConfigFile(dir, undefined),
      baseline: { kind: 'merge-base', ref: 'HEAD' },
      seed: 11,
      setupHead: false,
      ...(options.profile ? { profile: options.profile } : {})
    },
    {
      runner: trialRunner(log),
      log: { write: () => true },
      ...(options.profiler === false
        ? {}
        : {
            profiler: {
              runner: profileRunner(log, options.answer, options.pairs),
              log: { write: () => true },
              ...(options.outDir ? { outDir: options.outDir } : {}),
              onProfiles: (found: BenchmarkProfile[]) => (profiles = found)
            }
          })
    }
  )
  return { results, log, profiles }
}

describe('profiling in an A/B run', () => {
  it('profiles the regressed benchmark after judging and changes no trial or verdict', async () => {
    const dir = repo()
    const outDir = scratchDir('perfgate-profile-out-')
    const profiled = await run(dir, { outDir })
    const plain = await run(dir, { profiler: false })

    expect(profiled.results.benchmarks).toEqual(plain.results.benchmarks)
    expect(profiled.results.base!.benchmarks).toEqual(plain.results.base!.benchmarks)
    expect(profiled.results.comparison).toEqual(plain.results.comparison)
    const verdicts = profiled.results.comparison!.benchmarks.map((b) => [
      b.name,
      b.metrics[0]!.verdict
    ])
    expect(verdicts).toEqual([
      ['slow', 'regression'],
      ['same', 'unchanged']
    ])

    // Every measured trial first, then two profiled trials per side of the regressed one.
    const firstProfile = profiled.log.findIndex((l) => l.startsWith('profile'))
    expect(profiled.log.slice(0, firstProfile)).toEqual(plain.log)
    expect(profiled.log.slice(firstProfile)).toEqual([
      'profile slow base',
      'profile slow head',
      'profile slow head',
      'profile slow base'
    ])

    expect(profiled.profiles).toHaveLength(1)
    const slow = profiled.profiles![0]!
    expect(slow.status).toBe('profiled')
    if (slow.status !== 'profiled') return
    expect(slow.trials).toEqual({ base: 2, head: 2 })
    expect(slow.diff.unit).toBe('op')
    expect(slow.diff.grew[0]!.name).toBe('slowHelper')
    expect(readdirSync(path.join(outDir, profileDirName('slow'))).sort()).toEqual(PROFILE_FILES)
    expect(slow.files!.flameGraph).toBe(
      path.join(outDir, profileDirName('slow'), 'flamegraph.html')
    )
  })

  it('profiles both sides at once where the runner pairs them, in alternating order', async () => {
    const dir = repo()
    const outDir = scratchDir('perfgate-profile-out-')
    const paired = await run(dir, { outDir, pairs: true })
    expect(paired.log.filter((l) => l.startsWith('profile'))).toEqual([
      'profile slow pair, base first',
      'profile slow pair, head first'
    ])
    const slow = paired.profiles![0]!
    if (slow.status !== 'profiled') throw new Error('not profiled')
    expect(slow.trials).toEqual({ base: 2, head: 2 })
    expect(slow.diff.grew[0]!.name).toBe('slowHelper')
    expect(readdirSync(path.join(outDir, profileDirName('slow'))).sort()).toEqual(PROFILE_FILES)
  })

  it('profiles every compared benchmark with profile: always, none with never', async () => {
    const dir = repo()
    const always = await run(dir, { profile: 'always' })
    expect(always.profiles!.map((p) => p.benchmark)).toEqual(['slow', 'same'])
    expect(always.log.filter((l) => l.startsWith('profile'))).toHaveLength(8)

    const never = await run(dir, { profile: 'never' })
    expect(never.profiles).toBeUndefined()
    expect(never.log.filter((l) => l.startsWith('profile'))).toEqual([])
  })

  it('follows the config: profile: never', async () => {
    const found = await run(repo('profile: never\n'), {})
    expect(found.profiles).toBeUndefined()
    expect(found.log.some((l) => l.startsWith('profile'))).toBe(false)
  })

  it('says why when no profile can be taken, and takes no second trial', async () => {
    const message =
      'the server wrote no CPU profile: it does not run on Node (or ignores NODE_OPTIONS)'
    const found = await run(repo(), { answer: { ok: false, reason: 'not-node', message } })
    expect(found.profiles).toEqual([{ benchmark: 'slow', status: 'unavailable', message }])
    expect(found.log.filter((l) => l.startsWith('profile'))).toEqual([
      'profile slow base',
      'profile slow head'
    ])
    expect(found.results.comparison!.benchmarks[0]!.metrics[0]!.verdict).toBe('regression')
  })

  it('leaves no profile files behind when no output directory is given', async () => {
    scratchDirs.length = 0
    const found = await run(repo(), {})
    const slow = found.profiles![0]!
    expect(slow.status === 'profiled' && slow.files).toBeUndefined()
    expect(scratchDirs).toHaveLength(4)
    expect(scratchDirs.filter((d) => existsSync(d))).toEqual([])
  })
})

/** The repository's benchmarks paired with a stand-in base (a path that reads as base). */
const pairs = (dir: string) =>
  loadConfigFile(dir, undefined).benchmarks.map((b) => ({
    head: b,
    base: { ...b, spec: { ...b.spec, cwd: path.join(dir, 'perfgate-base-x') } } as BenchmarkConfig
  }))

/** A head profile a hostile benchmark could write: a bad tree, a FIFO, a non-finite delta. */
function crafted(kind: 'self' | 'two-node' | 'fifo' | 'infinite-delta'): ProfileRunner {
  return {
    async profileTrial(benchmark, dir) {
      scratchDirs.push(dir)
      const side = isBase(benchmark) ? 'base' : 'head'
      if (side === 'base') return fixtureTrial(side, dir)
      let file = path.join(dir, 'worker.cpuprofile')
      const profile = JSON.parse(readFileSync(path.join(FIXTURES, 'head.cpuprofile'), 'utf8'))
      const [root, first] = profile.nodes
      if (kind === 'self') first.children = [...(first.children ?? []), first.id]
      if (kind === 'two-node') {
        // first → a → b → a: a has two parents, b leads back up.
        const frame = { functionName: 'a', url: '', lineNumber: -1, columnNumber: -1 }
        profile.nodes.push(
          { id: 900001, callFrame: frame, children: [900002] },
          { id: 900002, callFrame: { ...frame, functionName: 'b' }, children: [900001] }
        )
        root.children = [...root.children, 900001]
      }
      if (kind === 'fifo') {
        // A hostile name too: it is quoted in the reason, as one printable line.
        file = path.join(dir, 'worker\u202e\u001b[2J.cpuprofile')
        spawnSync('mkfifo', [file])
        return { ok: true, profiles: [{ file }], units: 4000, unit: 'op' }
      }
      const text = JSON.stringify(profile)
      writeFileSync(
        file,
        kind === 'infinite-delta' ? text.replace(/"timeDeltas":\[\d+/, '"timeDeltas":[1e999') : text
      )
      return { ok: true, profiles: [{ file }], units: 4000, unit: 'op' }
    }
  }
}

describe('a hostile profile', () => {
  it.each([
    ['self', /nodes\[1\]\.children: expected no node as its own child/],
    ['two-node', /children: expected one parent per node \(node 900001/],
    [
      'fifo',
      /^could not use head's profile worker\\u202e\\u001b\[2J\.cpuprofile: not a regular file$/
    ],
    ['infinite-delta', /timeDeltas\[0\]: expected a finite number/]
  ] as const)(
    'is refused with the reason, naming the file (%s); no scratch directory is left',
    async (kind, reason) => {
      scratchDirs.length = 0
      const dir = repo()
      const outDir = path.join(scratchDir('perfgate-profile-out-'), 'profiles')
      const logged: string[] = []
      const found = await profileBenchmarks(
        ['slow'],
        { pairs: pairs(dir), headRoot: dir, baseRoot: dir },
        { runner: crafted(kind), log: { write: (t: string) => logged.push(t) > 0 }, outDir }
      )
      expect(found).toHaveLength(1)
      const slow = found[0]!
      expect(slow.status).toBe('unavailable')
      const message = slow.status === 'unavailable' ? slow.message : ''
      expect(message).toMatch(/^could not use head's profile worker\S*\.cpuprofile: /)
      expect(message).toMatch(reason)
      expect(logged.join('')).toContain(`slow: no profile: ${message}`)
      expect(scratchDirs.filter((d) => existsSync(d))).toEqual([])
    }
  )

  it('leaves the verdict of the run as it was', async () => {
    const found = await run(repo(), {})
    const refused = await runBenchmarks(
      {
        config: loadConfigFile(repo(), undefined),
        baseline: { kind: 'merge-base', ref: 'HEAD' },
        seed: 11,
        setupHead: false
      },
      {
        runner: trialRunner([]),
        log: { write: () => true },
        profiler: {
          runner: crafted('self'),
          log: { write: () => true },
          onProfiles: (p: BenchmarkProfile[]) => expect(p[0]!.status).toBe('unavailable')
        }
      }
    )
    expect(refused.comparison!.gate).toEqual(found.results.comparison!.gate)
    expect(refused.benchmarks.map((b) => b.trials)).toEqual(
      found.results.benchmarks.map((b) => b.trials)
    )
  })
})

describe('profile directories', () => {
  it('are apart for names that differ only in punctuation or script', () => {
    const names = ['x/y', 'x y', 'x-y', 'Тест один', 'Тест два', 'テスト', '測試']
    const dirs = names.map(profileDirName)
    expect(new Set(dirs).size).toBe(names.length)
    for (const d of dirs) expect(d).toMatch(/^[A-Za-z0-9._-]+$/)
    expect(profileDirName('x/y')).toMatch(/^x-y-[0-9a-f]{10}$/)
    expect(profileDirName('x/y')).toBe(profileDirName('x/y'))
  })

  it('keep the profiles of such benchmarks in their own folders', async () => {
    const names = ['x/y', 'x y', 'Тест один', 'Тест два']
    const dir = repo('', names)
    const outDir = path.join(dir, 'out')
    mkdirSync(outDir)
    const found = await profileBenchmarks(
      names,
      {
        pairs: loadConfigFile(dir, undefined).benchmarks.map((b) => ({
          head: b,
          base: {
            ...b,
            spec: { ...b.spec, cwd: path.join(dir, 'perfgate-base-x') }
          } as BenchmarkConfig
        })),
        headRoot: dir,
        baseRoot: dir
      },
      { runner: profileRunner([]), log: { write: () => true }, outDir }
    )
    const graphs = found.map((p) => (p.status === 'profiled' ? p.files!.flameGraph : ''))
    expect(new Set(graphs).size).toBe(names.length)
    expect(readdirSync(outDir)).toHaveLength(names.length)
    for (const [i, graph] of graphs.entries()) {
      expect(readFileSync(graph, 'utf8')).toContain(names[i]!)
    }
  })
})

describe('pairedPerUnit', () => {
  it('scales head by the median per-pair ratio, not by its own median', () => {
    // Every pair but one says +10 %; the third pair's head fell in a fast moment.
    const perUnit = pairedPerUnit([100, 300, 200], [110, 330, 150])
    expect(perUnit.base).toBe(200)
    expect(perUnit.head).toBeCloseTo(220, 9)
  })

  it("skips missing values, and takes each side's median when nothing pairs", () => {
    expect(pairedPerUnit([100, undefined, 300], [120, 50, undefined])).toEqual({
      base: 200,
      head: 240
    })
    expect(pairedPerUnit([], [120, 80])).toEqual({ head: 100 })
    expect(pairedPerUnit([undefined], [undefined])).toEqual({})
  })
})
