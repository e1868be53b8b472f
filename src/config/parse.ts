/**
 * perfgate.yml → Config, in three steps (as tachometer does): YAML with positions
 * (yaml.ts) → JSON Schema check (schema-issues.ts) → field checks and defaults
 * (normalize/). Pure: the only outside fact it needs, whether a bench file exists, is
 * passed in. Bytes are decoded by decodeConfigText (decode.ts) before this.
 */
import path from 'node:path'
import { Ajv } from 'ajv'
import { ConfigError } from './errors.js'
import { Issues } from './issues.js'
import { normalizeConfig } from './normalize/config.js'
import type { RawConfig } from './raw.js'
import { CONFIG_SCHEMA } from './schema.js'
import { schemaIssues } from './schema-issues.js'
import type { Config, Measure } from './types.js'
import { loadYaml } from './yaml.js'

export { parseBudget } from './normalize/metrics.js'

export interface ParseOptions {
  /** Whether a file exists (bench files are checked before anything runs). */
  readonly fileExists: (absolutePath: string) => boolean
  /** How messages name the file (default: the path as given). */
  readonly displayName?: string
  /** Overrides `measure` of the config and of every benchmark (`perfgate run --measure`). */
  readonly measure?: Measure
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true })
const validateSchema = ajv.compile<RawConfig>(CONFIG_SCHEMA)

/**
 * Parses and validates a config file's text. Throws ConfigError listing every problem
 * found, each with its line and column.
 * @param configPath absolute path of the file; relative paths in it resolve against its folder
 */
export function parseConfig(text: string, configPath: string, options: ParseOptions): Config {
  // Pure: relative paths in the config resolve against this, never the process's cwd.
  if (!path.isAbsolute(configPath)) {
    throw new TypeError(`parseConfig needs an absolute config path, got ${configPath}`)
  }
  const file = options.displayName ?? configPath
  const { value, locate } = loadYaml(text, file)
  if (value === null || value === undefined) {
    throw new ConfigError([
      {
        file,
        line: undefined,
        column: undefined,
        field: '',
        message: 'the file is empty; expected a mapping with a "benchmarks" list'
      }
    ])
  }
  const issues = new Issues(file, locate)
  if (!validateSchema(value)) {
    throw new ConfigError(schemaIssues(validateSchema.errors ?? [], issues))
  }
  const config = normalizeConfig(issues, value, configPath, options.fileExists, options.measure)
  issues.throwIfAny()
  return config
}
