// Ctrl-C while a server is under load: the CLI (bundled from the current sources, as a real process)
// stops every process it started and removes the base worktree.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILD_DIR } from './helpers/build.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = path.join(ROOT, '__fixtures__/projects/ab')

/** Pids of processes whose working directory is inside `dir`. */
function processesIn(dir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry))
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=p', '-c', 'user.email=p@localhost', ...args], {
    cwd,
    encoding: 'utf8'
  })
}

it('stops servers and removes the worktree on SIGINT', async () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'perfgate-int-'))
  cpSync(FIXTURE, repo, { recursive: true })
  git(repo, 'init', '--quiet')
  git(repo, 'add', '.')
  git(repo, 'commit', '--quiet', '-m', 'initial')
  const cli = spawn(
    process.execPath,
    [path.join(BUILD_DIR, 'cli.js'), 'run', '--config', 'perfgate-http.yml', '--base', 'HEAD'],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stderr = ''
  cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  // Wait until the A/B is under way (a base worktree exists and a server runs), up to 30 s.
  const worktreeRoot = () => /checked out in (\S+)/.exec(stderr)?.[1]
  for (
    let i = 0;
    i < 600 &&
    !(worktreeRoot() && processesIn(repo).length + processesIn(worktreeRoot()!).length > 1);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50))
  }
  const worktree = worktreeRoot()
  if (!worktree) throw new Error(`no worktree line in: ${stderr}`)
  cli.kill('SIGINT')
  const code = await new Promise<number | null>((resolve) => cli.once('exit', (c) => resolve(c)))
  expect(code).toBe(130)
  expect(stderr).toContain('perfgate: interrupted (SIGINT); benchmark processes stopped')
  // Let the kernel finish delivering the group kill.
  for (let i = 0; i < 50 && processesIn(repo).length + processesIn(worktree!).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50))
  }
  expect(processesIn(repo)).toEqual([])
  expect(processesIn(worktree!)).toEqual([])
  expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1)
})
