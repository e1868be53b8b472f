/**
 * `npm run bench:loadgen`: how many requests/s perfgate's HTTP load path can generate,
 * against the same long-lived node:http "hello" server as three references, so that only
 * the load generator differs:
 *
 * - `perfgate`: `runLoad` from src/runners/http/load.ts (autocannon plus a `response`
 *   listener recording every 2xx latency into an HDR histogram), as the HTTP runner calls it;
 * - `autocannon`: bare `autocannon({ url, connections, duration })`, no listener;
 * - `wrk`: `wrk -t1 -c32 -d5s` (C, one thread), its "Requests/sec:" line;
 * - `autocannon-count`: autocannon with a `response` listener that only counts, which
 *   separates the cost of the event from the cost of recording into the histogram.
 *
 * Every run is a fresh load-generator process (a warm-up run with the same tool, then the
 * measured run; wrk: a separate 1 s wrk run as warm-up), tools rotate their order from round
 * to round so drift and ordering hit all alike. Around each measured run the server's CPU
 * (/proc/<pid>/stat), the load generator's own CPU and the whole machine's (/proc/stat) are
 * sampled: which process is at a full core says who the bottleneck is, and "other" shows
 * load from outside the bench. Server and load generator share the machine's cores.
 *
 * Progress goes to stderr, the tables (Markdown) to stdout. The server and every load
 * generator run in their own process groups (perfgate's startChild) and are killed at the
 * end, on error, on timeout and on Ctrl-C; the server also exits when the bench's IPC
 * channel closes, so it cannot outlive a bench killed with SIGKILL.
 *
 * Options: --rounds N (5), --connections N (32), --duration S (5), --warmup S (1),
 * --server-warmup S (3), --wrk-threads N (1), --timeout S per run (60), --extra-time S (90:
 * the most the bench may add to the plan waiting for an idle machine and repeating disturbed
 * runs), --retries N (1: times a disturbed run is repeated while extra time is left),
 * --cpu-prof-dir DIR (V8 CPU profiles of every Node load generator, DIR/<tool>-round<N>/).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { integerOption, runBench } from './common.js'
import { markdownTable } from 'markdown-table'
import { killGroup, startChild, type Started } from '../src/process/children.js'
import { tsxLoaderUrl } from '../src/runtime-files.js'
import type { ClientReport, ClientTool } from './loadgen-fixtures/client.js'

type Tool = ClientTool | 'wrk'

/** The brief's order: (a) perfgate, (b) bare autocannon, (c) wrk, (d) counting listener. */
const TOOLS: readonly Tool[] = ['perfgate', 'autocannon', 'wrk', 'autocannon-count']
const TOOL_LABELS: Record<Tool, string> = {
  perfgate: 'perfgate `runLoad` (HDR per response)',
  autocannon: 'autocannon, no listener',
  wrk: 'wrk',
  'autocannon-count': 'autocannon, counting listener'
}
/** perfgate may lose at most this share of bare autocannon's requests/s (the target). */
const TARGET = 0.05

const SERVER_SCRIPT = fileURLToPath(new URL('./loadgen-fixtures/hello-server.mjs', import.meta.url))
const CLIENT_SCRIPT = fileURLToPath(new URL('./loadgen-fixtures/client.ts', import.meta.url))

interface Options {
  readonly rounds: number
  readonly connections: number
  readonly durationS: number
  readonly warmupS: number
  readonly serverWarmupS: number
  readonly wrkThreads: number
  readonly timeoutS: number
  readonly extraTimeS: number
  readonly retries: number
  readonly cpuProfDir: string | undefined
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '32' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      'server-warmup': { type: 'string', default: '3' },
      'wrk-threads': { type: 'string', default: '1' },
      timeout: { type: 'string', default: '60' },
      'extra-time': { type: 'string', default: '90' },
      retries: { type: 'string', default: '1' },
      'cpu-prof-dir': { type: 'string' }
    }
  })
  const number = integerOption
  return {
    rounds: number('rounds', values.rounds, 1),
    connections: number('connections', values.connections, 1),
    durationS: number('duration', values.duration, 1),
    warmupS: number('warmup', values.warmup, 0),
    serverWarmupS: number('server-warmup', values['server-warmup'], 0),
    wrkThreads: number('wrk-threads', values['wrk-threads'], 1),
    timeoutS: number('timeout', values.timeout, 5),
    extraTimeS: number('extra-time', values['extra-time'], 0),
    retries: number('retries', values.retries, 0),
    cpuProfDir: values['cpu-prof-dir'] === undefined ? undefined : resolve(values['cpu-prof-dir'])
  }
}

// ---- CPU accounting from /proc (Linux) ----

const CLOCK_TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** utime + stime (+ cutime + cstime) of a /proc/<pid>/stat line, in seconds. */
function statCpuSeconds(line: string, children = false): number {
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ')
  const at = (field: number) => Number(fields[field - 3])
  const ticks = children ? at(16) + at(17) : at(14) + at(15)
  return ticks / CLOCK_TICK
}

function processCpuSeconds(pid: number): number {
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return NaN
  }
}

/** Busy and total CPU time of the whole machine (all cores), seconds. */
function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as [number, number, number, number, number, number, number, number]
    const busy = user + nice + system + irq + softirq + steal
    return { busy: busy / CLOCK_TICK, total: (busy + idle + iowait) / CLOCK_TICK }
  } catch {
    return { busy: NaN, total: NaN }
  }
}

interface Snapshot {
  readonly at: number
  readonly server: number
  readonly machine: { busy: number; total: number }
}

function snapshot(serverPid: number): Snapshot {
  return { at: performance.now(), server: processCpuSeconds(serverPid), machine: machineCpu() }
}

/** CPU used between two snapshots, in cores (1 = one core busy all the time). */
function cpuBetween(from: Snapshot, to: Snapshot): { server: number; machine: number } {
  const wall = (to.at - from.at) / 1000
  const cores = cpus().length
  const total = to.machine.total - from.machine.total
  return {
    server: (to.server - from.server) / wall,
    machine: total > 0 ? ((to.machine.busy - from.machine.busy) / total) * cores : NaN
  }
}

// ---- The server ----

interface HelloServer {
  readonly port: number
  readonly pid: number
  stop(): Promise<void>
}

async function startHelloServer(guardMs: number): Promise<HelloServer> {
  const started = startChild(process.execPath, [SERVER_SCRIPT], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    timeoutMs: guardMs
  })
  const stop = async () => {
    killGroup(started.child, 'SIGTERM')
    const timer = setTimeout(() => killGroup(started.child, 'SIGKILL'), 3000)
    await started.finished
    clearTimeout(timer)
  }
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server not ready after 10 s')), 10_000)
      started.child.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready' && message.port) {
          clearTimeout(timer)
          resolve(message.port)
        }
      })
      void started.finished.then((end) => {
        clearTimeout(timer)
        reject(new Error(`server exited (${end.signal ?? end.code}): ${end.stderr.text()}`))
      })
    })
    return { port, pid: started.child.pid!, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

// ---- Load generators ----

interface RunResult {
  readonly tool: Tool
  readonly round: number
  readonly rps: number
  readonly responses: number
  readonly failures: number
  /** CPU in cores during the measured run. */
  readonly loadgenCpu: number
  readonly serverCpu: number
  readonly machineCpu: number
}

/** Above this many cores busy outside the server and the load generator, a run is disturbed. */
const BUSY_OTHER = 0.25

/** CPU used on the machine outside the server and the load generator, cores. */
const otherCpu = (r: RunResult) => Math.max(0, r.machineCpu - r.loadgenCpu - r.serverCpu)
const disturbed = (r: RunResult) => !(otherCpu(r) <= BUSY_OTHER)

/**
 * Waits until the machine is idle (under BUSY_OTHER cores busy over 1 s: only the idle server
 * is ours at this point), for at most `budgetMs`. Returns the time waited.
 */
async function waitForIdle(budgetMs: number): Promise<number> {
  const started = performance.now()
  for (;;) {
    const before = machineCpu()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const after = machineCpu()
    const busy = ((after.busy - before.busy) / (after.total - before.total)) * cpus().length
    const waited = performance.now() - started
    if (!(busy > BUSY_OTHER) || waited >= budgetMs) return waited
  }
}

function failure(what: string, started: Started, end: Awaited<Started['finished']>): Error {
  const why = end.timedOut ? 'timed out (killed)' : `exited with ${end.signal ?? end.code}`
  return new Error(`${what} ${why}\n${end.stderr.text() || end.stdout.text()}`.trimEnd())
}

async function runNodeClient(
  tool: ClientTool,
  round: number,
  server: HelloServer,
  options: Options
): Promise<RunResult> {
  const tsx = tsxLoaderUrl()
  if (!tsx) throw new Error('tsx is not installed: run npm install')
  // One directory per run: Node writes a profile per thread (tsx's loader has its own).
  const profile = options.cpuProfDir
    ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, `${tool}-round${round + 1}`)]
    : []
  const started = startChild(
    process.execPath,
    [
      ...profile,
      '--import',
      tsx,
      CLIENT_SCRIPT,
      tool,
      String(server.port),
      String(options.connections),
      String(options.durationS),
      String(options.warmupS)
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], timeoutMs: options.timeoutS * 1000 }
  )
  let before: Snapshot | undefined
  let after: Snapshot | undefined
  let report: ClientReport | undefined
  let error: string | undefined
  started.child.on(
    'message',
    (message: ClientReport | { type: 'measuring' } | { type: 'error'; message: string }) => {
      if (message.type === 'measuring') before = snapshot(server.pid)
      else if (message.type === 'result') {
        after = snapshot(server.pid)
        report = message
      } else error = message.message
    }
  )
  const end = await started.finished
  if (!report || !before || !after) {
    if (error) throw new Error(`${tool}: ${error}\n${end.stderr.text()}`.trimEnd())
    throw failure(tool, started, end)
  }
  const cpu = cpuBetween(before, after)
  return {
    tool,
    round,
    rps: report.responses / report.seconds,
    responses: report.responses,
    failures: report.failures,
    loadgenCpu: report.cpuSeconds / report.seconds,
    serverCpu: cpu.server,
    machineCpu: cpu.machine
  }
}

function wrkArgs(port: number, seconds: number, options: Options): string[] {
  return [
    `-t${options.wrkThreads}`,
    `-c${options.connections}`,
    `-d${seconds}s`,
    `http://127.0.0.1:${port}/`
  ]
}

/** wrk's figures: "Requests/sec:", "N requests in", non-2xx/3xx and socket errors. */
export function parseWrk(text: string): { rps: number; requests: number; failures: number } {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text)
  const requests = /^\s*(\d+) requests in/m.exec(text)
  if (!rps || !requests) throw new Error(`wrk output not understood:\n${text}`)
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  const failures =
    Number(non2xx?.[1] ?? 0) + (socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0)
  return { rps: Number(rps[1]), requests: Number(requests[1]), failures }
}

async function runWrk(round: number, server: HelloServer, options: Options): Promise<RunResult> {
  const timeoutMs = options.timeoutS * 1000
  if (options.warmupS > 0) {
    const warm = startChild('wrk', wrkArgs(server.port, options.warmupS, options), {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeoutMs
    })
    const end = await warm.finished
    if (end.code !== 0) throw failure('wrk (warm-up)', warm, end)
  }
  // sh waits for wrk, then prints its own /proc stat line: cutime + cstime are wrk's CPU.
  const script = `wrk "$@"; s=$?; echo; cat /proc/$$/stat; exit $s`
  const before = snapshot(server.pid)
  const started = startChild(
    '/bin/sh',
    ['-c', script, 'wrk', ...wrkArgs(server.port, options.durationS, options)],
    { stdio: ['ignore', 'pipe', 'pipe'], timeoutMs }
  )
  const end = await started.finished
  const after = snapshot(server.pid)
  if (end.code !== 0) throw failure('wrk', started, end)
  const output = end.stdout.text(100)
  const parsed = parseWrk(output)
  const statLine = output.trimEnd().split('\n').at(-1)!
  const cpu = cpuBetween(before, after)
  return {
    tool: 'wrk',
    round,
    rps: parsed.rps,
    responses: parsed.requests,
    failures: parsed.failures,
    loadgenCpu: statCpuSeconds(statLine, true) / ((after.at - before.at) / 1000),
    serverCpu: cpu.server,
    machineCpu: cpu.machine
  }
}

function runTool(tool: Tool, round: number, server: HelloServer, options: Options) {
  return tool === 'wrk'
    ? runWrk(round, server, options)
    : runNodeClient(tool, round, server, options)
}

// ---- Summary ----

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const integer = (n: number) => Math.round(n).toLocaleString('en-US')
const signedPercent = (ratio: number) =>
  Number.isNaN(ratio) ? '–' : `${ratio >= 0 ? '+' : '−'}${Math.abs(ratio * 100).toFixed(1)} %`
const cores = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(2))

/** Per-round ratios a/b − 1 (same round, so drift between rounds cancels). */
function pairedChange(results: readonly RunResult[], a: Tool, b: Tool): number[] {
  const rounds = [...new Set(results.map((r) => r.round))]
  return rounds.flatMap((round) => {
    const x = results.find((r) => r.tool === a && r.round === round)
    const y = results.find((r) => r.tool === b && r.round === round)
    return x && y ? [x.rps / y.rps - 1] : []
  })
}

const changeRange = (changes: readonly number[]) =>
  `${signedPercent(Math.min(...changes))} … ${signedPercent(Math.max(...changes))}`

/** Summary over the undisturbed runs (all runs of a tool if none of its runs was). */
function summaryTable(results: readonly RunResult[], tools: readonly Tool[]): string {
  const clean = results.filter((r) => !disturbed(r))
  const rows = tools.map((tool) => {
    const all = results.filter((r) => r.tool === tool)
    const kept = all.filter((r) => !disturbed(r))
    const runs = kept.length > 0 ? kept : all
    const rps = runs.map((r) => r.rps)
    const change = pairedChange(clean, tool, 'autocannon')
    const loadgen = median(runs.map((r) => r.loadgenCpu))
    const perResponseUs = median(runs.map((r) => (r.loadgenCpu / r.rps) * 1e6))
    const server = median(runs.map((r) => r.serverCpu))
    const other = median(runs.map(otherCpu))
    return [
      TOOL_LABELS[tool],
      `${kept.length}/${all.length}`,
      integer(median(rps)),
      `${integer(Math.min(...rps))} – ${integer(Math.max(...rps))}`,
      tool === 'autocannon' || change.length === 0
        ? '–'
        : `${signedPercent(median(change))} (${changeRange(change)})`,
      cores(loadgen),
      `${perResponseUs.toFixed(1)} µs`,
      cores(server),
      cores(other)
    ]
  })
  return markdownTable(
    [
      [
        'Load generator',
        'Runs kept',
        'Median req/s',
        'Min – max',
        'vs bare autocannon, same round: median (min … max)',
        'Load-gen CPU',
        'Load-gen CPU / response',
        'Server CPU',
        'Other CPU'
      ],
      ...rows
    ],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] }
  )
}

function roundsTable(results: readonly RunResult[], tools: readonly Tool[], rounds: number) {
  const header = ['Round', ...tools.map((t) => t)]
  const rows = Array.from({ length: rounds }, (_, round) => [
    String(round + 1),
    ...tools.map((tool) => {
      const run = results.find((r) => r.tool === tool && r.round === round)
      if (!run) return '–'
      return disturbed(run)
        ? `${integer(run.rps)} * (other ${cores(otherCpu(run))})`
        : integer(run.rps)
    })
  ])
  return markdownTable([header, ...rows], { align: ['r', ...tools.map(() => 'r' as const)] })
}

function firstLine(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return out.split('\n')[0]!.trim()
  } catch (error) {
    // wrk --version prints its banner and exits with 1.
    const out = (error as { stdout?: string }).stdout ?? ''
    return out.split('\n')[0]!.trim() || 'not found'
  }
}

async function main(): Promise<void> {
  const options = readOptions()
  const wrkVersion = firstLine('wrk', ['--version']).replace(/\s*Copyright.*$/, '')
  const tools = wrkVersion === 'not found' ? TOOLS.filter((t) => t !== 'wrk') : TOOLS
  if (tools.length < TOOLS.length) {
    process.stderr.write('bench:loadgen: wrk not found (apt-get install wrk): skipping it\n')
  }
  const perRunS = options.warmupS + options.durationS + 1.5
  const plannedS = options.serverWarmupS + options.rounds * tools.length * perRunS
  process.stderr.write(
    `bench:loadgen: ${options.rounds} rounds × ${tools.length} load generators, ` +
      `${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s ` +
      `each; about ${Math.round(plannedS / 10) * 10} s\n`
  )
  const loadBefore = loadavg()[0]!
  const started = performance.now()
  // The guard kills the server even if this process hangs; it also exits when we go away.
  const server = await startHelloServer((plannedS * 3 + 120) * 1000)
  const results: RunResult[] = []
  // Time spent beyond the plan: waiting for an idle machine and repeating disturbed runs.
  let waitedMs = 0
  let repeatedMs = 0
  let retried = 0
  const extraLeftMs = () => options.extraTimeS * 1000 - waitedMs - repeatedMs
  try {
    process.stderr.write(`server pid ${server.pid}, port ${server.port}\n`)
    if (options.serverWarmupS > 0) {
      process.stderr.write(`server warm-up: ${options.serverWarmupS} s of bare autocannon\n`)
      await runNodeClient('autocannon', -1, server, {
        ...options,
        durationS: options.serverWarmupS,
        warmupS: 0,
        cpuProfDir: undefined
      })
    }
    const total = options.rounds * tools.length
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so no tool always runs first or right after the same one.
      const order = tools.map((_, i) => tools[(i + round) % tools.length]!)
      for (const tool of order) {
        let result: RunResult | undefined
        for (let attempt = 0; ; attempt++) {
          if (extraLeftMs() > 0) waitedMs += await waitForIdle(extraLeftMs())
          const runStarted = performance.now()
          result = await runTool(tool, round, server, options)
          if (attempt > 0) {
            retried++
            repeatedMs += performance.now() - runStarted
          }
          const busy = disturbed(result)
          const again = busy && attempt < options.retries && extraLeftMs() >= perRunS * 1000
          process.stderr.write(
            `[${String(results.length + 1).padStart(String(total).length)}/${total}] ` +
              `round ${round + 1} ${tool.padEnd(16)} ${integer(result.rps).padStart(7)} req/s  ` +
              `load-gen ${cores(result.loadgenCpu)}  server ${cores(result.serverCpu)}  ` +
              `other ${cores(otherCpu(result))} cores` +
              (result.failures ? `  ${result.failures} failures` : '') +
              (busy ? (again ? '  disturbed: again' : '  disturbed') : '') +
              '\n'
          )
          if (!again) break
        }
        results.push(result!)
      }
    }
  } finally {
    await server.stop()
  }
  const elapsedS = (performance.now() - started) / 1000

  const clean = results.filter((r) => !disturbed(r))
  const medianChange = (a: Tool, b: Tool) => median(pairedChange(clean, a, b))
  const perfgateLoss = -medianChange('perfgate', 'autocannon')
  const failures = results.reduce((s, r) => s + r.failures, 0)
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  const lines = [
    `Node ${process.version}, ${cpus().length} × ${cpu}, ${wrkVersion}. ` +
      `${options.rounds} rounds, tools in rotating order, a fresh load-generator process ` +
      'per run; ' +
      `${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s ` +
      `measured per run; one node:http hello server for all runs (pid ${server.pid}). ` +
      `Total ${elapsedS.toFixed(0)} s; 1-min load average ${loadBefore.toFixed(2)} before, ` +
      `${loadavg()[0]!.toFixed(2)} after; ${(waitedMs / 1000).toFixed(0)} s waiting for an idle ` +
      `machine, ${retried} runs repeated (${(repeatedMs / 1000).toFixed(0)} s), ` +
      `${results.length - clean.length} of ${results.length} kept runs disturbed. ` +
      `${failures} failed requests.`,
    '',
    'CPU columns: medians, in cores (1.00 = one core busy throughout the measured run); ' +
      '"Other" = whole machine − server − load generator (load from outside the bench, ' +
      'kernel ' +
      `work not charged to either process). A run with Other above ${BUSY_OTHER} cores is ` +
      `disturbed: it is repeated (up to ${options.retries} times, after waiting for an idle ` +
      `machine, within ${options.extraTimeS} s of extra time), marked * if still disturbed ` +
      'and left out of the summary and of the same-round ratios (which need both runs of a ' +
      'round undisturbed).',
    '',
    summaryTable(results, tools),
    '',
    'Requests/s per round:',
    '',
    roundsTable(results, tools, options.rounds),
    '',
    `- Cost of the \`response\` event (counting listener vs none): ` +
      `${signedPercent(medianChange('autocannon-count', 'autocannon'))}.`,
    `- Cost of perfgate's recording (perfgate vs counting listener): ` +
      `${signedPercent(medianChange('perfgate', 'autocannon-count'))}.`,
    `- perfgate vs bare autocannon: ${signedPercent(-perfgateLoss)} ` +
      '(median of same-round ratios); ' +
      `target: within ${TARGET * 100} % → ` +
      (Number.isNaN(perfgateLoss)
        ? 'no undisturbed round to tell'
        : perfgateLoss <= TARGET
          ? '**met**'
          : '**missed**') +
      '.'
  ]
  if (tools.includes('wrk')) {
    lines.push(
      `- wrk vs bare autocannon: ${signedPercent(medianChange('wrk', 'autocannon'))} ` +
        '(what a C load generator reaches against the same server).'
    )
  }
  if (clean.length < results.length / 2) {
    lines.push(
      `- **Busy machine:** only ${clean.length} of ${results.length} runs were undisturbed; ` +
        'the figures are low and the comparison noisier than on an idle machine.'
    )
  }
  process.stdout.write(lines.join('\n') + '\n')
}

runBench('bench:loadgen', main)
