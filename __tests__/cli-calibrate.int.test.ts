// `perfgate calibrate` end to end over a real git repository with a scripted runner: the
// A/A pairs it schedules, the figures it computes from scripted values, its table and JSON,
// an errored benchmark, a dirty working tree, and bad flags.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCalibration } from '../src/app/calibrate.js'
import { loadConfigFile } from '../src/app/files.js'
import { RequestError } from '../src/app/requests.js'
import { commandCalibrate } from '../src/cli/calibrate.js'
import type { TrialRunner } from '../src/runners/types.js'
import { detectableChange, pairsToDecide, thresholdFor } from '../src/stats/calibrate.js'
import { git } from './helpers/git-repos.js'
import { failedTrial, okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

/** Log ratios head/base of the scripted pairs, by trial index. */
const D = [0.02, -0.01, 0.03, -0.02, 0, 0.01, -0.03, 0.02, -0.01, 0]
const mean = D.reduce((s, x) => s + x, 0) / D.length
const SD = Math.sqrt(D.reduce((s, x) => s + (x - mean) ** 2, 0) / (D.length - 1))

function repo(): string {
  const dir = scratchDir('perfgate-calibrate-')
  git(dir, 'init', '--quiet')
  const bench = (name: string) =>
    `  - name: ${JSON.stringify(name)}\n    command: { run: "true" }\n    trials: 3\n`
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    'benchmarks:\n' + bench('build') + bench('lint') + bench('explodes')
  )
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'suite')
  return dir
}

/** Values by side and trial only; "explodes" fails on head at its third trial. */
function runner(): TrialRunner & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async runTrial(benchmark, trial) {
      const base = (benchmark.spec as { cwd: string }).cwd.includes('perfgate-base-')
      calls.push(`${benchmark.name} ${base ? 'base' : 'head'} ${trial}`)
      if (benchmark.name === 'explodes' && !base && trial === 2) return failedTrial('boom')
      const scale = benchmark.name === 'lint' ? 2 : 1
      return okTrial(base ? 100 * scale : 100 * scale * Math.exp(D[trial]!))
    }
  }
}

const sink = () => {
  const out: string[] = []
  return { out, stream: { write: (text: string) => out.push(text) } }
}

describe('perfgate calibrate', () => {
  let dir: string
  beforeAll(() => {
    dir = repo()
  })

  it('runs every A/A pair (no early stop) and computes the figures of the configured rule', async () => {
    const run = runner()
    const calibration = await runCalibration(
      { config: loadConfigFile(dir, undefined), pairs: 10, seed: 7 },
      { runner: run, log: sink().stream }
    )
    expect(calibration.clean).toBe(true)
    expect(calibration.familySize).toBe(3)
    expect(run.calls.filter((c) => c.startsWith('build')).length).toBe(20)
    const [build, lint, explodes] = calibration.benchmarks
    // Configured: trials 3, three looks → 9 pairs; threshold 4 %, alpha 0.05.
    const rule = { alpha: 0.05, threshold: 0.04, looks: 3, familySize: 3 }
    expect(build!.configured).toMatchObject({ trials: 3, maxPairs: 9, looks: 3, threshold: 0.04 })
    const wall = build!.metrics.find((m) => m.metric === 'wall')!
    expect(wall.gated).toBe(true)
    expect(wall.pairs).toBe(10)
    expect(wall.sdLog).toBeCloseTo(SD, 12)
    expect(wall.meanLog).toBeCloseTo(mean, 12)
    expect(wall.detectable).toBeCloseTo(detectableChange(SD, 9, rule), 12)
    expect(wall.pairsToDecide).toBe(pairsToDecide(SD, rule))
    expect(wall.thresholdForPairs).toBe(thresholdFor(SD, 9, rule))
    // The same log ratios at another scale: the same noise.
    expect(lint!.metrics[0]!.sdLog).toBeCloseTo(SD, 12)
    // Only wall has values: user, sys, rss are skipped.
    expect(build!.metrics.map((m) => m.metric)).toEqual(['wall'])
    // Suggestions: trials so that three looks reach the pairs to decide.
    expect(build!.suggested.trials).toBe(Math.max(2, Math.ceil(pairsToDecide(SD, rule)! / 3)))
    expect(build!.suggested.threshold).toBe(thresholdFor(SD, 9, rule))
    expect(build!.suggested.trialLengthMs).toBeNull() // a command has no trial length
    expect(explodes).toMatchObject({ state: 'errored', error: 'head: boom', metrics: [] })
  }, 60_000)

  it('prints a table and exits 3 when a benchmark could not be measured', async () => {
    const stdout = sink()
    const stderr = sink()
    const code = await commandCalibrate(['--trials', '10'], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      cwd: dir,
      runner: runner()
    })
    expect(code).toBe(3)
    const text = stdout.out.join('')
    const lines = text.split('\n')
    expect(lines[0]).toMatch(
      /^perfgate calibrate · A\/A on this machine: HEAD \([0-9a-f]{7}\) against the working tree, 10 pairs per benchmark$/
    )
    expect(text).not.toContain('uncommitted changes')
    const header = lines.find((l) => l.startsWith('benchmark'))!
    expect(header.split(/\s{2,}/)).toEqual([
      'benchmark',
      'metric',
      'pairs',
      'noise (SD)',
      'robust',
      'flags (80 %)',
      'pairs to decide',
      'decides at'
    ])
    const buildRow = lines.find((l) => l.startsWith('build'))!.split(/\s{2,}/)
    expect(buildRow.slice(0, 4)).toEqual([
      'build',
      'wall time *',
      '10',
      `±${(SD * 100).toFixed(1)} %`
    ])
    expect(lines.find((l) => l.startsWith('explodes'))).toMatch(/^explodes +ERRORED +2$/)
    expect(lines).toContain('✗ explodes: could not be measured on head: boom')
    expect(text).toMatch(
      /^ {2}build: trials \d+ \(3 now\): up to \d+ pairs, about .+ per A\/B; threshold ±\d+ % \(±4 % now\)/m
    )
  }, 60_000)

  it('gives the same data as JSON', async () => {
    const stdout = sink()
    await commandCalibrate(['--trials', '10', '--json', '--filter', '^build$'], {
      stdout: stdout.stream,
      stderr: sink().stream,
      cwd: dir,
      runner: runner()
    })
    const data = JSON.parse(stdout.out.join('')) as ReturnType<typeof JSON.parse>
    expect(Object.keys(data).sort()).toEqual(
      [
        'benchmarks',
        'clean',
        'commit',
        'environment',
        'familySize',
        'pairs',
        'power',
        'seed'
      ].sort()
    )
    expect(data.benchmarks).toHaveLength(1)
    expect(data.benchmarks[0].name).toBe('build')
    expect(data.benchmarks[0].metrics[0].sdLog).toBeCloseTo(SD, 12)
    expect(data.familySize).toBe(3) // the whole config's gated tests, not the filtered ones
  }, 60_000)

  it('says when the working tree is dirty: then it is no A/A', async () => {
    writeFileSync(path.join(dir, 'notes.txt'), 'uncommitted\n')
    git(dir, 'add', 'notes.txt')
    const stdout = sink()
    const stderr = sink()
    await commandCalibrate(['--trials', '4', '--filter', 'lint'], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      cwd: dir,
      runner: runner()
    })
    expect(stdout.out.join('')).toContain('The working tree has uncommitted changes')
    expect(stderr.out.join('')).toContain('this was not an A/A')
    git(dir, 'reset', '--quiet', 'notes.txt')
  }, 60_000)

  it('refuses bad flags before measuring', async () => {
    const io = { stdout: sink().stream, stderr: sink().stream, cwd: dir, runner: runner() }
    await expect(commandCalibrate(['--trials', '1'], io)).rejects.toThrow(RequestError)
    await expect(commandCalibrate(['--filter', '('], io)).rejects.toThrow(/--filter/)
    await expect(commandCalibrate(['--bogus'], io)).rejects.toThrow(RequestError)
    await expect(commandCalibrate(['--filter', 'nothing'], io)).rejects.toThrow(
      /matches no benchmark/
    )
  })
})
