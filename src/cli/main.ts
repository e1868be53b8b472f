/**
 * The perfgate command line: parses arguments, wires config, runners, results and report,
 * and returns the exit code of the contract (DESIGN.md §1a):
 * 0 passed · 1 gate failed · 2 usage or config error · 3 a benchmark could not be measured.
 */
import { randomInt } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ConfigError } from '../config/errors.js'
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js'
import { parseConfig } from '../config/parse.js'
import type { Config } from '../config/types.js'
import { compareResults } from '../compare/compare.js'
import type { Comparison, ComparisonMode } from '../compare/types.js'
import { BaseCheckoutError } from '../git/base-checkout.js'
import { renderMarkdownReport } from '../report/markdown.js'
import { buildReport } from '../report/model.js'
import { renderTerminalReport, renderTerminalVerdict } from '../report/terminal.js'
import { readEnvironment } from '../results/environment.js'
import { parseResults, ResultsError, serializeResults } from '../results/format.js'
import { configHash } from '../results/hash.js'
import {
  RESULTS_SCHEMA_VERSION,
  type BaseResults,
  type BenchmarkResult,
  type Results
} from '../results/types.js'
import { createProcessTrialRunner } from '../runners/index.js'
import type { TrialRunner } from '../runners/types.js'
import { createRandom } from '../stats/random.js'
import { VERSION } from '../version.js'
import { measureAgainstRef, measureHead } from './measure.js'
import type { ProgressStream } from './progress.js'

export const EXIT = { passed: 0, gateFailed: 1, usage: 2, runtime: 3 } as const

export interface CliIo {
  readonly stdout: ProgressStream
  readonly stderr: ProgressStream
  readonly cwd: string
  /** Injected for tests; the real one starts processes. */
  readonly runner?: TrialRunner
}

const USAGE = `perfgate ${VERSION} — benchmarks with a verdict you can trust

Usage:
  perfgate run      [--config perfgate.yml] [--base <git-ref>] [--baseline <results.json>]
                    [--out results.json] [--report report.md] [--trials N] [--seed S]
                    [--filter <regex>] [--fail-on both|budgets|regressions|none]
                    [--setup-head] [--json]
  perfgate compare  <base-results.json> <head-results.json> [--report report.md]
                    [--out results.json] [--json]
  perfgate validate [--config perfgate.yml]
  perfgate --version | --help

Exit codes: 0 passed · 1 gate failed · 2 usage or config error
            3 a benchmark could not be measured
`

class UsageError extends Error {}

const RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  base: { type: 'string' },
  baseline: { type: 'string' },
  'setup-head': { type: 'boolean' },
  'fail-on': { type: 'string' },
  out: { type: 'string', short: 'o' },
  report: { type: 'string' },
  trials: { type: 'string' },
  seed: { type: 'string' },
  filter: { type: 'string' },
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

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function positiveInteger(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(
      `--${flag}: expected a whole number of at least ${min}, got ${JSON.stringify(text)}`
    )
  }
  return n
}

function loadConfig(io: CliIo, file: string | undefined): Config {
  const configPath = path.resolve(io.cwd, file ?? DEFAULT_CONFIG_FILE)
  let text: string
  try {
    text = readFileSync(configPath, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ConfigError([
      {
        file: configPath,
        line: undefined,
        column: undefined,
        field: '',
        message:
          code === 'ENOENT'
            ? `config file not found; expected ${file ? 'the file given with --config' : `${DEFAULT_CONFIG_FILE} in ${io.cwd} (or pass --config)`}`
            : `cannot read the config file: ${(error as Error).message}`
      }
    ])
  }
  return parseConfig(text, configPath, {
    fileExists: existsSync,
    displayName: displayPath(io.cwd, configPath)
  })
}

/** A path relative to the working directory when it lies inside it, else absolute. */
function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}

/** Writes a file atomically: a failed write never leaves a truncated results file. */
function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, file)
}

function readResultsFile(io: CliIo, file: string): Results {
  const absolute = path.resolve(io.cwd, file)
  let text: string
  try {
    text = readFileSync(absolute, 'utf8')
  } catch (error) {
    throw new ResultsError(
      `${displayPath(io.cwd, absolute)}: cannot read: ${(error as Error).message}`
    )
  }
  return parseResults(text, displayPath(io.cwd, absolute))
}

/** Writes the requested files, prints the report, and returns the exit code of the run. */
function finish(
  results: Results,
  comparison: Comparison,
  values: { out?: string; report?: string; json?: boolean },
  io: CliIo
): number {
  const full: Results = { ...results, comparison }
  const model = buildReport(full, comparison)
  if (values.out) {
    const out = path.resolve(io.cwd, values.out)
    writeFileAtomic(out, serializeResults(full))
    io.stderr.write(`results written to ${displayPath(io.cwd, out)}\n`)
  }
  if (values.report) {
    const report = path.resolve(io.cwd, values.report)
    writeFileAtomic(report, renderMarkdownReport(model, { version: VERSION }))
    io.stderr.write(`report written to ${displayPath(io.cwd, report)}\n`)
  }
  if (values.json) io.stdout.write(serializeResults(full))
  else {
    const table = full.benchmarks.length > 0 ? renderTerminalReport(full) + '\n' : ''
    io.stdout.write(`\n${table}${renderTerminalVerdict(model)}`)
  }
  if (comparison.gate.failed) return EXIT.gateFailed
  const errored =
    full.benchmarks.some((b) => b.state === 'errored') ||
    comparison.benchmarks.some((b) => b.status === 'errored' && b.error?.side === 'head')
  return errored ? EXIT.runtime : EXIT.passed
}

async function commandRun(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, RUN_OPTIONS)
  const trials = positiveInteger('trials', values.trials, 1)
  const seed = positiveInteger('seed', values.seed, 0) ?? randomInt(2 ** 31)
  if (values.base !== undefined && values.baseline !== undefined) {
    throw new UsageError(
      '--base and --baseline exclude each other: compare with a git ref or with a results file'
    )
  }
  let filter: RegExp | undefined
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter)
    } catch (error) {
      throw new UsageError(`--filter: not a valid regular expression: ${(error as Error).message}`)
    }
  }
  const loaded = loadConfig(io, values.config)
  const failOn = values['fail-on']
  if (failOn !== undefined && !['both', 'budgets', 'regressions', 'none'].includes(failOn)) {
    throw new UsageError(
      `--fail-on: expected both, budgets, regressions or none, got ${JSON.stringify(failOn)}`
    )
  }
  const config: Config = failOn
    ? { ...loaded, compare: { ...loaded.compare, failOn: failOn as Config['compare']['failOn'] } }
    : loaded
  const selected = config.benchmarks.filter((b) => !filter || filter.test(b.name))
  if (selected.length === 0) {
    throw new UsageError(
      `--filter ${JSON.stringify(values.filter)} matches no benchmark; names are: ` +
        config.benchmarks.map((b) => JSON.stringify(b.name)).join(', ')
    )
  }
  // A stored baseline is read (and checked) before anything is measured.
  const baseline = values.baseline === undefined ? undefined : readResultsFile(io, values.baseline)
  const measure = { runner: io.runner ?? createProcessTrialRunner(), stderr: io.stderr, trials }

  let head: BenchmarkResult[]
  let base: BaseResults | undefined
  let mode: ComparisonMode | undefined
  if (values.base !== undefined) {
    ;({ head, base } = await measureAgainstRef(config, selected, values.base, {
      ...measure,
      random: createRandom(seed),
      setupHead: values['setup-head'] === true
    }))
    mode = 'paired'
  } else {
    head = await measureHead(config, selected, {
      ...measure,
      setupHead: values['setup-head'] === true
    })
    if (baseline) {
      base = {
        source: values.baseline!,
        environment: baseline.environment,
        benchmarks: baseline.benchmarks
      }
      mode = 'unpaired'
    }
  }
  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    createdAt: new Date().toISOString(),
    seed,
    environment: readEnvironment(config.dir, configHash(config)),
    compare: config.compare,
    benchmarks: head,
    ...(base ? { base } : {})
  }
  const comparison = compareResults({ mode, head, base: base?.benchmarks, compare: config.compare })
  return finish(results, comparison, values, io)
}

function commandCompare(args: string[], io: CliIo): number {
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
  const base = readResultsFile(io, baseFile)
  const head = readResultsFile(io, headFile)
  const results: Results = {
    ...head,
    base: { source: baseFile, environment: base.environment, benchmarks: base.benchmarks }
  }
  const comparison = compareResults({
    mode: 'unpaired',
    head: head.benchmarks,
    base: base.benchmarks,
    compare: head.compare
  })
  return finish(results, comparison, parsed.values, io)
}

function commandValidate(args: string[], io: CliIo): number {
  const values = parse(args, VALIDATE_OPTIONS)
  const config = loadConfig(io, values.config)
  io.stdout.write(
    `${displayPath(io.cwd, config.file)}: valid, ${config.benchmarks.length} benchmark(s): ` +
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
        return commandCompare(rest, io)
      case 'validate':
        return commandValidate(rest, io)
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
    if (error instanceof UsageError) {
      io.stderr.write(`perfgate: ${error.message}\n\n${USAGE}`)
      return EXIT.usage
    }
    if (error instanceof ResultsError) {
      io.stderr.write(`perfgate: ${error.message}\n`)
      return EXIT.usage
    }
    if (error instanceof BaseCheckoutError) {
      io.stderr.write(`perfgate: ${error.message}\n`)
      return error.kind === 'usage' ? EXIT.usage : EXIT.runtime
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`)
      return EXIT.usage
    }
    throw error
  }
}
