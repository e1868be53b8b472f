// Same-runner A/B end to end: a real git repository, a real worktree for the base, real
// worker processes, and the CLI's exit codes. Also stored baselines and `perfgate compare`.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { liveChildCount } from '../src/process/children.js'
import { parseResults } from '../src/results/format.js'

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
  const repo = mkdtempSync(path.join(tmpdir(), 'perfgate-ab-'))
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

describe('perfgate run --base', () => {
  it('passes an A/A comparison against its own HEAD and leaves no worktree behind', async () => {
    const repo = makeRepo()
    const { io, out } = capture(repo)
    const code = await main(['run', '--base', 'HEAD', '--seed', '1', '--out', 'ab.json'], io)
    expect(out.stdout).not.toContain('regression ')
    expect(code).toBe(0)
    const results = parseResults(readFileSync(path.join(repo, 'ab.json'), 'utf8'), 'ab.json')
    expect(results.comparison!.mode).toBe('paired')
    expect(results.comparison!.counts.regressions).toBe(0)
    expect(results.base!.source).toMatch(/^the merge-base with HEAD \([0-9a-f]{7}\)$/)
    expect(results.benchmarks[0]!.paired!.pairs).toBeGreaterThanOrEqual(4)
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
    // The user's working tree is untouched (only our --out file is new).
    expect(git(repo, 'status', '--porcelain')).toBe('?? ab.json')
  })

  it('reports a planted slowdown as a regression and exits 1', async () => {
    const repo = makeRepo()
    setIterations(repo, 30000) // +50 % work in the working tree (head)
    const { io, out } = capture(repo)
    const code = await main(['run', '--base', 'HEAD', '--seed', '2', '--report', 'report.md'], io)
    expect(code).toBe(1)
    expect(out.stdout).toMatch(/▲ regression\s+busy work\s+time\/op p50/)
    const report = readFileSync(path.join(repo, 'report.md'), 'utf8')
    expect(report).toContain('### 🔴 perfgate — 1 regression, 0 improvements')
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('reports a planted latency regression in an HTTP endpoint', async () => {
    const repo = makeRepo()
    setIterations(repo, 40000) // twice the work per request in head
    const { io, out } = capture(repo)
    const code = await main(
      ['run', '--config', 'perfgate-http.yml', '--base', 'HEAD', '--seed', '5'],
      io
    )
    expect(out.stdout).toMatch(/▲ regression\s+GET \/work\s+latency p50/)
    expect(out.stdout).toMatch(/▲ regression\s+GET \/work\s+requests\/s/)
    expect(code).toBe(1)
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
  it('compares a run with --baseline, and two files with perfgate compare', async () => {
    const repo = makeRepo()
    const first = capture(repo)
    expect(await main(['run', '--out', 'base.json', '--trials', '6'], first.io)).toBe(0)
    setIterations(repo, 40000) // twice the work
    const second = capture(repo)
    const code = await main(
      ['run', '--baseline', 'base.json', '--trials', '6', '--out', 'head.json'],
      second.io
    )
    expect(code).toBe(1)
    expect(second.out.stdout).toContain('vs stored results base.json')
    expect(second.out.stdout).toContain('Cross-run comparison against stored results')

    const compared = capture(repo)
    expect(await main(['compare', 'base.json', 'head.json', '--json'], compared.io)).toBe(1)
    const results = parseResults(compared.out.stdout, 'stdout')
    expect(results.comparison!.benchmarks[0]!.metrics[0]!.verdict).toBe('regression')
    expect(results.comparison!.benchmarks[0]!.metrics[0]!.ratio).toBeGreaterThan(1.5)
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
