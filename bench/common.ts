// What every bench script shares: integer options and a clean exit (child process groups
// killed and worktrees removed on Ctrl-C, SIGTERM, SIGHUP and on error).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { constants } from 'node:os'
import { registerCleanup } from '../src/process/cleanup.js'
import { cleanUpEverything } from '../src/process/signals.js'

/** Parses `--name N`: an integer of at least `min`, or an error naming the option. */
export function integerOption(name: string, text: string, min: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`)
  }
  return value
}

/** Runs a bench's main function with clean-up on signals and errors. */
export function runBench(name: string, main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUpEverything()
      process.stderr.write(`${name}: ${signal}, children killed\n`)
      process.exit(128 + constants.signals[signal])
    })
  }
  main().catch((error: unknown) => {
    cleanUpEverything()
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}

/**
 * A process spinning 100 ms, sleeping 100 ms: a neighbour busy half the time. Killed with
 * the bench's other children on a signal or error, as well as by the caller.
 */
export function startNeighbour(): ChildProcess {
  const script =
    'const spin = () => { const end = Date.now() + 100; while (Date.now() < end); setTimeout(spin, 100) }; spin()'
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' })
  // Once it has exited, the registered step is spent (a kill of nothing).
  child.once(
    'exit',
    registerCleanup(() => child.kill('SIGKILL'))
  )
  return child
}

/** Runs git in `cwd` as a fixed author (bench repositories need no user config); its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=perfgate', '-c', 'user.email=perfgate@localhost', ...args],
    { cwd, encoding: 'utf8' }
  ).trim()
}
