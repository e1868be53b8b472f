// Real shell commands, timed as whole processes.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import { hasGnuTime, parseRusage, runCommandTrial } from '../src/runners/command/runner.js'
import { commandBenchmark, waitUntilGone } from './helpers/benchmarks.js'

const scratch = mkdtempSync(path.join(tmpdir(), 'perfgate-test-'))

async function trial(...args: Parameters<typeof commandBenchmark>) {
  const benchmark = commandBenchmark(...args)
  return runCommandTrial(benchmark, benchmark.spec)
}

afterEach(() => {
  expect(liveChildCount()).toBe(0)
})

describe('command trials', () => {
  it('measures wall time, CPU and peak RSS of the process tree', async () => {
    // Busy until both 50 ms of wall time and 50 ms of CPU have passed (a loaded machine gives
    // less CPU per wall ms), allocating ~30 MB, in a grandchild node process: lower bounds.
    const outcome = await trial(
      `node -e "const a = Buffer.alloc(30e6, 1); const end = Date.now() + 50; while (Date.now() < end || process.cpuUsage().user < 50e3) a[0]++"`,
      { warmupRuns: 1 }
    )
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.metrics.wall).toBeGreaterThanOrEqual(50)
    expect(hasGnuTime()).toBe(true)
    expect(outcome.metrics.cpu).toBeGreaterThanOrEqual(50)
    expect(outcome.metrics.cpu).toBeCloseTo(outcome.metrics.user! + outcome.metrics.sys!, 6)
    expect(outcome.metrics.rss).toBeGreaterThan(30e6)
    expect(outcome.details).toEqual({ rusage: 'gnu-time' })
  })

  it('passes env and cwd to the command', async () => {
    const out = path.join(scratch, 'env.txt')
    const outcome = await trial(`printf '%s %s' "$GREETING" "$(pwd)" > ${out}`, {
      env: { GREETING: 'hello' },
      cwd: scratch
    })
    expect(outcome.ok).toBe(true)
    expect(readFileSync(out, 'utf8')).toBe(`hello ${scratch}`)
  })

  it('treats a non-zero exit as an error with the stderr tail', async () => {
    const outcome = await trial('echo "disk full" >&2; exit 4')
    expect(outcome).toMatchObject({
      ok: false,
      message: 'command exited with code 4: echo "disk full" >&2; exit 4',
      stderrTail: 'disk full'
    })
  })

  it('says when a warm-up run fails', async () => {
    const outcome = await trial('no-such-command-xyz', { warmupRuns: 1 })
    expect(outcome).toMatchObject({
      ok: false,
      message: 'warm-up run: command exited with code 127: no-such-command-xyz'
    })
    expect(!outcome.ok && outcome.stderrTail).toContain('not found')
  })

  it('kills a command that times out, with everything it started', async () => {
    const pidFile = path.join(scratch, 'sleep.pid')
    const outcome = await trial(`sleep 300 & echo $! > ${pidFile}; wait`, {}, 1000)
    expect(outcome).toMatchObject({
      ok: false,
      message: `command timed out after 1 s (killed): sleep 300 & echo $! > ${pidFile}; wait`
    })
    expect(await waitUntilGone(Number(readFileSync(pidFile, 'utf8')))).toBe(true)
  })
})

describe('parseRusage', () => {
  it('reads GNU time output in milliseconds and bytes', () => {
    expect(parseRusage('perfgate-rusage 0.12 0.03 20480\n')).toEqual({
      user: 120,
      sys: 30,
      cpu: 150,
      rss: 20480 * 1024
    })
  })

  it('finds the line after a signal notice, and rejects garbage', () => {
    expect(
      parseRusage('Command terminated by signal 9\nperfgate-rusage 0.00 0.00 1024\n')?.rss
    ).toBe(1024 * 1024)
    expect(parseRusage('nothing here')).toBeUndefined()
    expect(parseRusage('perfgate-rusage x y z')).toBeUndefined()
  })
})
