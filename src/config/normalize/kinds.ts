/** The three benchmark kinds: raw section → fully specified spec, paths made absolute. */
import path from 'node:path'
import * as defaults from '../defaults.js'
import { describeValue, UNPRINTABLE } from '../errors.js'
import type { FieldPath, Issues } from '../issues.js'
import type { RawCommand, RawFunction, RawHttp, RawRequest } from '../raw.js'
import type { CommandSpec, FunctionSpec, HttpRequestSpec, HttpSpec } from '../types.js'
import { optionalDuration, positiveDuration } from './durations.js'
import { checkHeaders, checkNoNul, checkOneLine, environment } from './text.js'

/** What the kinds need from outside: the config's folder and whether a file exists. */
export interface KindContext {
  /** Absolute folder of the config file; relative paths resolve against it. */
  readonly dir: string
  readonly fileExists: (absolutePath: string) => boolean
}

export function functionSpec(
  issues: Issues,
  raw: RawFunction,
  field: FieldPath,
  context: KindContext
): FunctionSpec {
  checkNoNul(issues, raw.file, [...field, 'file'])
  const file = path.resolve(context.dir, raw.file)
  if (!raw.file.includes('\u0000') && !context.fileExists(file)) {
    issues.add(
      [...field, 'file'],
      `bench file not found: ${file}; expected a path relative to the config file`
    )
  }
  if (raw.bench !== undefined) checkOneLine(issues, raw.bench, [...field, 'bench'])
  return {
    kind: 'function',
    file,
    bench: raw.bench,
    ...(raw.harness === undefined || raw.harness === 'auto' ? {} : { harness: raw.harness }),
    timeMs: positiveDuration(
      issues,
      raw.time,
      [...field, 'time'],
      defaults.DEFAULT_FUNCTION_TIME_MS
    ),
    warmupMs: optionalDuration(
      issues,
      raw.warmup,
      [...field, 'warmup'],
      defaults.DEFAULT_FUNCTION_WARMUP_MS
    ),
    interleave: raw.interleave ?? true
  }
}

export function commandSpec(
  issues: Issues,
  raw: RawCommand,
  field: FieldPath,
  context: KindContext
): CommandSpec {
  checkNoNul(issues, raw.run, [...field, 'run'])
  return {
    kind: 'command',
    run: raw.run,
    cwd: directory(issues, raw.cwd, [...field, 'cwd'], context),
    env: environment(issues, raw.env, [...field, 'env']),
    warmupRuns: raw.warmup ?? defaults.DEFAULT_COMMAND_WARMUP_RUNS
  }
}

/** An http benchmark's spec; URLs keep their {port} placeholder. */
export function httpSpec(
  issues: Issues,
  raw: RawHttp,
  field: FieldPath,
  context: KindContext
): HttpSpec {
  const { server } = raw
  const ready = typeof server.ready === 'string' ? { url: server.ready } : server.ready
  checkHttpUrl(issues, ready.url, [...field, 'server', 'ready'])
  checkNoNul(issues, server.command, [...field, 'server', 'command'])
  const requests = raw.requests.map((request, i) =>
    requestSpec(issues, request, [...field, 'requests', i])
  )
  checkOneOrigin(issues, requests, [...field, 'requests'])
  const load = raw.load ?? {}
  const at = (...rest: string[]): FieldPath => [...field, ...rest]
  return {
    kind: 'http',
    server: {
      command: server.command,
      cwd: directory(issues, server.cwd, at('server', 'cwd'), context),
      env: environment(issues, server.env, at('server', 'env')),
      readyUrl: ready.url,
      readyTimeoutMs: positiveDuration(
        issues,
        ready.timeout,
        at('server', 'ready', 'timeout'),
        defaults.DEFAULT_READY_TIMEOUT_MS
      ),
      restart: server.restart ?? defaults.DEFAULT_SERVER_RESTART
    },
    requests,
    load: {
      connections: load.connections ?? defaults.DEFAULT_HTTP_CONNECTIONS,
      durationMs: positiveDuration(
        issues,
        load.duration,
        at('load', 'duration'),
        defaults.DEFAULT_HTTP_DURATION_MS
      ),
      warmupMs: optionalDuration(
        issues,
        load.warmup,
        at('load', 'warmup'),
        defaults.DEFAULT_HTTP_WARMUP_MS
      ),
      pipelining: load.pipelining ?? 1,
      rate: load.rate,
      timeoutMs: positiveDuration(
        issues,
        load.timeout,
        at('load', 'timeout'),
        defaults.DEFAULT_HTTP_TIMEOUT_MS
      ),
      interleave: load.interleave ?? true,
      pin: load.pin ?? true
    }
  }
}

/** One request: method from the body, JSON bodies serialized with their content type. */
export function requestSpec(issues: Issues, raw: RawRequest, field: FieldPath): HttpRequestSpec {
  checkHttpUrl(issues, raw.url, [...field, 'url'])
  const json = raw.body !== undefined && typeof raw.body !== 'string'
  const headers: Record<string, string> = { ...(raw.headers ?? {}) }
  checkHeaders(issues, headers, [...field, 'headers'])
  if (json && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json'
  }
  return {
    url: raw.url,
    method: raw.method ?? (raw.body === undefined ? 'GET' : 'POST'),
    headers,
    body: raw.body === undefined ? undefined : json ? JSON.stringify(raw.body) : String(raw.body),
    weight: raw.weight ?? 1
  }
}

/** Parses a URL with its {port} placeholder filled in; undefined when it is not one. */
function parseUrl(url: string, port: string): URL | undefined {
  // The URL parser silently drops tabs and line breaks: refuse them (and spaces) instead.
  if (/\s/.test(url) || UNPRINTABLE.test(url)) return undefined
  try {
    return new URL(url.replaceAll('{port}', port))
  } catch {
    return undefined
  }
}

function checkHttpUrl(issues: Issues, url: string, field: FieldPath): void {
  if (parseUrl(url, '1')?.protocol !== 'http:') {
    issues.add(
      field,
      `expected an http:// URL such as "http://127.0.0.1:{port}/health", got ${describeValue(url)}`
    )
  }
}

/** All requests of a benchmark go to the one server it starts. */
function checkOneOrigin(
  issues: Issues,
  requests: readonly HttpRequestSpec[],
  field: FieldPath
): void {
  const origins = new Set<string>()
  for (const request of requests) {
    const url = parseUrl(request.url, '65535')
    if (url) origins.add(url.origin.replace(':65535', ':{port}'))
  }
  if (origins.size > 1) {
    issues.add(
      field,
      `requests go to ${origins.size} different hosts (${[...origins].join(', ')}); expected one server per benchmark`
    )
  }
}

/** A working directory relative to the config file, made absolute. */
function directory(
  issues: Issues,
  raw: string | undefined,
  field: FieldPath,
  context: KindContext
): string {
  if (raw !== undefined) checkNoNul(issues, raw, field)
  return path.resolve(context.dir, raw ?? '.')
}
