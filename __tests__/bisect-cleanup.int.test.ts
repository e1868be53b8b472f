// bisect leaves nothing behind: with real measurements (structure only, never a verdict),
// when a commit's setup fails, and when the clean-up of Ctrl-C runs in the middle of a step.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { commandBisect } from '../src/cli/bisect.js'
import { liveChildCount } from '../src/process/children.js'
import { runCleanups } from '../src/process/cleanup.js'
import type { TrialRunner } from '../src/runners/types.js'
import { git } from './helpers/git-repos.js'
import { failedTrial, okTrial } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const FIXTURE = fileURLToPath(new URL('../__fixtures__/projects/ab', import.meta.url))
afterEach(() => expect(liveChildCount()).toBe(0))

function capture(cwd: string, runner?: TrialRunner) {
  const out = { stdout: '', stderr: '' }
  const io = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    cwd,
    ...(runner ? { runner } : {})
  }
  return { io, out }
}

const worktrees = (dir: string) => git(dir, 'worktree', 'list', '--porcelain').split('\n\n').length

/** The worktrees bisect said it checked out. */
const checkedOut = (stderr: string) =>
  [...stderr.matchAll(/checked out in (\S+)/g)].map((m) => m[1]!)

function commitAll(dir: string, message: string): string {
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}

it('real measurements: a culprit inside the range or a reason, and no worktree left', async () => {
  const dir = scratchDir('perfgate-bisect-real-')
  cpSync(FIXTURE, dir, { recursive: true })
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    'trials: 2\ncompare: { max-pairs: 4 }\nbenchmarks:\n' +
      '  - name: busy work\n    function: { file: bench/work.bench.js, time: 20ms, warmup: 5ms }\n'
  )
  git(dir, 'init', '--quiet', '--initial-branch=main')
  const good = commitAll(dir, 'good')
  const work = path.join(dir, 'src/work.js')
  const range: string[] = []
  for (const n of [1, 2]) {
    writeFileSync(
      work,
      readFileSync(work, 'utf8').replace(/ITERATIONS = \d+/, `ITERATIONS = ${n}00000`)
    )
    range.push(commitAll(dir, `change ${n}`))
  }
  const { io, out } = capture(dir)
  const code = await commandBisect(['--good', good, '--bad', 'HEAD', '--json', '--seed', '2'], io)
  expect([0, 1]).toContain(code)
  const json = JSON.parse(out.stdout)
  if (code === 0) expect(range).toContain(json.culprit.commit)
  else expect(json.reason).toEqual(expect.any(String))
  for (const step of json.steps) expect(range).toContain(step.commit)
  const dirs = checkedOut(out.stderr)
  expect(dirs.length).toBeGreaterThanOrEqual(2)
  for (const d of dirs) expect(existsSync(d)).toBe(false)
  expect(worktrees(dir)).toBe(1)
  expect(git(dir, 'status', '--porcelain')).toBe('')
}, 180_000)

describe('clean-up', () => {
  const scripted: TrialRunner = {
    async runTrial(benchmark) {
      const cwd = (benchmark.spec as { cwd: string }).cwd
      return okTrial(Number(readFileSync(path.join(cwd, 'speed.txt'), 'utf8')))
    }
  }

  function repo(setup: string): { dir: string; commits: string[] } {
    const dir = scratchDir('perfgate-bisect-clean-')
    execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir })
    writeFileSync(
      path.join(dir, 'perfgate.yml'),
      `setup: ${JSON.stringify(setup)}\nbenchmarks:\n  - name: parse\n    command: { run: "true" }\n    trials: 3\n`
    )
    writeFileSync(path.join(dir, 'speed.txt'), '100\n')
    const commits = [commitAll(dir, 'good')]
    for (let i = 1; i <= 4; i++) {
      writeFileSync(path.join(dir, 'work.txt'), `${i}\n`)
      if (i === 3) writeFileSync(path.join(dir, 'broken'), '')
      commits.push(commitAll(dir, `change ${i}`))
    }
    return { dir, commits }
  }

  it('a failing setup on a commit: exit 3, its output named, every worktree removed', async () => {
    const { dir, commits } = repo('test ! -f broken || { echo no build here >&2; exit 4; }')
    const { io, out } = capture(dir, scripted)
    const code = await commandBisect(['--good', commits[0]!, '--bad', 'HEAD'], io)
    expect(code).toBe(3)
    expect(out.stderr).toMatch(/setup `.*` in .* exited with code 4[^]*no build here/)
    const dirs = checkedOut(out.stderr)
    expect(dirs).toHaveLength(2)
    for (const d of dirs) expect(existsSync(d)).toBe(false)
    expect(worktrees(dir)).toBe(1)
  })

  it("Ctrl-C's clean-up in the middle of a step removes both worktrees", async () => {
    const { dir, commits } = repo('true')
    let during = -1
    const interrupting: TrialRunner = {
      async runTrial(benchmark, trial) {
        if (during === -1) {
          runCleanups()
          during = worktrees(dir)
        }
        const cwd = (benchmark.spec as { cwd: string }).cwd
        return existsSync(cwd) ? scripted.runTrial(benchmark, trial) : failedTrial('gone')
      }
    }
    const { io, out } = capture(dir, interrupting)
    const code = await commandBisect(['--good', commits[0]!, '--bad', 'HEAD'], io)
    expect(during).toBe(1)
    expect(code).toBe(3)
    expect(out.stdout).toMatch(/could not be measured|errored/)
    expect(worktrees(dir)).toBe(1)
  })
})
