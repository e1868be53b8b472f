/**
 * `perfgate init`: writes a starting perfgate.yml with a function benchmark for each bench
 * found in the repository's bench files, whatever harness they are written for.
 */
import path from 'node:path'
import { displayPath } from '../app/files.js'
import { initProject } from '../app/init.js'
import { EXIT } from '../app/outcome.js'
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js'
import { listBenches } from '../runners/function/list.js'
import { parse } from './flags.js'
import type { CliIo } from './main.js'

export const INIT_USAGE = `  perfgate init     [--config perfgate.yml] [--force]`

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  force: { type: 'boolean' }
} as const

export async function commandInit(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, OPTIONS)
  const configPath = path.resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE)
  const result = await initProject(
    { configPath, force: values.force === true },
    { list: (file) => listBenches(file) }
  )
  if (!result.ok) {
    io.stderr.write(`perfgate: ${result.message}\n`)
    return EXIT.usage
  }
  for (const note of result.notes) io.stderr.write(`note: ${note}\n`)
  for (const { file, reason } of result.skipped) io.stderr.write(`skipped ${file}: ${reason}\n`)
  const files = new Set(result.benchmarks.map((b) => b.file))
  io.stdout.write(
    `${displayPath(io.cwd, configPath)} written: ${result.benchmarks.length} benchmark(s) ` +
      `from ${files.size} file(s):\n` +
      result.benchmarks.map((b) => `  ${b.name} (${b.harness}, ${b.file})\n`).join('') +
      'Next: perfgate validate, then perfgate run --base main\n'
  )
  return EXIT.passed
}
