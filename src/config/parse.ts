/**
 * perfgate.yml → Config, in three steps (as tachometer does): YAML with positions →
 * JSON Schema check → field checks and defaults. Pure: the only outside fact it needs,
 * whether a bench file exists, is passed in.
 */
import path from 'node:path'
import { Ajv, type ErrorObject } from 'ajv'
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml'
import {
  DEFAULT_GATE,
  isMetricName,
  METRIC_NAMES,
  METRICS,
  metricsOf,
  type BenchmarkKind,
  type MetricName
} from '../metrics.js'
import { parseDuration, parsePercent, parseSize, type Parsed } from './units.js'
import { closest, ConfigError, describeValue, formatFieldPath, type ConfigIssue } from './errors.js'
import { CONFIG_SCHEMA } from './schema.js'
import * as defaults from './defaults.js'
import type {
  BenchmarkConfig,
  BenchmarkSpec,
  Budget,
  Comparator,
  CompareConfig,
  CompareSettings,
  Config,
  HttpSpec
} from './types.js'

export interface ParseOptions {
  /** Whether a file exists (bench files are checked before anything runs). */
  readonly fileExists: (absolutePath: string) => boolean
  /** How messages name the file (default: the path as given). */
  readonly displayName?: string
}

type FieldPath = readonly (string | number)[]

/** Raw shapes after the schema check: everything optional that the schema allows to be. */
interface RawBenchmark {
  name: string
  function?: { file: string; bench?: string; time?: string | number; warmup?: string | number }
  command?: {
    run: string
    cwd?: string
    env?: Record<string, string | number | boolean>
    warmup?: number
  }
  trials?: number
  timeout?: string | number
  http?: RawHttp
  budgets?: Record<string, string | number>
  targets?: Record<string, string | number>
  compare?: RawCompareSettings
}

interface RawHttp {
  server: {
    command: string
    cwd?: string
    env?: Record<string, string | number | boolean>
    ready: string | { url: string; timeout?: string | number }
    restart?: 'per-trial' | 'once'
  }
  requests: {
    url: string
    method?: string
    headers?: Record<string, string>
    body?: string | object
    weight?: number
  }[]
  load?: {
    connections?: number
    duration?: string | number
    warmup?: string | number
    pipelining?: number
    rate?: number
    timeout?: string | number
  }
}

interface RawCompareSettings {
  gate?: string[]
  threshold?: string | number
  alpha?: number
}

interface RawConfig {
  setup?: string
  trials?: number
  timeout?: string | number
  compare?: RawCompareSettings & {
    'fail-on'?: CompareConfig['failOn']
    test?: CompareConfig['test']
    'max-pairs'?: number
    'max-time'?: string | number
  }
  benchmarks: RawBenchmark[]
}

const KINDS: readonly BenchmarkKind[] = ['function', 'command', 'http']

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
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const issue = (field: FieldPath, message: string, at?: { key?: boolean }): ConfigIssue => {
    const offset = locate(doc, field, at?.key ?? false)
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset)
    return {
      file,
      line: pos?.line,
      column: pos?.col,
      field: formatFieldPath(field),
      message
    }
  }

  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0])
        const firstLine = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '')
        return {
          file,
          line: pos.line,
          column: pos.col,
          field: '',
          message: `invalid YAML: ${firstLine}`
        }
      })
    )
  }
  const raw: unknown = doc.toJS()
  if (raw === null || raw === undefined) {
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
  if (!validateSchema(raw)) {
    throw new ConfigError(schemaIssues(validateSchema.errors ?? [], issue))
  }
  return applyDefaults(raw, configPath, options, issue)
}

type MakeIssue = (field: FieldPath, message: string, at?: { key?: boolean }) => ConfigIssue

function applyDefaults(
  raw: RawConfig,
  configPath: string,
  options: ParseOptions,
  issue: MakeIssue
): Config {
  const issues: ConfigIssue[] = []
  const dir = path.dirname(configPath)
  const unit = <T>(parsed: Parsed<T>, field: FieldPath, value: unknown, fallback: T): T => {
    if (parsed.ok) return parsed.value
    issues.push(issue(field, `expected ${parsed.expected}, got ${describeValue(value)}`))
    return fallback
  }
  const positiveDuration = (
    value: string | number | undefined,
    field: FieldPath,
    fallback: number
  ) => {
    if (value === undefined) return fallback
    const ms = unit(parseDuration(value), field, value, fallback)
    if (ms <= 0)
      issues.push(issue(field, `expected a duration above zero, got ${describeValue(value)}`))
    return ms
  }

  const trials = raw.trials ?? defaults.DEFAULT_TRIALS
  const timeoutMs = positiveDuration(raw.timeout, ['timeout'], defaults.DEFAULT_TRIAL_TIMEOUT_MS)
  const global = parseGlobalSettings(raw.compare, issues, issue, unit)
  const compare: CompareConfig = {
    failOn: raw.compare?.['fail-on'] ?? defaults.DEFAULT_FAIL_ON,
    test: raw.compare?.test ?? defaults.DEFAULT_PAIRED_TEST,
    maxPairs: raw.compare?.['max-pairs'],
    maxTimeMs: positiveDuration(
      raw.compare?.['max-time'],
      ['compare', 'max-time'],
      defaults.DEFAULT_MAX_COMPARE_TIME_MS
    )
  }

  /** The metric if it exists for this kind; otherwise records an issue with a suggestion. */
  const checkMetric = (
    name: string,
    kind: BenchmarkKind,
    field: FieldPath,
    at?: { key: boolean }
  ): MetricName | undefined => {
    const allowed = metricsOf(kind)
    if (isMetricName(name) && allowed.includes(name)) return name
    const suggestion = closest(name, allowed)
    const elsewhere = isMetricName(name)
      ? ` (it applies to ${METRICS[name].kinds.join(' and ')} benchmarks)`
      : ''
    issues.push(
      issue(
        field,
        `unknown metric ${JSON.stringify(name)} for a ${kind} benchmark${elsewhere}; ` +
          (suggestion ? `did you mean "${suggestion}"? ` : '') +
          `expected one of: ${allowed.join(', ')}`,
        at
      )
    )
    return undefined
  }

  const durationOr = (value: string | number | undefined, field: FieldPath, fallback: number) =>
    value === undefined ? fallback : unit(parseDuration(value), field, value, fallback)

  /** An http benchmark's spec; URLs keep their {port} placeholder. */
  const parseHttp = (raw: RawHttp, at: FieldPath): HttpSpec => {
    const origins = new Set<string>()
    const checkUrl = (url: string, field: FieldPath): void => {
      let parsed: URL | undefined
      try {
        parsed = new URL(url.replaceAll('{port}', '1'))
      } catch {
        parsed = undefined
      }
      if (!parsed || parsed.protocol !== 'http:') {
        issues.push(
          issue(
            field,
            `expected an http:// URL such as "http://127.0.0.1:{port}/health", got ${describeValue(url)}`
          )
        )
      }
    }
    const ready =
      typeof raw.server.ready === 'string' ? { url: raw.server.ready } : raw.server.ready
    checkUrl(ready.url, [...at, 'server', 'ready'])
    const requests = raw.requests.map((request, i) => {
      const field: FieldPath = [...at, 'requests', i, 'url']
      checkUrl(request.url, field)
      try {
        origins.add(
          new URL(request.url.replaceAll('{port}', '65535')).origin.replace(':65535', ':{port}')
        )
      } catch {
        // reported by checkUrl
      }
      const json = request.body !== undefined && typeof request.body !== 'string'
      const headers = { ...(request.headers ?? {}) }
      if (json && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json'
      }
      return {
        url: request.url,
        method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
        headers,
        body:
          request.body === undefined
            ? undefined
            : json
              ? JSON.stringify(request.body)
              : (request.body as string),
        weight: request.weight ?? 1
      }
    })
    if (origins.size > 1) {
      issues.push(
        issue(
          [...at, 'requests'],
          `requests go to ${origins.size} different hosts (${[...origins].join(', ')}); expected one server per benchmark`
        )
      )
    }
    const load = raw.load ?? {}
    return {
      kind: 'http',
      server: {
        command: raw.server.command,
        cwd: path.resolve(dir, raw.server.cwd ?? '.'),
        env: Object.fromEntries(
          Object.entries(raw.server.env ?? {}).map(([k, v]) => [k, String(v)])
        ),
        readyUrl: ready.url,
        readyTimeoutMs: positiveDuration(
          ready.timeout,
          [...at, 'server', 'ready', 'timeout'],
          defaults.DEFAULT_READY_TIMEOUT_MS
        ),
        restart: raw.server.restart ?? defaults.DEFAULT_SERVER_RESTART
      },
      requests,
      load: {
        connections: load.connections ?? defaults.DEFAULT_HTTP_CONNECTIONS,
        durationMs: positiveDuration(
          load.duration,
          [...at, 'load', 'duration'],
          defaults.DEFAULT_HTTP_DURATION_MS
        ),
        warmupMs: durationOr(
          load.warmup,
          [...at, 'load', 'warmup'],
          defaults.DEFAULT_HTTP_WARMUP_MS
        ),
        pipelining: load.pipelining ?? 1,
        rate: load.rate,
        timeoutMs: positiveDuration(
          load.timeout,
          [...at, 'load', 'timeout'],
          defaults.DEFAULT_HTTP_TIMEOUT_MS
        )
      }
    }
  }

  const seen = new Map<string, number>()
  const benchmarks: BenchmarkConfig[] = []
  raw.benchmarks.forEach((bench, index) => {
    const at = (...rest: (string | number)[]): FieldPath => ['benchmarks', index, ...rest]
    const first = seen.get(bench.name)
    if (first !== undefined) {
      issues.push(
        issue(
          at('name'),
          `duplicate benchmark name ${JSON.stringify(bench.name)} (also benchmarks[${first}]); expected unique names`
        )
      )
    } else {
      seen.set(bench.name, index)
    }

    const kinds = KINDS.filter((kind) => bench[kind] !== undefined)
    if (kinds.length !== 1) {
      const message =
        kinds.length === 0
          ? `benchmark ${JSON.stringify(bench.name)} has no kind; expected exactly one of: ${KINDS.join(', ')}`
          : `benchmark ${JSON.stringify(bench.name)} has ${kinds.length} kinds (${kinds.join(', ')}); expected exactly one`
      issues.push(issue(at(), message))
      return
    }
    const kind = kinds[0]!
    let spec: BenchmarkSpec
    if (kind === 'function') {
      const fn = bench.function!
      const absolute = path.resolve(dir, fn.file)
      if (!options.fileExists(absolute)) {
        issues.push(
          issue(
            at('function', 'file'),
            `bench file not found: ${absolute}; expected a path relative to the config file`
          )
        )
      }
      spec = {
        kind,
        file: absolute,
        bench: fn.bench,
        timeMs: positiveDuration(
          fn.time,
          at('function', 'time'),
          defaults.DEFAULT_FUNCTION_TIME_MS
        ),
        warmupMs:
          fn.warmup === undefined
            ? defaults.DEFAULT_FUNCTION_WARMUP_MS
            : unit(parseDuration(fn.warmup), at('function', 'warmup'), fn.warmup, 0)
      }
    } else if (kind === 'http') {
      spec = parseHttp(bench.http!, at('http'))
    } else {
      const cmd = bench.command!
      spec = {
        kind,
        run: cmd.run,
        cwd: path.resolve(dir, cmd.cwd ?? '.'),
        env: Object.fromEntries(Object.entries(cmd.env ?? {}).map(([k, v]) => [k, String(v)])),
        warmupRuns: cmd.warmup ?? defaults.DEFAULT_COMMAND_WARMUP_RUNS
      }
    }

    const limits = (field: 'budgets' | 'targets'): Budget[] => {
      const parsed: Budget[] = []
      for (const [metric, value] of Object.entries(bench[field] ?? {})) {
        const known = checkMetric(metric, kind, at(field, metric), { key: true })
        if (!known) continue
        const budget = parseBudget(known, value)
        if (budget.ok) parsed.push(budget.value)
        else
          issues.push(
            issue(at(field, metric), `expected ${budget.expected}, got ${describeValue(value)}`)
          )
      }
      return parsed
    }
    const budgets = limits('budgets')
    const targets = limits('targets')

    const own = bench.compare
    const gate = own?.gate
      ? own.gate.flatMap((name, i) => checkMetric(name, kind, at('compare', 'gate', i)) ?? [])
      : global.gate
        ? global.gate.filter((name) => metricsOf(kind).includes(name))
        : []
    const compareSettings: CompareSettings = {
      gate: gate.length > 0 ? gate : DEFAULT_GATE[kind],
      threshold:
        own?.threshold === undefined
          ? global.threshold
          : unit(parsePercent(own.threshold), at('compare', 'threshold'), own.threshold, 0),
      alpha: own?.alpha ?? global.alpha
    }

    benchmarks.push({
      name: bench.name,
      kind,
      spec,
      trials: bench.trials ?? trials,
      timeoutMs: positiveDuration(bench.timeout, at('timeout'), timeoutMs),
      budgets,
      targets,
      compare: compareSettings
    })
  })

  const mostTrials = benchmarks.reduce(
    (max, b) => (b.trials > max.trials ? b : max),
    benchmarks[0]!
  )
  if (compare.maxPairs !== undefined && mostTrials && compare.maxPairs < mostTrials.trials) {
    issues.push(
      issue(
        ['compare', 'max-pairs'],
        `expected at least the trials of every benchmark (the first look comes after \`trials\` pairs): ` +
          `${JSON.stringify(mostTrials.name)} has ${mostTrials.trials}, got ${compare.maxPairs}`
      )
    )
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return { file: configPath, dir, setup: raw.setup, compare, benchmarks }
}

/** The run-wide gate, threshold and alpha (each benchmark may override them). */
function parseGlobalSettings(
  raw: RawConfig['compare'],
  issues: ConfigIssue[],
  issue: MakeIssue,
  unit: <T>(parsed: Parsed<T>, field: FieldPath, value: unknown, fallback: T) => T
): { gate: MetricName[] | undefined; threshold: number; alpha: number } {
  let gate: MetricName[] | undefined
  if (raw?.gate) {
    gate = []
    raw.gate.forEach((name, i) => {
      if (isMetricName(name)) {
        gate!.push(name)
        return
      }
      const suggestion = closest(name, METRIC_NAMES)
      issues.push(
        issue(
          ['compare', 'gate', i],
          `unknown metric ${JSON.stringify(name)}; ` +
            (suggestion ? `did you mean "${suggestion}"? ` : '') +
            `expected one of: ${METRIC_NAMES.join(', ')}`
        )
      )
    })
  }
  const threshold =
    raw?.threshold === undefined
      ? defaults.DEFAULT_THRESHOLD
      : unit(parsePercent(raw.threshold), ['compare', 'threshold'], raw.threshold, 0)
  return { gate, threshold, alpha: raw?.alpha ?? defaults.DEFAULT_ALPHA }
}

const BUDGET_EXAMPLES = {
  duration: '"<= 50ms"',
  bytes: '"<= 300MB"',
  rate: '">= 1000"',
  count: '"<= 0"',
  share: '"<= 80%"'
} as const

const COMPARATOR = /^\s*(<=|>=|<|>)?\s*(.*?)\s*$/

/** Parses a budget such as `50ms`, `"<= 50ms"`, `">= 4000"`, `300MB` or `0`. */
export function parseBudget(metric: MetricName, value: string | number): Parsed<Budget> {
  const info = METRICS[metric]
  const match = COMPARATOR.exec(String(value))!
  const comparator = (match[1] as Comparator | undefined) ?? (info.higherIsBetter ? '>=' : '<=')
  const body = match[2]!
  let limit: Parsed<number>
  switch (info.unit) {
    case 'duration':
      limit = parseDuration(body)
      break
    case 'bytes':
      limit = parseSize(body)
      break
    case 'share':
      limit = parsePercent(body)
      break
    case 'rate':
    case 'count': {
      const n = Number(body)
      limit =
        body !== '' && Number.isFinite(n) && n >= 0
          ? { ok: true, value: n }
          : { ok: false, expected: 'a number' }
      break
    }
  }
  if (!limit.ok) {
    const example = BUDGET_EXAMPLES[info.unit]
    return {
      ok: false,
      expected: `${limit.expected}, optionally after a comparator such as ${example}`
    }
  }
  return {
    ok: true,
    value: { metric, comparator, limit: limit.value, source: String(value).trim() }
  }
}

/** Turns ajv's errors into messages that speak of the config, not of "instances". */
function schemaIssues(errors: ErrorObject[], issue: MakeIssue): ConfigIssue[] {
  const out: ConfigIssue[] = []
  const seen = new Set<string>()
  for (const error of errors) {
    const field = error.instancePath
      .split('/')
      .slice(1)
      .map((part) =>
        /^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')
      )
    let made: ConfigIssue
    switch (error.keyword) {
      case 'additionalProperties': {
        const name = String(error.params.additionalProperty)
        const allowed = Object.keys(
          (error.parentSchema as { properties?: Record<string, unknown> }).properties ?? {}
        ).filter((key) => key !== '$schema')
        const suggestion = closest(name, allowed)
        made = issue(
          [...field, name],
          `unknown field; ` +
            (suggestion ? `did you mean "${suggestion}"? ` : '') +
            `expected one of: ${allowed.join(', ')}`,
          { key: true }
        )
        break
      }
      case 'required':
        made = issue(field, `missing required field "${String(error.params.missingProperty)}"`)
        break
      case 'type': {
        const expected = String(error.params.type).replace(',', ' or ')
        const names: Record<string, string> = {
          object: 'a mapping',
          array: 'a list',
          integer: 'a whole number',
          number: 'a number',
          string: 'a string',
          'string or number': 'a string or number',
          'string or number or boolean': 'a string, number or boolean'
        }
        made = issue(
          field,
          `expected ${names[expected] ?? expected}, got ${describeValue(error.data)}`
        )
        break
      }
      case 'minimum':
        made = issue(
          field,
          `expected a whole number of at least ${String(error.params.limit)}, got ${describeValue(error.data)}`
        )
        break
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const bounds = error.parentSchema as {
          exclusiveMinimum?: number
          exclusiveMaximum?: number
        }
        const expected =
          bounds.exclusiveMinimum !== undefined && bounds.exclusiveMaximum !== undefined
            ? `a number between ${bounds.exclusiveMinimum} and ${bounds.exclusiveMaximum} (exclusive)`
            : `a number above ${bounds.exclusiveMinimum}`
        made = issue(field, `expected ${expected}, got ${describeValue(error.data)}`)
        break
      }
      case 'enum':
        made = issue(
          field,
          `expected one of: ${(error.params.allowedValues as unknown[]).join(', ')}; got ${describeValue(error.data)}`
        )
        break
      case 'minItems':
        made = issue(field, `expected a non-empty list`)
        break
      case 'minLength':
        made = issue(field, `expected a non-empty string`)
        break
      default:
        made = issue(field, error.message ?? 'invalid value')
    }
    const key = `${made.field}\u0000${made.message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(made)
    }
  }
  return out
}

/** Offset of the node at `field` (or of its key), for line and column in messages. */
function locate(doc: Document, field: FieldPath, key: boolean): number | undefined {
  if (field.length === 0) return doc.contents?.range?.[0]
  if (key) {
    const parent = doc.getIn(field.slice(0, -1), true)
    const name = field[field.length - 1]
    if (isMap(parent)) {
      const pair = parent.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === name
      )
      if (pair && isScalar(pair.key)) return pair.key.range?.[0]
    }
  }
  for (let depth = field.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(field.slice(0, depth), true)
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range) return range[0]
  }
  return undefined
}
