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
import { renderTerminalReport } from '../report/terminal.js'
import { readEnvironment } from '../results/environment.js'
import { serializeResults } from '../results/format.js'
import { configHash, definitionHash } from '../results/hash.js'
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/types.js'
import { processTrialRunner } from '../runners/index.js'
import type { TrialRunner } from '../runners/types.js'
import { runSuite } from '../schedule/suite.js'
import { VERSION } from '../version.js'
import { createProgress, type ProgressStream } from './progress.js'

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
  perfgate run      [--config perfgate.yml] [--out results.json] [--trials N]
                    [--seed S] [--filter <regex>] [--json]
  perfgate validate [--config perfgate.yml]
  perfgate --version | --help

Exit codes: 0 passed · 1 gate failed · 2 usage or config error
            3 a benchmark could not be measured
`

class UsageError extends Error {}

const RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  trials: { type: 'string' },
  seed: { type: 'string' },
  filter: { type: 'string' },
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

async function commandRun(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, RUN_OPTIONS)
  const trials = positiveInteger('trials', values.trials, 1)
  const seed = positiveInteger('seed', values.seed, 0) ?? randomInt(2 ** 31)
  let filter: RegExp | undefined
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter)
    } catch (error) {
      throw new UsageError(`--filter: not a valid regular expression: ${(error as Error).message}`)
    }
  }
  const config = loadConfig(io, values.config)
  const selected = config.benchmarks.filter((b) => !filter || filter.test(b.name))
  if (selected.length === 0) {
    throw new UsageError(
      `--filter ${JSON.stringify(values.filter)} matches no benchmark; names are: ` +
        config.benchmarks.map((b) => JSON.stringify(b.name)).join(', ')
    )
  }

  const benchmarks = await runSuite(selected, {
    runner: io.runner ?? processTrialRunner,
    progress: createProgress(io.stderr),
    trials,
    definitionHash: (b) => definitionHash(b, config.dir)
  })
  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    createdAt: new Date().toISOString(),
    seed,
    environment: readEnvironment(config.dir, configHash(config)),
    benchmarks
  }
  if (values.out) {
    const out = path.resolve(io.cwd, values.out)
    writeFileAtomic(out, serializeResults(results))
    io.stderr.write(`results written to ${displayPath(io.cwd, out)}\n`)
  }
  if (values.json) io.stdout.write(serializeResults(results))
  else io.stdout.write('\n' + renderTerminalReport(results))
  return benchmarks.some((b) => b.state === 'errored') ? EXIT.runtime : EXIT.passed
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
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`)
      return EXIT.usage
    }
    throw error
  }
}
