// A reader that goes away early (`perfgate … 2>&1 | head -1`) must not end a run before its
// clean-up: the CLI (bundled from the current sources, as a real process) writes into a real
// pipe that closes after the first line; afterwards no worktree is registered and the
// temporary directory perfgate was given is empty.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILD_DIR } from './helpers/build.js'
import { scratchDir } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = path.join(ROOT, '__fixtures__/projects/ab')

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=p', '-c', 'user.email=p@localhost', ...args], {
    cwd,
    encoding: 'utf8'
  }).trim()
}

/** Commits everything in `repo` (made a repository first if it is not one yet). */
function commitAll(repo: string, message: string): void {
  if (!existsSync(path.join(repo, '.git'))) git(repo, 'init', '--quiet')
  git(repo, 'add', '.')
  git(repo, 'commit', '--quiet', '-m', message)
}

const worktrees = (repo: string) => git(repo, 'worktree', 'list').split('\n')

/**
 * Runs `perfgate <args> 2>&1 | head -1` through a shell, with TMPDIR pointing at a fresh
 * directory; returns perfgate's exit code (written by the shell to a file), the one line
 * `head` let through and the temporary directory.
 */
async function throughHead(repo: string, args: string[]) {
  const tmp = path.join(scratchDir('perfgate-pipe-tmp-'), 'tmp')
  mkdirSync(tmp)
  const status = path.join(tmp, '..', 'status')
  const quoted = [process.execPath, path.join(BUILD_DIR, 'cli.js'), ...args]
    .map((a) => `'${a}'`)
    .join(' ')
  const shell = spawn('sh', ['-c', `{ ${quoted}; echo $? > '${status}'; } 2>&1 | head -1`], {
    cwd: repo,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let line = ''
  shell.stdout.on('data', (chunk: Buffer) => (line += chunk.toString()))
  await new Promise((resolve) => shell.once('close', resolve))
  return { code: Number(readFileSync(status, 'utf8')), line, tmp }
}

it('run --base: the run goes on to its end, writes its results and removes the worktree', async () => {
  const repo = scratchDir('perfgate-pipe-run-')
  cpSync(FIXTURE, repo, { recursive: true })
  writeFileSync(
    path.join(repo, 'perfgate.yml'),
    'benchmarks:\n  - name: busy work\n    function: { file: bench/work.bench.js, time: 20ms, warmup: 5ms }\n'
  )
  commitAll(repo, 'base')
  writeFileSync(path.join(repo, 'head.txt'), 'head\n')
  commitAll(repo, 'head')

  const { code, line, tmp } = await throughHead(repo, [
    'run',
    '--base',
    'HEAD~1',
    '--trials',
    '2',
    '--out',
    'results.json'
  ])
  const worktree = /checked out in (\S+)/.exec(line)?.[1]
  expect(worktree).toBeDefined()
  // The gate's own answer (pass or fail on real timing), not a crash on the closed pipe.
  expect([0, 1]).toContain(code)
  const results = JSON.parse(readFileSync(path.join(repo, 'results.json'), 'utf8'))
  expect(results.incomplete).toBeUndefined()
  expect(results.benchmarks.map((b: { name: string }) => b.name)).toEqual(['busy work'])
  expect(existsSync(worktree!)).toBe(false)
  expect(worktrees(repo)).toHaveLength(1)
  expect(readdirSync(tmp)).toEqual([])
}, 120_000)

it('bisect: every checkout it made is removed', async () => {
  const repo = scratchDir('perfgate-pipe-bisect-')
  writeFileSync(
    path.join(repo, 'perfgate.yml'),
    'benchmarks:\n  - name: parse\n    command: { run: "true" }\n    trials: 2\n'
  )
  commitAll(repo, 'good')
  for (const n of [1, 2, 3]) {
    writeFileSync(path.join(repo, 'work.txt'), `${n}\n`)
    commitAll(repo, `change ${n}`)
  }

  const { code, line, tmp } = await throughHead(repo, [
    'bisect',
    '--good',
    'HEAD~3',
    '--bad',
    'HEAD',
    '--trials',
    '2',
    '--seed',
    '1'
  ])
  expect(line).toMatch(/^bisect parse wall: 3 first-parent commits/)
  // Bisect's own answer on real timing (found, or not), not a crash on the closed pipe.
  expect([0, 1]).toContain(code)
  expect(worktrees(repo)).toHaveLength(1)
  expect(readdirSync(tmp)).toEqual([])
}, 120_000)
