/**
 * Reading and writing the results file (pure). Reading checks everything: a corrupt,
 * foreign or newer file is refused with a message naming the file and the problem, so
 * it is never silently used as a baseline.
 */
import { Ajv } from 'ajv'
import { FAIL_ON_VALUES, MAX_PAIRS, PAIRED_TEST_VALUES } from '../config/defaults.js'
import { BENCHMARK_KINDS, METRIC_NAMES } from '../metrics.js'
import { RESULTS_SCHEMA_VERSION, type Results } from './types.js'

export class ResultsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResultsError'
  }
}

const metricValues = {
  type: 'object',
  propertyNames: { enum: METRIC_NAMES },
  additionalProperties: { type: 'number' }
} as const

const summary = {
  type: 'object',
  required: ['median', 'min', 'max', 'spread', 'n'],
  properties: {
    median: { type: 'number' },
    min: { type: 'number' },
    max: { type: 'number' },
    spread: { type: 'number' },
    n: { type: 'integer' }
  }
} as const

const budget = {
  type: 'object',
  required: ['metric', 'comparator', 'limit', 'source'],
  properties: {
    metric: { enum: METRIC_NAMES },
    comparator: { enum: ['<', '<=', '>', '>='] },
    limit: { type: 'number' },
    source: { type: 'string' }
  }
} as const

/**
 * Largest results file read (history, baselines): a run at the most pairs of every
 * benchmark writes a few MB; past this a file is refused before it is parsed, so one
 * hostile file cannot take the memory of a whole history.
 */
export const MAX_RESULTS_FILE_BYTES = 64 * 1024 * 1024

/** JSON Schema of schemaVersion 1 (extra fields are tolerated: newer minor additions). */
export const RESULTS_SCHEMA = {
  type: 'object',
  required: ['schemaVersion', 'tool', 'createdAt', 'seed', 'environment', 'compare', 'benchmarks'],
  properties: {
    schemaVersion: { const: RESULTS_SCHEMA_VERSION },
    tool: {
      type: 'object',
      required: ['name', 'version'],
      properties: { name: { const: 'perfgate' }, version: { type: 'string' } }
    },
    createdAt: { type: 'string' },
    seed: { type: 'integer' },
    shard: {
      type: 'object',
      required: ['index', 'count', 'suite', 'familySize'],
      properties: {
        index: { type: 'integer', minimum: 1 },
        count: { type: 'integer', minimum: 1 },
        suite: { type: 'array', items: { type: 'string' } },
        familySize: { type: 'integer', minimum: 0 },
        assigned: { type: 'array', items: { type: 'string' } }
      }
    },
    accepted: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['benchmark', 'reason', 'by', 'at', 'pullRequest'],
        // Lengths bounded: a file from another job is data, and its text ends up in reports
        // (a reason is at most 500 characters when read from a comment).
        properties: {
          benchmark: { type: 'string', minLength: 1, maxLength: 1000 },
          reason: { type: 'string', maxLength: 1000 },
          by: { type: 'string', maxLength: 100 },
          at: { type: 'string', maxLength: 100 },
          pullRequest: { type: 'integer', minimum: 1 },
          url: { type: 'string', maxLength: 500 },
          limits: {
            type: 'array',
            maxItems: METRIC_NAMES.length,
            items: {
              type: 'object',
              required: ['metric', 'ratio'],
              properties: { metric: { enum: METRIC_NAMES }, ratio: { type: 'number' } }
            }
          }
        }
      }
    },
    merged: {
      type: 'object',
      required: ['shards'],
      properties: { shards: { type: 'integer', minimum: 1 } }
    },
    incomplete: {
      type: 'object',
      required: ['total', 'missing'],
      properties: {
        total: { type: 'integer', minimum: 0 },
        missing: { type: 'array', items: { type: 'string' } },
        reasons: {
          type: 'array',
          items: {
            type: 'object',
            required: ['benchmark', 'reason'],
            properties: { benchmark: { type: 'string' }, reason: { type: 'string' } }
          }
        }
      }
    },
    compare: {
      type: 'object',
      required: ['failOn', 'test', 'maxTimeMs'],
      properties: {
        failOn: { enum: [...FAIL_ON_VALUES] },
        test: { enum: [...PAIRED_TEST_VALUES] }
      }
    },
    environment: {
      type: 'object',
      required: ['os', 'arch', 'cpuModel', 'cores', 'node', 'configHash'],
      properties: {
        os: { type: 'string' },
        arch: { type: 'string' },
        cpuModel: { type: 'string' },
        cores: { type: 'integer' },
        node: { type: 'string' },
        configHash: { type: 'string' },
        git: {
          type: 'object',
          required: ['commit'],
          properties: {
            commit: { type: 'string' },
            branch: { type: 'string' },
            dirty: { type: 'boolean' }
          }
        }
      }
    },
    benchmarks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'kind', 'state', 'definitionHash', 'settings', 'trials', 'summary'],
        properties: {
          name: { type: 'string', minLength: 1 },
          kind: { enum: BENCHMARK_KINDS },
          state: { enum: ['ok', 'errored'] },
          definitionHash: { type: 'string' },
          settings: {
            type: 'object',
            required: ['compare', 'budgets', 'targets'],
            properties: {
              compare: {
                type: 'object',
                required: ['gate', 'threshold', 'alpha'],
                properties: {
                  gate: { type: 'array', items: { enum: METRIC_NAMES } },
                  threshold: { type: 'number', minimum: 0 },
                  instructionThreshold: { type: 'number', minimum: 0 },
                  alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }
                }
              },
              budgets: { type: 'array', items: budget },
              targets: { type: 'array', items: budget }
            }
          },
          trials: {
            type: 'array',
            // A run writes at most MAX_PAIRS trials a side; more is not a perfgate file.
            maxItems: MAX_PAIRS,
            items: {
              type: 'object',
              required: ['metrics', 'durationMs'],
              properties: { metrics: metricValues, durationMs: { type: 'number' } }
            }
          },
          summary: {
            type: 'object',
            propertyNames: { enum: METRIC_NAMES },
            additionalProperties: summary
          },
          error: {
            type: 'object',
            required: ['message'],
            properties: { message: { type: 'string' } }
          }
        },
        if: { properties: { state: { const: 'errored' } } },
        then: { required: ['error'] }
      }
    }
  }
} as const

const validate = new Ajv({ allErrors: false, strict: false }).compile<Results>(RESULTS_SCHEMA)

/** Serializes results as the file's text (stable key order, trailing newline). */
export function serializeResults(results: Results): string {
  return JSON.stringify(results, null, 2) + '\n'
}

/**
 * Parses and checks a results file's text.
 * @param file named in error messages
 */
export function parseResults(text: string, file: string): Results {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ResultsError(
      `${file}: not valid JSON (${(error as Error).message}); expected a perfgate results file`
    )
  }
  const head = data as { schemaVersion?: unknown; tool?: { name?: unknown } } | null
  if (
    typeof head !== 'object' ||
    head === null ||
    Array.isArray(head) ||
    head.tool?.name !== 'perfgate'
  ) {
    throw new ResultsError(
      `${file}: not a perfgate results file (expected "tool": { "name": "perfgate" })`
    )
  }
  if (typeof head.schemaVersion !== 'number') {
    throw new ResultsError(`${file}: schemaVersion missing; expected ${RESULTS_SCHEMA_VERSION}`)
  }
  if (head.schemaVersion > RESULTS_SCHEMA_VERSION) {
    throw new ResultsError(
      `${file}: written by a newer perfgate (schemaVersion ${head.schemaVersion}); ` +
        `this perfgate reads schemaVersion ${RESULTS_SCHEMA_VERSION}: upgrade perfgate`
    )
  }
  if (!validate(data)) {
    const error = validate.errors![0]!
    const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'the file'
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues
    const expected = allowed ? ` (${allowed.map((value) => JSON.stringify(value)).join(', ')})` : ''
    throw new ResultsError(
      `${file}: corrupt results at ${where}: ${error.message ?? 'invalid'}${expected}`
    )
  }
  return data
}
