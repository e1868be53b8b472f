// Processes that leave a trial's process group (setsid daemons, detached children, a
// server's daemonized grandchild) are found by their environment marker and stopped, and
// the trial says so. Real processes throughout; each test tags its processes through the
// configured env and checks /proc for survivors.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { runSetup } from '../src/git/base-checkout.js'
import { liveChildCount } from '../src/process/children.js'
import { buildReport } from '../src/report/model.js'
import { renderMarkdownReport } from '../src/report/markdown.js'
import { renderTerminalVerdict } from '../src/report/terminal.js'
import { COMPARED_RESULTS, COMPARISON } from '../__fixtures__/results/comparison.js'
import { runCommandTrial } from '../src/runners/command/runner.js'
import { runFunctionTrial } from '../src/runners/function/runner.js'
import { HttpTrialRunner } from '../src/runners/http/runner.js'
import { commandBenchmark, functionBenchmark, httpBenchmark } from './helpers/benchmarks.js'

const TAG = 'PERFGATE_TEST_TAG'

/** Live processes (not zombies) whose environment has TAG=tag. */
function tagged(tag: string): number[] {
  const needle = Buffer.from(`\0${TAG}=${tag}\0`)
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`)])
      if (environ.includes(needle)) pids.push(Number(entry))
    } catch {
      // gone
    }
  }
  return pids
}

/** The tagged processes still there after up to 5 s (a kill is delivered asynchronously). */
async function survivors(tag: string): Promise<number[]> {
  for (let i = 0; i < 100 && tagged(tag).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50))
  }
  return tagged(tag)
}

const newTag = () => randomBytes(6).toString('hex')

/** Shell: start `command` in a new session and wait until it has left the group. */
// Waits until the daemon has become `command` (setsid and sh exec into it, keeping the
// pid), so a scan never catches it halfway with its shell's command line.
const daemon = (command: string) =>
  `setsid sh -c "exec ${command}" & P=$!; ` +
  `while C=$(cat /proc/$P/comm 2>/dev/null) && { [ "$C" = sh ] || [ "$C" = setsid ]; }; do sleep 0.01; done`

afterEach(async () => {
  for (let i = 0; i < 50 && liveChildCount() > 0; i++) await new Promise((r) => setTimeout(r, 20))
  expect(liveChildCount()).toBe(0)
})

describe('processes left outside the process group', () => {
  it('stops a setsid daemon a command starts, and reports it on the trial', async () => {
    const tag = newTag()
    // The daemon keeps the stderr pipe open: the trial must not wait for it.
    const benchmark = commandBenchmark(daemon('sleep 300'), { env: { [TAG]: tag } })
    const outcome = await runCommandTrial(benchmark, benchmark.spec)
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.details.leftProcesses).toMatch(
      /^left 1 process running outside its process group: sleep 300 \(pid \d+\); stopped$/
    )
    expect(await survivors(tag)).toEqual([])
  })

  it('stops daemons left by warm-up runs and failing commands too', async () => {
    const tag = newTag()
    const benchmark = commandBenchmark(`${daemon('sleep 301')}; exit 3`, {
      env: { [TAG]: tag }
    })
    const outcome = await runCommandTrial(benchmark, benchmark.spec)
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && outcome.message).toMatch(
      /exited with code 3: .*; it left 1 process running outside its process group: sleep 301 \(pid \d+\); stopped$/
    )
    expect(await survivors(tag)).toEqual([])

    const warm = commandBenchmark(daemon('sleep 302'), {
      env: { [TAG]: tag },
      warmupRuns: 2
    })
    const warmed = await runCommandTrial(warm, warm.spec)
    if (!warmed.ok) throw new Error(warmed.message)
    expect(warmed.details.leftProcesses).toMatch(/^left 3 processes running .*sleep 302/)
    expect(await survivors(tag)).toEqual([])
  })

  it('shows in the report, for head and base', async () => {
    const benchmark = commandBenchmark(daemon('sleep 305'))
    const left = await runCommandTrial(benchmark, benchmark.spec)
    const quiet = commandBenchmark('true')
    const clean = await runCommandTrial(quiet, quiet.spec)
    if (!left.ok || !clean.ok) throw new Error('trial failed')
    const [first] = COMPARED_RESULTS.benchmarks
    const bench = {
      ...first!,
      name: 'daemonizes',
      trials: [left, clean].map((o) => ({ metrics: o.metrics, durationMs: 1, details: o.details }))
    }
    const results = {
      ...COMPARED_RESULTS,
      benchmarks: [bench],
      base: { ...COMPARED_RESULTS.base!, benchmarks: [bench] }
    }
    const model = buildReport(results, { ...COMPARISON, benchmarks: [] })
    const pattern = (side: string) =>
      new RegExp(
        `^left 1 process running outside its process group: sleep 305 \\(pid \\d+\\); stopped${side} \\(in 1 of 2 trials\\)`
      )
    expect(model.notes.map((n) => n.benchmark)).toEqual(['daemonizes', 'daemonizes'])
    expect(model.notes[0]!.text).toMatch(pattern(''))
    expect(model.notes[1]!.text).toMatch(pattern(' on base'))
    expect(renderTerminalVerdict(model)).toContain('! daemonizes left 1 process running')
    expect(renderMarkdownReport(model)).toContain('> **daemonizes** left 1 process running')
  })

  it('stops what a setup command left, with a warning for the log', async () => {
    const warning = await runSetup(daemon('sleep 306'), process.cwd(), 30_000)
    expect(warning).toMatch(
      /^setup left 1 process running outside its process group: sleep 306 \(pid \d+\); stopped$/
    )
    expect(await runSetup('true', process.cwd(), 30_000)).toBeUndefined()
  })

  it('reports nothing for a command that leaves nothing', async () => {
    const benchmark = commandBenchmark('sleep 0.05 & wait')
    const outcome = await runCommandTrial(benchmark, benchmark.spec)
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.details).toEqual({ rusage: 'gnu-time' })
  })

  it('stops what a command left when it times out', async () => {
    const tag = newTag()
    const benchmark = commandBenchmark(
      `${daemon('sleep 303')}; sleep 300`,
      { env: { [TAG]: tag } },
      2000
    )
    const outcome = await runCommandTrial(benchmark, benchmark.spec)
    expect(!outcome.ok && outcome.message).toMatch(
      /timed out after 2 s \(killed\): .*; it left 1 process running .*sleep 303/
    )
    expect(await survivors(tag)).toEqual([])
  })

  it('stops a detached child a function bench started', async () => {
    const tag = newTag()
    process.env[TAG] = tag // the worker's environment is perfgate's
    try {
      const benchmark = functionBenchmark('detached.bench.js')
      const outcome = await runFunctionTrial(benchmark, benchmark.spec)
      if (!outcome.ok) throw new Error(outcome.message)
      expect(outcome.details.leftProcesses).toMatch(
        /^left 1 process running outside its process group: .*node -e setTimeout.*\(pid \d+\); stopped$/
      )
      expect(await survivors(tag)).toEqual([])
    } finally {
      delete process.env[TAG]
    }
  })

  it("stops a server's grandchild that called setsid, per trial and when kept", async () => {
    const runner = new HttpTrialRunner()
    const tag = newTag()
    const server = {
      command: `(${daemon('sleep 304')}); exec node server.js ok`,
      env: { [TAG]: tag }
    }
    const fresh = httpBenchmark('ok', '/ok', { server })
    const outcome = await runner.runTrial(fresh, fresh.spec)
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.details.leftProcesses).toMatch(
      /^server left 1 process running outside its process group: sleep 304 \(pid \d+\); stopped$/
    )
    expect(await survivors(tag)).toEqual([])

    const kept = httpBenchmark('ok', '/ok', { server: { ...server, restart: 'once' } })
    const first = await runner.runTrial(kept, kept.spec)
    const second = await runner.runTrial(kept, kept.spec)
    if (!first.ok || !second.ok) throw new Error('trial failed')
    expect(first.details.leftProcesses).toMatch(
      /^server left 1 process running .*sleep 304 .*; stopped with the server$/
    )
    expect(second.details.leftProcesses).toBeUndefined() // reported once
    expect(tagged(tag)).toHaveLength(2) // the server and its daemon, kept across trials
    await runner.release(kept)
    expect(await survivors(tag)).toEqual([])
  })
})
