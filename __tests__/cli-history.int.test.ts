// `perfgate history` in-process on a directory of 30 results files built from the results
// types, one benchmark stepping +10 % at commit 17 (seeded lognormal noise); and
// `--confirm` over a real git repository, each candidate re-measured as one A/B of the
// stored commit two after it against the one two before its predecessor, with a scripted runner
// that reads each checkout's speed file.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { confirmStep } from '../src/app/confirm.js'
import { loadConfigFile } from '../src/app/files.js'
import type { HistoryReport } from '../src/app/history.js'
import { commandHistory } from '../src/cli/history.js'
import { serializeResults } from '../src/results/format.js'
import { createRandom } from '../src/stats/random.js'
import type { TrialRunner } from '../src/runners/types.js'
import { git } from './helpers/git-repos.js'
import {
  commandResult,
  fakeSha,
  functionResult,
  hoursAfterStart,
  resultsOf
} from './helpers/history.js'
import { okTrial } from './helpers/scripted.js'
import { captureIo } from './helpers/io.js'
import { scratchDir } from './helpers/scratch.js'

const STEP_AT = 17
let dir: string

beforeAll(() => {
  dir = scratchDir('perfgate-cli-history-')
  const random = createRandom(2026)
  for (let i = 0; i < 30; i++) {
    // Runner-to-runner noise of 1.5 % on top of 3 % between trials.
    const run = () => Math.exp(0.015 * random.normal())
    const results = resultsOf(fakeSha(i), hoursAfterStart(i), [
      functionResult('steps', 2 * run() * (i >= STEP_AT ? 1.1 : 1), 0.03, 10, random),
      functionResult('flat', 0.5 * run(), 0.03, 10, random)
    ])
    // File names in another order than the commits: order comes from createdAt here.
    writeFileSync(path.join(dir, `${(29 - i) * 7}.json`), serializeResults(results))
  }
})

describe('perfgate history', () => {
  it('names commit 17 as the change point of the stepping benchmark in --json', async () => {
    const { io, out } = captureIo(dir)
    expect(await commandHistory(['--dir', '.', '--json'], io)).toBe(0)
    expect(out.stderr).toBe('')
    const report = JSON.parse(out.stdout) as HistoryReport
    expect(report.series.length).toBe(10) // 2 benchmarks × p50, p95, ops, heap, memory
    expect(report.series[0]!.points.map((p) => p.commit)).toEqual(
      Array.from({ length: 30 }, (_, i) => fakeSha(i))
    )
    expect(report.series[0]!.points[0]!.values).toHaveLength(10)
    const p50 = report.changePoints.filter((c) => c.metric === 'p50')
    // With two benchmarks, the step shows mirrored on 'flat' relative to 'steps': a
    // candidate found on the relative series only (a paired re-measure would not confirm it).
    const mirrored = p50.filter((c) => c.benchmark === 'flat')
    expect(mirrored.map((c) => [c.commit, c.foundOn, c.ratio < 1])).toEqual([
      [fakeSha(STEP_AT), 'relative', true]
    ])
    expect(p50.filter((c) => c.benchmark === 'steps')).toEqual([
      {
        benchmark: 'steps',
        metric: 'p50',
        commit: fakeSha(STEP_AT),
        before: expect.any(Number),
        after: expect.any(Number),
        ratio: expect.any(Number),
        ciLow: expect.any(Number),
        ciHigh: expect.any(Number),
        p: expect.any(Number),
        minStep: 0.04,
        gated: true,
        foundOn: 'both',
        status: 'candidate',
        confirmed: null
      }
    ])
    const [step] = p50
    expect(step!.ratio).toBeCloseTo(step!.after / step!.before, 12)
    expect(step!.ciLow).toBeLessThan(1.1)
    expect(step!.ciHigh).toBeGreaterThan(1.1)
    expect(step!.ciLow).toBeGreaterThan(1)
    expect(step!.p).toBeLessThan(0.001)
    // Every change point found is this step (p95 and ops move with p50), on 'steps' or
    // mirrored on 'flat'; on the stored values, none in 'flat'.
    for (const c of report.changePoints) {
      expect(c.commit).toBe(fakeSha(STEP_AT))
      if (c.benchmark === 'flat') expect(c.foundOn).toBe('relative')
    }
  })

  it('shows the trend and the change point in the terminal, --filter choosing benchmarks', async () => {
    const { io, out } = captureIo(dir)
    expect(await commandHistory(['--dir', dir, '--filter', '^st'], io)).toBe(0)
    expect(out.stdout).toMatch(
      /^perfgate history: 30 commits, 1 benchmark, \d change points? \(0 confirmed\)\n/
    )
    expect(out.stdout).not.toContain('flat')
    expect(out.stdout).toMatch(/\n {2}time\/op p50 +[▁▂▃▄▅▆▇█]{30} {2}\d\.\d\d ms at /)
    expect(out.stdout).toMatch(
      new RegExp(
        `▲ worse \\+\\d+\\.\\d % \\[.*\\] at ${fakeSha(STEP_AT).slice(0, 10)} \\(commit 18 of 30\\)`
      )
    )
    // Fewer operations per second is worse too.
    expect(out.stdout).toMatch(/▲ worse -\d+\.\d % .* \(commit 18 of 30\): .* ops\/s → .* ops\/s/)
  })

  it('warns about each file it cannot use and goes on', async () => {
    const extra = scratchDir('perfgate-cli-history-')
    writeFileSync(path.join(extra, 'bad.json'), 'nope')
    const random = createRandom(3)
    writeFileSync(
      path.join(extra, 'good.json'),
      serializeResults(
        resultsOf(fakeSha(0), hoursAfterStart(0), [functionResult('one', 1, 0.01, 3, random)])
      )
    )
    const { io, out } = captureIo(extra)
    expect(await commandHistory(['--dir', '.', '--json'], io)).toBe(0)
    expect(out.stderr).toMatch(/^perfgate: warning: skipped bad\.json: not valid JSON/)
    expect((JSON.parse(out.stdout) as HistoryReport).series[0]!.points).toHaveLength(1)
  })

  it('exits 2 when no file is usable, naming the directory, and prints no empty history', async () => {
    const extra = scratchDir('perfgate-cli-history-')
    writeFileSync(path.join(extra, 'bad.json'), 'nope')
    const { io, out } = captureIo(extra)
    expect(await commandHistory(['--dir', '.', '--json'], io)).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr.split('\n').slice(-2)).toEqual([
      `perfgate history: ${extra}: no usable results files (perfgate results, *.json) in the directory`,
      ''
    ])
  })

  it('reads only the newest commits with --last, and refuses a --last that is not a count', async () => {
    const { io, out } = captureIo(dir)
    expect(await commandHistory(['--dir', '.', '--json', '--last', '12'], io)).toBe(0)
    const report = JSON.parse(out.stdout) as HistoryReport
    expect(report.series[0]!.points.map((p) => p.commit)).toEqual(
      Array.from({ length: 12 }, (_, i) => fakeSha(18 + i))
    )
    for (const bad of ['0', '1e3', '0x10', '-5', '']) {
      const refused = captureIo(dir)
      expect(await commandHistory(['--dir', '.', `--last=${bad}`], refused.io)).toBe(2)
      expect(refused.out.stderr).toMatch(/^perfgate history: --last: expected a whole number/)
    }
  })

  it('exits 2 when the directory cannot be listed', async () => {
    const { io, out } = captureIo(dir)
    expect(await commandHistory(['--dir', 'missing'], io)).toBe(2)
    expect(out.stderr).toBe(
      'perfgate history: missing: cannot list the results directory: ' +
        `ENOENT: no such file or directory, scandir '${path.join(dir, 'missing')}'\n`
    )
  })

  it.each([
    [[], 'is not in a git repository: run it in one to read its data branch, or pass --dir'],
    [['--dir', '.', '--remote', 'origin'], '--dir excludes --data-branch and --remote'],
    [['--dir', '.', '--filter', '('], '--filter: not a valid regular expression'],
    [['--dir', '.', '--bogus'], "Unknown option '--bogus'"]
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const { io, out } = captureIo(dir)
    expect(await commandHistory(args, io)).toBe(2)
    expect(out.stderr).toContain(message)
    expect(out.stderr).toContain('perfgate history  [--data-branch perfgate-data]')
  })
})

describe('perfgate history --confirm', () => {
  const STEP = 9
  /** Commits 3–5 were measured on a runner 10 % slower, every benchmark alike. */
  const slow = (i: number) => (i >= 3 && i < 6 ? 1.1 : 1)
  const CONFIG =
    'benchmarks:\n' +
    '  - { name: steps, command: { run: "true" }, trials: 5 }\n' +
    '  - { name: flat, command: { run: "true" }, trials: 5 }\n'
  /** Trials read the checkout's speed files (steps.txt, flat.txt), 0.3 % noise. */
  const runner: TrialRunner & { cwds: Set<string> } = {
    cwds: new Set(),
    async runTrial(benchmark, trial) {
      const cwd = (benchmark.spec as { cwd: string }).cwd
      runner.cwds.add(cwd)
      const value = Number(readFileSync(path.join(cwd, `${benchmark.name}.txt`), 'utf8'))
      return okTrial(value * (1 + 0.003 * Math.sin(trial * 2.3)))
    }
  }

  it('confirms the real step, not the slow runner; an accepted regression is not re-measured', async () => {
    const repo = scratchDir('perfgate-confirm-')
    const results = scratchDir('perfgate-confirm-results-')
    git(repo, 'init', '--quiet', '--initial-branch=main')
    writeFileSync(path.join(repo, 'perfgate.yml'), CONFIG)
    const random = createRandom(7)
    const commits: string[] = []
    for (let i = 0; i < 14; i++) {
      const level = i >= STEP ? 11 : 10
      writeFileSync(path.join(repo, 'steps.txt'), `${level}\n`)
      writeFileSync(path.join(repo, 'flat.txt'), '5\n')
      writeFileSync(path.join(repo, 'change.txt'), `${i}\n`)
      git(repo, 'add', '.')
      git(
        repo,
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@localhost',
        'commit',
        '--quiet',
        '-m',
        `c${i}`
      )
      const commit = git(repo, 'rev-parse', 'HEAD')
      commits.push(commit)
      const stored = resultsOf(commit, hoursAfterStart(i), [
        commandResult('steps', 5, () => level * slow(i) * Math.exp(0.003 * random.normal())),
        commandResult('flat', 5, () => 5 * slow(i) * Math.exp(0.003 * random.normal()))
      ])
      const accepted =
        i === 3
          ? {
              accepted: [
                {
                  benchmark: 'flat',
                  reason: 'slower on purpose @team',
                  by: 'octocat',
                  at: hoursAfterStart(i),
                  pullRequest: 12
                }
              ]
            }
          : {}
      writeFileSync(path.join(results, `${i}.json`), serializeResults({ ...stored, ...accepted }))
    }
    const { io, out } = captureIo(repo)
    const cli = { ...io, runner }
    expect(await commandHistory(['--dir', results, '--json', '--confirm'], cli)).toBe(0)
    const report = JSON.parse(out.stdout) as HistoryReport
    const at = (benchmark: string) =>
      report.changePoints
        .filter((c) => c.benchmark === benchmark)
        .map((c) => [commits.indexOf(c.commit), c.status])
    expect(at('steps')).toEqual([
      [3, 'not-confirmed'],
      [6, 'not-confirmed'],
      [STEP, 'confirmed']
    ])
    // With two benchmarks, the step of "steps" shows mirrored on "flat" relative to it:
    // a candidate found on the relative series only, which its A/B does not confirm.
    expect(at('flat')).toEqual([
      [3, 'accepted'],
      [6, 'not-confirmed'],
      [STEP, 'not-confirmed']
    ])
    const foundOn = (benchmark: string, index: number) =>
      report.changePoints.find((c) => c.benchmark === benchmark && c.commit === commits[index])
        ?.foundOn
    expect(foundOn('flat', STEP)).toBe('relative')
    // The slow runner moved both alike: found on the stored values only.
    expect(foundOn('steps', 3)).toBe('raw')
    const step = report.changePoints.find((c) => c.status === 'confirmed')!
    // One A/B across the window: the stored commit two after the step against the one two
    // before its predecessor; the step keeps the commit the search named, and its
    // confirmation names the commit the bisection of the window located.
    expect(step.commit).toBe(commits[STEP])
    expect(step.confirmed).toEqual({
      base: commits[STEP - 3],
      head: commits[STEP + 2],
      at: commits[STEP],
      opposite: false,
      ratio: expect.any(Number),
      low: expect.any(Number),
      high: expect.any(Number),
      pairs: expect.any(Number),
      verdict: 'confirmed'
    })
    expect(step.confirmed!.ratio).toBeCloseTo(1.1, 2)
    expect(step.confirmed!.low).toBeGreaterThan(1.04)
    expect(step.confirmed!.pairs).toBeGreaterThanOrEqual(5)
    const accepted = report.changePoints.find((c) => c.status === 'accepted')!
    expect(accepted.accepted).toEqual({
      reason: 'slower on purpose @team',
      by: 'octocat',
      pullRequest: 12
    })
    expect(accepted.confirmed).toBeNull()
    // Five A/Bs (steps at 3, 6, 9; flat at 6, 9), each in two worktrees outside the
    // repository, all removed after.
    expect(out.stderr).toContain('perfgate history: 5 candidate steps to confirm')
    // The confirmed one is then located in its window of five commits: its base checked
    // out once more and two probes, each against it (the window's A/B is not repeated).
    expect(out.stderr).toContain(`locate steps: first at ${commits[STEP]!.slice(0, 7)} (2 A/Bs)`)
    expect([...runner.cwds].filter((cwd) => cwd !== repo)).toHaveLength(10 + 3)
    expect(git(repo, 'worktree', 'list', '--porcelain').split('\n\n')).toHaveLength(1)

    // The terminal names each status.
    const shown = captureIo(repo)
    expect(await commandHistory(['--dir', results, '--confirm'], { ...shown.io, runner })).toBe(0)
    expect(shown.out.stdout).toContain('6 change points (1 confirmed)')
    const between = `between ${commits[STEP - 3]!.slice(0, 7)} and ${commits[STEP + 2]!.slice(0, 7)}`
    const located = `at ${commits[STEP]!.slice(0, 7)} \\(located ${between}\\)`
    expect(shown.out.stdout).toMatch(new RegExp(`confirmed: ${located} \\+\\d+\\.\\d %`))
    expect(shown.out.stdout).toContain('not confirmed by a paired re-measure')
    expect(shown.out.stdout).toContain(
      'accepted on pull request 12 by octocat: slower on purpose @team'
    )

    // A window whose commits are not ordered around the step is refused before anything
    // is checked out or measured, and the record says why.
    const measuredBefore = runner.cwds.size
    const lines: string[] = []
    const refused = await confirmStep(
      loadConfigFile(repo, undefined),
      {
        benchmark: 'steps',
        commit: commits[STEP]!,
        metrics: ['wall'],
        base: commits[STEP + 1]!,
        head: commits[STEP + 2]!
      },
      { runner, log: (line) => lines.push(line) }
    )
    const short = (at: number) => commits[at]!.slice(0, 7)
    expect(refused).toMatchObject({
      commit: commits[STEP],
      parent: commits[STEP - 1],
      base: commits[STEP + 1],
      head: commits[STEP + 2],
      pairs: 0,
      metrics: [],
      error: `commit ${short(STEP)} is not after ${short(STEP + 1)} and at or before ${short(STEP + 2)} on this history`
    })
    expect(lines.join('\n')).toContain('could not be measured')
    expect(runner.cwds.size).toBe(measuredBefore)
  }, 120_000)

  it('refuses --config without --confirm', async () => {
    const { io, out } = captureIo(dir)
    expect(await commandHistory(['--dir', '.', '--config', 'x.yml'], io)).toBe(2)
    expect(out.stderr).toContain('--config is read only with --confirm')
  })
})
