// Real shell commands, timed as whole processes.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { liveChildCount } from '../src/process/children.js'
import { hasGnuTime, parseRusage, runCommandTrial } from '../src/runners/command/runner.js'
import { commandBenchmark, waitUntilGone } from './helpers/benchmarks.js'
import { scratchDir } from './helpers/scratch.js'

const scratch = scratchDir('perfgate-test-')

/** The type of the file system holding `dir` (the longest mount point above it). */
function fileSystemOf(dir: string): string {
  let best = { point: '', type: '' }
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [, point, type] = line.split(' ')
    if (!point || !type) continue
    const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`)
    if (inside && point.length > best.point.length) best = { point, type }
  }
  return best.type
}

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

  it('measures the bytes a command writes to storage (Linux, a disk-backed directory)', async () => {
    // Memory file systems send nothing to storage: the kernel counts no bytes there.
    if (process.platform !== 'linux' || /^(tmpfs|ramfs)$/.test(fileSystemOf(scratch))) return
    // 4 MB written and flushed by a grandchild: the kernel counts it when the pages are
    // dirtied, whatever the disk's cache does afterwards.
    const file = path.join(scratch, 'written.bin')
    const outcome = await trial(
      `node -e "const fs = require('fs'); const fd = fs.openSync('${file}', 'w'); fs.writeSync(fd, Buffer.alloc(4e6, 1)); fs.fsyncSync(fd); fs.closeSync(fd)"`
    )
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.metrics.diskWrite).toBeGreaterThanOrEqual(4e6)
    expect(outcome.metrics.diskRead).toBeGreaterThanOrEqual(0)
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

  it('reads disk blocks (512 bytes) on Linux, and leaves them out when GNU time gave none', () => {
    const parsed = parseRusage('perfgate-rusage 0.12 0.03 20480 8 2048\n')
    if (process.platform === 'linux') {
      expect(parsed).toMatchObject({ diskRead: 8 * 512, diskWrite: 2048 * 512 })
    } else expect(parsed?.diskRead).toBeUndefined()
    expect(parseRusage('perfgate-rusage 0.12 0.03 20480\n')?.diskWrite).toBeUndefined()
  })

  it('finds the line after a signal notice, and rejects garbage', () => {
    expect(
      parseRusage('Command terminated by signal 9\nperfgate-rusage 0.00 0.00 1024\n')?.rss
    ).toBe(1024 * 1024)
    expect(parseRusage('nothing here')).toBeUndefined()
    expect(parseRusage('perfgate-rusage x y z')).toBeUndefined()
  })
})
