// Same-runner A/B end to end: a real git repository, a real worktree for the base, real
// worker processes, and the CLI's exit codes. Also stored baselines and `perfgate compare`.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { liveChildCount } from '../src/process/children.js'
import { DEFAULT_GATE } from '../src/metrics.js'
import { parseResults } from '../src/results/format.js'
import { jitter, scriptResultsFile, timePerOp } from './helpers/scripted-trials.js'
import { scratchDir } from './helpers/scratch.js'

const FIXTURE = fileURLToPath(new URL('../__fixtures__/projects/ab', import.meta.url))

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=perfgate', '-c', 'user.email=perfgate@localhost', ...args],
    {
      cwd,
      encoding: 'utf8'
    }
  ).trim()
}

/** A fresh repository holding the fixture project, committed once. */
function makeRepo(): string {
  const repo = scratchDir('perfgate-ab-')
  cpSync(FIXTURE, repo, { recursive: true })
  git(repo, 'init', '--quiet', '--initial-branch=main')
  git(repo, 'add', '.')
  git(repo, 'commit', '--quiet', '-m', 'initial')
  return repo
}

function setIterations(repo: string, n: number): void {
  const file = path.join(repo, 'src/work.js')
  writeFileSync(file, readFileSync(file, 'utf8').replace(/ITERATIONS = \d+/, `ITERATIONS = ${n}`))
}

function capture(cwd: string) {
  const out = { stdout: '', stderr: '' }
  const io = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    cwd
  }
  return { io, out }
}

afterEach(() => expect(liveChildCount()).toBe(0))

const VERDICTS = ['regression', 'improvement', 'unchanged', 'inconclusive']

// Real measurements decide nothing here: a loaded runner can make any real A/B come out
// either way. Real runs are checked for their shape and their cleanup; verdicts are checked
// on scripted trials (helpers/scripted-trials.ts) through `perfgate compare`.
describe('perfgate run --base', () => {
  it('compares in pairs against its own HEAD, reports, and leaves no worktree behind', async () => {
    const repo = makeRepo()
    const { io, out } = capture(repo)
    const code = await main(
      ['run', '--base', 'HEAD', '--seed', '1', '--out', 'ab.json', '--report', 'report.md'],
      io
    )
    expect([0, 1]).toContain(code)
    const results = parseResults(readFileSync(path.join(repo, 'ab.json'), 'utf8'), 'ab.json')
    expect(results.comparison!.mode).toBe('paired')
    expect(results.base!.source).toMatch(/^the merge-base with HEAD \([0-9a-f]{7}\)$/)
    expect(results.benchmarks[0]!.paired!.pairs).toBeGreaterThanOrEqual(4)
    const compared = results.comparison!.benchmarks[0]!
    expect(compared.metrics.length).toBeGreaterThan(0)
    for (const metric of compared.metrics) expect(VERDICTS).toContain(metric.verdict)
    expect(out.stdout).toContain('busy work')
    expect(readFileSync(path.join(repo, 'report.md'), 'utf8')).toMatch(/^### .+ perfgate — /m)
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
    // The user's working tree is untouched (only our output files are new).
    expect(git(repo, 'status', '--porcelain')).toBe('?? ab.json\n?? report.md')
  })

  it('compares an HTTP endpoint in pairs (its default gate) and stops every server', async () => {
    const repo = makeRepo()
    const { io } = capture(repo)
    const code = await main(
      ['run', '--config', 'perfgate-http.yml', '--base', 'HEAD', '--seed', '5', '--out', 'ab.json'],
      io
    )
    expect([0, 1]).toContain(code)
    const results = parseResults(readFileSync(path.join(repo, 'ab.json'), 'utf8'), 'ab.json')
    expect(results.comparison!.mode).toBe('paired')
    const compared = results.comparison!.benchmarks[0]!
    expect(compared.name).toBe('GET /work')
    // The HTTP default gate: the server's CPU per request on Linux, latency and rps elsewhere.
    expect(compared.metrics.map((m) => m.metric)).toEqual(DEFAULT_GATE.http)
    // Latency and throughput are measured on both sides all the same.
    for (const side of [results.benchmarks[0]!, results.base!.benchmarks[0]!]) {
      expect(side.summary.p50).toBeDefined()
      expect(side.summary.rps).toBeDefined()
    }
    for (const metric of compared.metrics) expect(VERDICTS).toContain(metric.verdict)
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('measures a benchmark the base lacks as new', async () => {
    const repo = makeRepo()
    cpSync(path.join(repo, 'bench/work.bench.js'), path.join(repo, 'bench/extra.bench.js'))
    writeFileSync(
      path.join(repo, 'perfgate.yml'),
      readFileSync(path.join(repo, 'perfgate.yml'), 'utf8') +
        '  - name: extra\n    function: { file: bench/extra.bench.js, bench: busy work, time: 30ms, warmup: 10ms }\n'
    )
    const { io, out } = capture(repo)
    expect(await main(['run', '--base', 'HEAD', '--seed', '3', '--filter', 'extra'], io)).toBe(0)
    expect(out.stdout).toContain(
      '! extra is new: measured, budgets checked, nothing to compare with.'
    )
  })

  it('does not share a node_modules that links into the repository (workspaces)', async () => {
    const repo = makeRepo()
    mkdirSync(path.join(repo, 'packages/core'), { recursive: true })
    mkdirSync(path.join(repo, 'node_modules/@s'), { recursive: true })
    symlinkSync(path.join(repo, 'packages/core'), path.join(repo, 'node_modules/@s/core'))
    const { io } = capture(repo)
    await main(['run', '--base', 'HEAD', '--seed', '4', '--out', 'ab.json', '--trials', '2'], io)
    const results = parseResults(readFileSync(path.join(repo, 'ab.json'), 'utf8'), 'ab.json')
    expect(results.base!.dependencies).toMatch(
      /^none — \.\/node_modules links into the repository \(workspaces\)/
    )
  })

  it('refuses an unknown ref before measuring (exit 2)', async () => {
    const repo = makeRepo()
    const { io, out } = capture(repo)
    expect(await main(['run', '--base', 'no-such-branch'], io)).toBe(2)
    expect(out.stderr).toBe(
      'perfgate: --base no-such-branch: unknown git ref (fetch it first, e.g. git fetch origin no-such-branch)\n'
    )
  })
})

describe('stored baselines', () => {
  it('compares a run with --baseline (unpaired), and two files with perfgate compare', async () => {
    const repo = makeRepo()
    const first = capture(repo)
    expect([0, 1]).toContain(await main(['run', '--out', 'base.json', '--trials', '3'], first.io))
    setIterations(repo, 40000) // twice the work
    const second = capture(repo)
    const code = await main(
      ['run', '--baseline', 'base.json', '--trials', '3', '--out', 'head.json'],
      second.io
    )
    expect([0, 1]).toContain(code)
    expect(second.out.stdout).toContain('vs stored results base.json')
    expect(second.out.stdout).toContain('Cross-run comparison against stored results')
    const head = parseResults(readFileSync(path.join(repo, 'head.json'), 'utf8'), 'head.json')
    expect(head.comparison!.mode).toBe('unpaired')
    expect(head.benchmarks[0]!.trials).toHaveLength(3)
  })

  it('reports a planted slowdown as a regression and exits 1 (scripted trials)', async () => {
    const repo = makeRepo()
    expect([0, 1]).toContain(
      await main(['run', '--out', 'base.json', '--trials', '1'], capture(repo).io)
    )
    cpSync(path.join(repo, 'base.json'), path.join(repo, 'head.json'))
    // Every head trial 50 % slower than every base trial: a regression whatever the noise.
    scriptResultsFile(path.join(repo, 'base.json'), 6, (_, t) => timePerOp(0.1 * jitter(t)))
    scriptResultsFile(path.join(repo, 'head.json'), 6, (_, t) => timePerOp(0.15 * jitter(t)))

    const compared = capture(repo)
    const code = await main(
      ['compare', 'base.json', 'head.json', '--report', 'report.md'],
      compared.io
    )
    expect(code).toBe(1)
    expect(compared.out.stdout).toMatch(/▲ regression\s+busy work\s+time\/op mean/)
    expect(readFileSync(path.join(repo, 'report.md'), 'utf8')).toContain(
      '### 🔴 perfgate — 1 regression, 0 improvements'
    )

    const json = capture(repo)
    expect(await main(['compare', 'base.json', 'head.json', '--json'], json.io)).toBe(1)
    const results = parseResults(json.out.stdout, 'stdout')
    expect(results.comparison!.mode).toBe('unpaired')
    expect(results.comparison!.benchmarks[0]!.metrics[0]!.verdict).toBe('regression')
    expect(results.comparison!.benchmarks[0]!.metrics[0]!.ratio).toBeCloseTo(1.5, 1)
  })

  it('passes two files whose trials are the same (scripted trials)', async () => {
    const repo = makeRepo()
    await main(['run', '--out', 'base.json', '--trials', '1'], capture(repo).io)
    cpSync(path.join(repo, 'base.json'), path.join(repo, 'head.json'))
    for (const file of ['base.json', 'head.json']) {
      scriptResultsFile(path.join(repo, file), 6, (_, t) => timePerOp(0.1 * jitter(t)))
    }
    const { io, out } = capture(repo)
    expect(await main(['compare', 'base.json', 'head.json', '--json'], io)).toBe(0)
    const results = parseResults(out.stdout, 'stdout')
    expect(results.comparison!.counts.regressions).toBe(0)
    expect(results.comparison!.benchmarks[0]!.metrics[0]!.verdict).not.toBe('regression')
  })

  it('refuses a corrupt baseline file before measuring (exit 2)', async () => {
    const repo = makeRepo()
    writeFileSync(path.join(repo, 'broken.json'), '{"schemaVersion": 1')
    const { io, out } = capture(repo)
    expect(await main(['run', '--baseline', 'broken.json'], io)).toBe(2)
    expect(out.stderr).toMatch(
      /^perfgate: broken\.json: not valid JSON \(.+\); expected a perfgate results file\n$/
    )
    expect(out.stderr).not.toContain('[1/1]')
  })
})
