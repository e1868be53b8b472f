/**
 * The perfgate command line: turns argv into a request for the PR-run use case
 * (src/app/pr-run.ts), has it presented (src/cli/present.ts: terminal report, files, JSON)
 * and returns the exit code of the outcome: 0 passed · 1 gate failed · 2 usage or config error · 3 a benchmark could not be
 * measured (or results could not be written).
 */
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { displayPath, loadConfigFile, readResultsFile, readShardFiles } from '../app/files.js'
import { EXIT } from '../app/outcome.js'
import type { BaselineRequest, MeasureRequest } from '../app/pr-run.js'
import type { ProgressStream } from '../app/progress.js'
import { parseShard } from '../app/shards.js'
import { FAIL_ON_VALUES, MAX_DURATION_MS, MAX_TRIALS, MEASURE_VALUES } from '../config/defaults.js'
import { parseDuration } from '../config/units.js'
import type { FailOn } from '../config/types.js'
import { readCheckout } from '../git/checkout.js'
import type { TrialRunner } from '../runners/types.js'
import { createProcessProfileRunner, type ProfileRunner } from '../runners/profile.js'
import { commandBisect } from './bisect.js'
import { CALIBRATE_USAGE, commandCalibrate } from './calibrate.js'
import { commandHistory, HISTORY_USAGE } from './history.js'
import { commandInit, INIT_USAGE } from './init.js'
import { VERSION } from '../version.js'
import { reportFailure } from './failures.js'
import { parse, regex, UsageError, wholeNumber } from './flags.js'
import { judgeAndPresent, openOutputs, partialWriter } from './present.js'
import { terminalName } from '../process/text.js'

export interface CliIo {
  readonly stdout: ProgressStream
  readonly stderr: ProgressStream
  readonly cwd: string
  /** Injected for tests; the real one starts processes. */
  readonly runner?: TrialRunner
  /** Injected for tests; the real one takes profiled trials in processes. */
  readonly profileRunner?: ProfileRunner
}

const USAGE = `perfgate ${VERSION} — benchmarks with a verdict you can trust

Usage:
  perfgate run      [--config perfgate.yml] [--base <git-ref>] [--baseline <results.json>]
                    [--out results.json] [--report report.md] [--trials N] [--seed S]
                    [--filter <regex>] [--fail-on ${FAIL_ON_VALUES.join('|')}]
                    [--setup-head] [--json] [--measure ${MEASURE_VALUES.join('|')}]
                    [--shard i/n] [--max-duration 15m] [--profile] [--profile-dir DIR]
  perfgate compare  <base-results.json> <head-results.json> [--report report.md]
                    [--out results.json] [--json]
  perfgate merge    <shard-results.json>... [--report report.md] [--out results.json]
                    [--json]
  perfgate validate [--config perfgate.yml]
${INIT_USAGE}
${HISTORY_USAGE}
${CALIBRATE_USAGE}
  perfgate bisect   --good <git-ref> --bad <git-ref> [--benchmark <name>] [--metric <m>]
                    [--config perfgate.yml] [--trials N] [--seed S] [--json]
  perfgate --version | --help

--out and --report take - for standard output (the terminal report then goes to stderr).
--profile CPU-profiles base and head of every compared benchmark (by default only on a
regression, per the config's profile); profiles and flame graphs go to --profile-dir
(default .perfgate/profiles beside the config).
Exit codes: 0 passed · 1 gate failed · 2 usage or config error
            3 a benchmark could not be measured
`

const RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  base: { type: 'string' },
  baseline: { type: 'string' },
  'setup-head': { type: 'boolean' },
  'fail-on': { type: 'string' },
  measure: { type: 'string' },
  out: { type: 'string', short: 'o' },
  report: { type: 'string' },
  trials: { type: 'string' },
  seed: { type: 'string' },
  filter: { type: 'string' },
  shard: { type: 'string' },
  'max-duration': { type: 'string' },
  profile: { type: 'boolean' },
  'profile-dir': { type: 'string' },
  json: { type: 'boolean' }
} satisfies ParseArgsConfig['options']

const COMPARE_OPTIONS = {
  report: { type: 'string' },
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' }
} satisfies ParseArgsConfig['options']

const VALIDATE_OPTIONS = {
  config: { type: 'string', short: 'c' }
} satisfies ParseArgsConfig['options']

function durationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const parsed = parseDuration(text)
  if (!parsed.ok || parsed.value <= 0 || parsed.value > MAX_DURATION_MS) {
    throw new UsageError(
      `--${flag}: expected a duration like "15m" or "90s" (at most 24 hours), got ${JSON.stringify(text)}`
    )
  }
  return parsed.value
}

/** A flag taking one of a few words (--fail-on, --measure). */
function choiceFlag<T extends string>(
  flag: string,
  choices: readonly T[],
  text: string | undefined
): T | undefined {
  if (text === undefined) return undefined
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${flag}: expected ${choices.join(', ')}, got ${JSON.stringify(text)}`)
  }
  return text as T
}

function failOnFlag(text: string | undefined): FailOn | undefined {
  return choiceFlag('fail-on', FAIL_ON_VALUES, text)
}

async function commandRun(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, RUN_OPTIONS)
  if (values.base !== undefined && values.baseline !== undefined) {
    throw new UsageError(
      '--base and --baseline exclude each other: compare with a git ref or with a results file'
    )
  }
  const trials = wholeNumber('trials', values.trials, 1, MAX_TRIALS)
  const filter = regex('filter', values.filter)
  const failOn = failOnFlag(values['fail-on'])
  const shard = values.shard === undefined ? undefined : parseShard(values.shard)
  const maxDurationMs = durationFlag('max-duration', values['max-duration'])
  const measure = choiceFlag('measure', MEASURE_VALUES, values.measure)
  const config = loadConfigFile(io.cwd, values.config, measure)
  const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1)
  // Outputs and a stored baseline are checked before anything is measured.
  const outputs = openOutputs(values, io)
  const baseline: BaselineRequest =
    values.base !== undefined
      ? { kind: 'merge-base', ref: values.base }
      : values.baseline !== undefined
        ? { kind: 'file', cwd: io.cwd, file: values.baseline }
        : { kind: 'none' }
  const request: MeasureRequest = {
    kind: 'measure',
    config,
    filter,
    baseline,
    trials,
    seed,
    failOn,
    setupHead: values['setup-head'] === true,
    ...(shard ? { shard } : {}),
    ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
    ...(values.profile ? { profile: 'always' as const } : {})
  }
  const onPartial = partialWriter(outputs.out, io)
  return judgeAndPresent(request, outputs, io, {
    // HEAD seeds a shard's pair order; the command line never fetches a commit.
    git: { head: () => readCheckout(config.dir) },
    ...(onPartial ? { onPartial } : {}),
    profiler: {
      runner: io.profileRunner ?? createProcessProfileRunner(),
      outDir: path.resolve(
        io.cwd,
        values['profile-dir'] ?? path.join(config.dir, '.perfgate', 'profiles')
      ),
      link: (dir) => displayPath(io.cwd, dir)
    }
  })
}

async function commandCompare(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, options: COMPARE_OPTIONS, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (parsed.positionals.length !== 2) {
    throw new UsageError('compare needs two results files: <base-results.json> <head-results.json>')
  }
  const [baseFile, headFile] = parsed.positionals as [string, string]
  const base = readResultsFile(io.cwd, baseFile)
  const head = readResultsFile(io.cwd, headFile)
  const outputs = openOutputs(parsed.values, io)
  return judgeAndPresent({ kind: 'compare', base, head, baseSource: baseFile }, outputs, io)
}

async function commandMerge(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, options: COMPARE_OPTIONS, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (parsed.positionals.length === 0) {
    throw new UsageError('merge needs the results files of every shard: <shard-results.json>...')
  }
  const files = readShardFiles(io.cwd, parsed.positionals)
  const outputs = openOutputs(parsed.values, io)
  return judgeAndPresent({ kind: 'merge', shards: files }, outputs, io)
}

function commandValidate(args: string[], io: CliIo): number {
  const values = parse(args, VALIDATE_OPTIONS)
  const config = loadConfigFile(io.cwd, values.config)
  io.stdout.write(
    `${terminalName(displayPath(io.cwd, config.file), Infinity)}: valid, ${config.benchmarks.length} benchmark(s): ` +
      config.benchmarks.map((b) => `${b.name} (${b.kind})`).join(', ') +
      '\n'
  )
  return EXIT.passed
}

/** Runs the CLI with `args` (without node and script) and returns the exit code. */
export async function main(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  try {
    switch (command) {
      case 'run':
        return await commandRun(rest, io)
      case 'compare':
        return await commandCompare(rest, io)
      case 'merge':
        return await commandMerge(rest, io)
      case 'history':
        return await commandHistory(rest, io)
      case 'calibrate':
        return await commandCalibrate(rest, io)
      case 'bisect':
        return await commandBisect(rest, io)
      case 'validate':
        return commandValidate(rest, io)
      case 'init':
        return await commandInit(rest, io)
      case '--version':
      case '-v':
        io.stdout.write(`${VERSION}\n`)
        return EXIT.passed
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE)
        return command === undefined ? EXIT.usage : EXIT.passed
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`)
    }
  } catch (error) {
    const code = reportFailure(io.stderr, error, USAGE)
    if (code === undefined) throw error
    return code
  }
}
