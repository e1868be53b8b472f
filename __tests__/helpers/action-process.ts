// The bundled action run as a process, the way a runner runs it, on a real repository: a
// bare origin whose main holds a fixture project, and a clone of it to run in.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync } from 'node:fs'
import path from 'node:path'
import { BUILD_DIR } from './build.js'
import { scratchDir } from './scratch.js'

/** git with an explicit identity (no git config needed); returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@localhost', ...args], {
    cwd,
    encoding: 'utf8'
  }).trim()
}

export interface ProjectClone {
  /** The clone, on main. */
  readonly dir: string
  /** The bare repository (the clone's origin). */
  readonly origin: string
  /** main's one commit, pushed to origin. */
  readonly baseSha: string
}

/**
 * origin (bare) with main holding `fixture`'s files — after `prepare` has changed them in
 * the clone — and the clone. Returns main's commit.
 */
export function cloneWithProject(
  prefix: string,
  fixture: string,
  prepare: (dir: string) => void = () => {}
): ProjectClone {
  const top = scratchDir(prefix)
  const origin = path.join(top, 'origin.git')
  const dir = path.join(top, 'work')
  git(top, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  git(top, 'clone', '--quiet', origin, dir)
  cpSync(fixture, dir, { recursive: true })
  prepare(dir)
  git(dir, 'add', '.')
  git(dir, 'commit', '--quiet', '-m', 'main')
  git(dir, 'push', '--quiet', 'origin', 'HEAD:main')
  return { dir, origin, baseSha: git(dir, 'rev-parse', 'HEAD') }
}

export interface ActionProcess {
  readonly code: number | null
  /** stdout and stderr, interleaved. */
  readonly log: string
  readonly pid: number
}

/** Runs the bundled action (index.js) in `cwd` with exactly the environment `env`. */
export async function runBundledAction(
  cwd: string,
  env: NodeJS.ProcessEnv
): Promise<ActionProcess> {
  const child = spawn(process.execPath, [path.join(BUILD_DIR, 'index.js')], { cwd, env })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, log, pid: child.pid! }
}
