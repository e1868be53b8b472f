/**
 * The files a run reads and writes: the config, results files and report files. Output
 * targets are checked before anything is measured, so an unwritable path never costs a
 * whole run; a write replaces a regular file atomically (never a truncated results file),
 * follows symlinks, writes devices and pipes directly, and `-` means standard output.
 */
import {
  accessSync,
  constants,
  lstatSync,
  mkdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { DEFAULT_CONFIG_FILE, OUTPUT_FILES } from '../config/defaults.js'
import { ConfigError } from '../config/errors.js'
import { decodeConfigText } from '../config/decode.js'
import { parseConfig } from '../config/parse.js'
import type { Config, Measure } from '../config/types.js'
import { findFilesNamed } from './find-files.js'
import type { ShardFile } from './merge.js'
import { RequestError } from './requests.js'
import { registerCleanup } from '../process/cleanup.js'
import { MAX_RESULTS_FILE_BYTES, parseResults, ResultsError } from '../results/format.js'
import { readRegularFile } from '../regular-file.js'
import type { Results } from '../results/types.js'

/** A path relative to the working directory when it lies inside it, else absolute. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}

/** The largest config file read: a config is a few kB; past this it is refused unread. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024

/** Reads and validates the config (`file` relative to `cwd`; the default name when absent). */
export function loadConfigFile(cwd: string, file: string | undefined, measure?: Measure): Config {
  const configPath = path.resolve(cwd, file ?? DEFAULT_CONFIG_FILE)
  const display = displayPath(cwd, configPath)
  let bytes: Uint8Array
  try {
    bytes = readRegularFile(configPath, MAX_CONFIG_FILE_BYTES)
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
            ? `config file not found; expected ${file ? 'the file given with --config' : `${DEFAULT_CONFIG_FILE} in ${cwd} (or pass --config)`}`
            : `cannot read the config file: ${(error as Error).message}`
      }
    ])
  }
  return parseConfig(decodeConfigText(bytes, display), configPath, {
    fileExists: (p) => {
      try {
        statSync(p)
        return true
      } catch {
        return false
      }
    },
    displayName: display,
    ...(measure === undefined ? {} : { measure })
  })
}

/** Reads and checks a results file; errors name the file. */
export function readResultsFile(cwd: string, file: string): Results {
  const absolute = path.resolve(cwd, file)
  let text: string
  try {
    text = readRegularFile(absolute, MAX_RESULTS_FILE_BYTES).toString('utf8')
  } catch (error) {
    throw new ResultsError(
      `${displayPath(cwd, absolute)}: cannot read: ${(error as Error).message}`
    )
  }
  return parseResults(text, displayPath(cwd, absolute))
}

/** A file a run writes its results or report to could not be written. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OutputError'
  }
}

/** Where a run writes one of its outputs. */
export interface OutputTarget {
  /** As shown to the user. */
  readonly display: string
  /** Whether it is standard output (`-`). */
  readonly isStdout: boolean
  /** Writes the whole text, replacing what was there; throws OutputError. */
  write(text: string): void
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory'
  }
  return (e.code && known[e.code]) ?? e.message
}

/** Follows a symlink chain to the path that will really be written (which may not exist yet). */
function resolveTarget(file: string, depth = 0): string {
  try {
    return realpathSync(file)
  } catch {
    // A missing file, or a dangling symlink: write where the link points.
    try {
      if (depth < 40 && lstatSync(file).isSymbolicLink()) {
        return resolveTarget(path.resolve(path.dirname(file), readlinkSync(file)), depth + 1)
      }
    } catch {
      // not there at all
    }
    return file
  }
}

/**
 * Checks now that `file` can be written (creating its directory), so a run never measures
 * for minutes and then fails to save. `-` is standard output.
 */
export function openOutput(
  cwd: string,
  file: string,
  stdout: { write(text: string): unknown }
): OutputTarget {
  if (file === '-') {
    return { display: 'standard output', isStdout: true, write: (text) => void stdout.write(text) }
  }
  const requested = path.resolve(cwd, file)
  const display = displayPath(cwd, requested)
  const target = resolveTarget(requested)
  const fail = (error: unknown): never => {
    throw new OutputError(`cannot write ${display}: ${reason(error)}`)
  }
  let special = false
  try {
    const stat = statSync(target)
    if (stat.isDirectory()) fail({ code: 'EISDIR' })
    special = !stat.isFile()
  } catch (error) {
    if (error instanceof OutputError) throw error
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error)
  }
  if (special) {
    // A device or pipe (/dev/stdout, a FIFO): written in place, never renamed over.
    try {
      accessSync(target, constants.W_OK)
    } catch (error) {
      fail(error)
    }
    return {
      display,
      isStdout: false,
      write: (text) => {
        try {
          writeFileSync(target, text)
        } catch (error) {
          fail(error)
        }
      }
    }
  }
  const temporary = `${target}.${process.pid}.tmp`
  try {
    mkdirSync(path.dirname(target), { recursive: true })
    // A probe write: catches read-only mounts and permissions that access() misses as root.
    writeFileSync(temporary, '')
    rmSync(temporary, { force: true })
  } catch (error) {
    rmSync(temporary, { force: true })
    fail(error)
  }
  return {
    display,
    isStdout: false,
    write: (text) => {
      // The temporary file is removed on Ctrl-C too, never left beside the target.
      const forget = registerCleanup(() => rmSync(temporary, { force: true }))
      try {
        writeFileSync(temporary, text)
        renameSync(temporary, target)
      } catch (error) {
        rmSync(temporary, { force: true })
        fail(error)
      } finally {
        forget()
      }
    }
  }
}

/** The shards' results files as named (relative to `cwd`), each read and checked. */
export function readShardFiles(cwd: string, files: readonly string[]): ShardFile[] {
  return files.map((file) => ({ source: file, results: readResultsFile(cwd, file) }))
}

/**
 * Every shard's results.json under `dir` (the action's downloaded artifacts; `onSkip`
 * hears what the search passed over), named relative to `cwd`; a RequestError when there
 * is none.
 */
export function shardFilesUnder(
  cwd: string,
  dir: string,
  onSkip: (line: string) => void
): ShardFile[] {
  const found = findFilesNamed(path.resolve(cwd, dir), OUTPUT_FILES.results, { onSkip })
  if (found.length === 0) {
    throw new RequestError(
      `${dir}: no results.json of any shard found (download the shard artifacts there)`
    )
  }
  return readShardFiles(
    cwd,
    found.map((file) => path.relative(cwd, file))
  )
}
