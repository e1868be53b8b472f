/**
 * JSON Schema of perfgate.yml: the contract with users' config files. The same schema
 * ships as schema/perfgate.schema.json for editors (`npm run schema` writes it; a test
 * keeps the two equal). Field-level value checks (durations, budgets, names) live in
 * normalize/. The raw input types are derived from this object (raw.ts), so a new field is
 * one edit here.
 */
import {
  MAX_COMMAND_WARMUP_RUNS,
  MAX_HTTP_CONNECTIONS,
  MAX_HTTP_PIPELINING,
  MAX_HTTP_RATE,
  MAX_NAME_LENGTH,
  MAX_PAIRS,
  MAX_REQUEST_WEIGHT,
  MAX_TRIALS,
  FAIL_ON_VALUES,
  MEASURE_VALUES,
  PAIRED_TEST_VALUES
} from './defaults.js'

/** Values of `http.server.restart`. */
export const SERVER_RESTARTS = ['per-trial', 'once'] as const

/** Values of `profile`: when CPU profiles of base and head are taken in an A/B run. */
export const PROFILE_MODES = ['on-regression', 'always', 'never'] as const

/**
 * Values of `function.harness`: the benchmark API a bench file is written against. `auto`
 * takes each of them from the file's imports.
 */
export const HARNESSES = [
  'auto',
  'perfgate',
  'vitest',
  'tinybench',
  'mitata',
  'benchmark.js'
] as const

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'perfgate.schema.json',
  title: 'perfgate configuration (perfgate.yml)',
  description:
    'Benchmarks that perfgate measures and the rules that turn measurements into a verdict.',
  type: 'object',
  additionalProperties: false,
  required: ['benchmarks'],
  properties: {
    $schema: { type: 'string' },
    setup: {
      type: 'string',
      minLength: 1,
      description:
        'Shell command run once in every checkout that is measured, before any benchmark (e.g. "npm ci && npm run build").'
    },
    profile: {
      enum: PROFILE_MODES,
      description:
        'When an A/B run takes CPU profiles of base and head in extra trials outside the measured ones, for "Where the time went": on-regression (default), always, never.'
    },
    trials: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_TRIALS,
      description:
        'Trials per benchmark (each a fresh process). Default 10; 2 for a benchmark measured on instructions alone.'
    },
    measure: { $ref: '#/definitions/measure' },
    timeout: {
      type: ['string', 'number'],
      description: 'Longest time one trial may take before it is killed, e.g. "2m". Default 2m.'
    },
    compare: {
      type: 'object',
      additionalProperties: false,
      description: 'How base and head are compared, and what fails the build.',
      properties: {
        gate: { $ref: '#/definitions/gate' },
        threshold: { $ref: '#/definitions/threshold' },
        'instructions-threshold': { $ref: '#/definitions/instructionsThreshold' },
        alpha: { $ref: '#/definitions/alpha' },
        'fail-on': {
          enum: FAIL_ON_VALUES,
          description:
            'What fails the build: budget violations, significant regressions, both (default) or none.'
        },
        test: {
          enum: PAIRED_TEST_VALUES,
          description:
            'Paired test on log ratios: trimmed (20 % trimmed mean with the trimmed t, default; robust to trials slowed as a whole), t (paired t-test) or sign-flip (exact randomization test).'
        },
        futility: {
          type: 'number',
          minimum: 0,
          maximum: 0.5,
          description:
            'A/B runs: stop an undecided benchmark at a look before the last when the chance that the last look decides it is below this (it ends inconclusive sooner; false alarms stay bounded by alpha). 0 takes every look. Default 0.05.'
        },
        'max-pairs': {
          type: 'integer',
          minimum: 2,
          maximum: MAX_PAIRS,
          description:
            'Most base/head pairs per benchmark in A/B runs; looks every `trials` pairs. Default 3 × trials.'
        },
        'max-time': {
          type: ['string', 'number'],
          description:
            'Longest an A/B comparison of one benchmark may run, e.g. "10m". Default 10m.'
        },
        'max-duration': {
          type: ['string', 'number'],
          description:
            'Time budget of a whole A/B run, e.g. "15m": benchmarks run to their first look, then the undecided ones go on look by look; what the budget cuts short is reported as inconclusive. Default: none.'
        }
      }
    },
    benchmarks: {
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/benchmark' }
    }
  },
  definitions: {
    measure: {
      enum: MEASURE_VALUES,
      description:
        'What verdicts rest on: time (default), instructions (counted under valgrind; one pair decides unchanged, two a change) or both (each gated).'
    },
    instructionsThreshold: {
      type: ['string', 'number'],
      description:
        'Smallest change of the instruction count that matters, e.g. "0.5%". Default 0.5%.'
    },
    cwd: { type: 'string', description: 'Working directory, relative to the config file.' },
    env: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      description: 'Extra environment variables.'
    },
    gate: {
      type: 'array',
      items: { type: 'string' },
      description: 'Metrics whose significant regressions fail the build. Default per kind.'
    },
    threshold: {
      type: ['string', 'number'],
      description: 'Smallest change that matters, e.g. "5%". Default 4%.'
    },
    alpha: {
      type: 'number',
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description: 'Significance level of the regression tests (after Holm). Default 0.05.'
    },
    benchmark: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: MAX_NAME_LENGTH,
          description: 'Unique name shown in reports: one line, no control characters.'
        },
        function: { $ref: '#/definitions/function' },
        command: { $ref: '#/definitions/command' },
        http: { $ref: '#/definitions/http' },
        trials: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_TRIALS,
          description: 'Overrides the global trials.'
        },
        measure: { $ref: '#/definitions/measure' },
        timeout: {
          type: ['string', 'number'],
          description: 'Overrides the global per-trial timeout.'
        },
        compare: {
          type: 'object',
          additionalProperties: false,
          description: 'Overrides of the global compare settings for this benchmark.',
          properties: {
            gate: { $ref: '#/definitions/gate' },
            threshold: { $ref: '#/definitions/threshold' },
            'instructions-threshold': { $ref: '#/definitions/instructionsThreshold' },
            alpha: { $ref: '#/definitions/alpha' }
          }
        },
        targets: {
          type: 'object',
          additionalProperties: { type: ['string', 'number'] },
          description:
            'Improvement goals per metric, e.g. { p95: 200ms }: the report shows progress.'
        },
        budgets: {
          type: 'object',
          additionalProperties: { type: ['string', 'number'] },
          description: 'Absolute limits per metric, e.g. { p95: 50ms, ops: ">= 1000", rss: 300MB }.'
        }
      }
    },
    function: {
      type: 'object',
      additionalProperties: false,
      required: ['file'],
      description:
        "An in-process JS/TS function registered with bench() from 'perfgate', or in a file written for vitest bench, tinybench, mitata or Benchmark.js.",
      properties: {
        file: {
          type: 'string',
          minLength: 1,
          description: 'Bench file, relative to the config file.'
        },
        bench: {
          type: 'string',
          minLength: 1,
          description:
            "Name given to bench() in the file. Default: the benchmark's name, or the file's only bench."
        },
        harness: {
          type: 'string',
          enum: HARNESSES,
          description:
            "The benchmark API the file is written against: perfgate, vitest, tinybench, mitata or benchmark.js. Default auto: taken from the file's imports."
        },
        time: {
          type: ['string', 'number'],
          description: 'Sampling time per trial. Default 500ms.'
        },
        warmup: {
          type: ['string', 'number'],
          description: 'Warm-up time per trial. Default 100ms.'
        },
        interleave: {
          type: 'boolean',
          description:
            "In an A/B run, keep the base and head workers alive together and alternate their sampling in 10 ms slices, so a shared machine's changing speed hits both alike (default true); false runs one worker after the other."
        }
      }
    },
    command: {
      type: 'object',
      additionalProperties: false,
      required: ['run'],
      description: 'A shell command timed as a whole process.',
      properties: {
        run: { type: 'string', minLength: 1, description: 'Shell command (run with sh -c).' },
        cwd: { $ref: '#/definitions/cwd' },
        env: { $ref: '#/definitions/env' },
        warmup: {
          type: 'integer',
          minimum: 0,
          maximum: MAX_COMMAND_WARMUP_RUNS,
          description: 'Unmeasured runs before the measured run of each trial. Default 1.'
        }
      }
    },
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['server', 'requests'],
      description:
        'HTTP endpoints under load: perfgate starts the server, waits until it is ready, loads it with autocannon and stops it.',
      properties: {
        server: {
          type: 'object',
          additionalProperties: false,
          required: ['command', 'ready'],
          properties: {
            command: {
              type: 'string',
              minLength: 1,
              description:
                'Shell command that starts the server; {port} and the PORT variable give the free port chosen for it.'
            },
            cwd: { $ref: '#/definitions/cwd' },
            env: { $ref: '#/definitions/env' },
            ready: {
              type: ['string', 'object'],
              additionalProperties: false,
              required: ['url'],
              properties: {
                url: { type: 'string', minLength: 1 },
                timeout: { type: ['string', 'number'] }
              },
              description:
                'URL polled until it answers (any status below 500), or { url, timeout } (default timeout 30s).'
            },
            restart: {
              enum: SERVER_RESTARTS,
              description:
                'per-trial (default): a fresh server for every trial; once: one server per side kept across trials.'
            }
          }
        },
        requests: {
          type: 'array',
          minItems: 1,
          description: 'Requests each connection sends in sequence (weight repeats one).',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            properties: {
              url: {
                type: 'string',
                minLength: 1,
                description: 'e.g. http://127.0.0.1:{port}/users'
              },
              method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              body: {
                type: ['string', 'object', 'array'],
                description: 'A string, or JSON (sent with content-type application/json).'
              },
              weight: {
                type: 'integer',
                minimum: 1,
                maximum: MAX_REQUEST_WEIGHT,
                description: 'Times this request appears in the sequence.'
              }
            }
          }
        },
        load: {
          type: 'object',
          additionalProperties: false,
          properties: {
            connections: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_HTTP_CONNECTIONS,
              description: 'Concurrent connections. Default 10.'
            },
            duration: {
              type: ['string', 'number'],
              description: 'Measured load per trial. Default 1s.'
            },
            warmup: {
              type: ['string', 'number'],
              description: 'Unmeasured load before it. Default 500ms.'
            },
            pipelining: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_HTTP_PIPELINING,
              description: 'Requests in flight per connection. Default 1.'
            },
            rate: {
              type: 'number',
              exclusiveMinimum: 0,
              maximum: MAX_HTTP_RATE,
              description:
                'Fixed total rate in requests/s (open-loop, corrected for coordinated omission). Default: as fast as the server answers.'
            },
            timeout: { type: ['string', 'number'], description: 'Request timeout. Default 10s.' },
            interleave: {
              type: 'boolean',
              description:
                "In an A/B run, run the base and head servers at once and alternate the load between them in 100 ms slices, so a shared machine's changing speed hits both alike (default true); false when two instances of the server cannot run at the same time."
            },
            pin: {
              type: 'boolean',
              description:
                "Linux with 2 or more CPUs: run perfgate's load generator on the first CPU it may use and the server's processes on the others, so they never compete for a core (default true)."
            }
          }
        }
      }
    }
  }
} as const
