// Ctrl-C while a server is under load: the CLI (bundled from the current sources, as a real process)
// stops every process it started and removes the base worktree.
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsxLoaderUrl } from '../src/runtime-files.js'
import { BUILD_DIR } from './helpers/build.js'
import { scratchDir } from './helpers/scratch.js'

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
  const repo = scratchDir('perfgate-int-')
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

/** Live processes whose environment has PERFGATE_TEST_TAG=tag. */
function tagged(tag: string): number[] {
  const needle = Buffer.from(`\0PERFGATE_TEST_TAG=${tag}\0`)
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const environ = readFileSync(`/proc/${entry}/environ`)
        return Buffer.concat([Buffer.from([0]), environ]).includes(needle)
      } catch {
        return false
      }
    })
    .map(Number)
}

// Runs the CLI from source (the bundle is rebuilt from it), so this checks the code as is.
it('on SIGINT during a command trial, stops the daemon it started and removes temp files', async () => {
  const project = scratchDir('perfgate-int-cmd-')
  const tmp = path.join(project, 'tmp')
  mkdirSync(tmp)
  const tag = randomBytes(6).toString('hex')
  writeFileSync(
    path.join(project, 'perfgate.yml'),
    [
      'trials: 1',
      'benchmarks:',
      '  - name: slow',
      '    command:',
      `      run: setsid sh -c 'touch ready; exec sleep 300' & sleep 300`,
      '      warmup: 0',
      `      env: { PERFGATE_TEST_TAG: '${tag}' }`,
      ''
    ].join('\n')
  )
  const cli = spawn(
    process.execPath,
    ['--import', tsxLoaderUrl()!, path.join(ROOT, 'src/cli.ts'), 'run', '--config', 'perfgate.yml'],
    { cwd: project, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stderr = ''
  cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const scratchDirs = () => readdirSync(tmp).filter((name) => name.startsWith('perfgate-'))
  // Under way: the rusage directory exists and the daemon has left the process group.
  for (
    let i = 0;
    i < 400 && !(existsSync(path.join(project, 'ready')) && scratchDirs().length > 0);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50))
  }
  if (scratchDirs().length === 0) throw new Error(`no temp dir; stderr: ${stderr}`)
  expect(existsSync(path.join(project, 'ready'))).toBe(true)
  cli.kill('SIGINT')
  const code = await new Promise<number | null>((resolve) => cli.once('exit', (c) => resolve(c)))
  expect(code).toBe(130)
  expect(scratchDirs()).toEqual([])
  for (let i = 0; i < 100 && tagged(tag).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50))
  }
  expect(tagged(tag)).toEqual([])
})
