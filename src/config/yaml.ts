/**
 * Step one of parsing: YAML text → plain value, with positions kept for messages. Every
 * YAML warning is an error (an unknown tag such as `!include` would otherwise be dropped
 * silently), and aliases may be reused freely as long as the expanded config stays within
 * MAX_CONFIG_VALUES, so an alias bomb is refused before it expands.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type YAMLError
} from 'yaml'
import { MAX_CONFIG_LENGTH, MAX_CONFIG_VALUES } from './defaults.js'
import { ConfigError, quote } from './errors.js'
import type { FieldPath, Locate } from './issues.js'

export interface LoadedYaml {
  /** The document as plain data (null for an empty file). */
  readonly value: unknown
  readonly locate: Locate
}

/** Parses YAML text; throws ConfigError for invalid YAML, unknown tags or alias bombs. */
export function loadYaml(text: string, file: string): LoadedYaml {
  if (text.length > MAX_CONFIG_LENGTH) {
    throw new ConfigError([
      {
        file,
        line: undefined,
        column: undefined,
        field: '',
        message: `the config is ${text.length} characters long; expected at most ${MAX_CONFIG_LENGTH}`
      }
    ])
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // YAML 1.1 tags (!!binary, !!timestamp, !!set…) are unknown tags here, so errors.
    resolveKnownTags: false
  })
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  const problems = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0])
  if (problems.length > 0) {
    throw new ConfigError(
      problems.map((problem) => ({
        file,
        ...at(problem.pos[0]),
        field: '',
        message: yamlMessage(problem)
      }))
    )
  }
  const expansion = checkExpansion(doc)
  if (expansion) {
    throw new ConfigError([
      { file, ...at(expansion.offset), field: '', message: expansion.message }
    ])
  }
  return {
    // Aliases are bounded by checkExpansion (yaml's own check counts reuses, not size).
    value: doc.toJS({ maxAliasCount: -1 }),
    locate: (field, key) => {
      const offset = locate(doc, field, key)
      return offset === undefined ? undefined : at(offset)
    }
  }
}

function yamlMessage(problem: YAMLError): string {
  const first = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '')
  if (problem.code === 'TAG_RESOLVE_FAILED') {
    const tag = first.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!')
    return `unsupported YAML tag ${quote(tag)}; expected plain values (a config has no includes or custom tags)`
  }
  if (problem.code === 'MULTIPLE_DOCS') {
    return 'the file holds more than one YAML document (a second "---"); expected one'
  }
  // yaml reports its own stack overflow on deeply nested input as an error.
  if (/Maximum call stack size exceeded/.test(first)) {
    return 'invalid YAML: nested too deeply; expected a config a few levels deep'
  }
  return `invalid YAML: ${first}`
}

/**
 * Counts the values the document holds once aliases are expanded (each anchored node is
 * counted once and reused, so this is linear in the text). Undefined when within bounds.
 */
function checkExpansion(doc: Document): { offset: number; message: string } | undefined {
  const sizes = new Map<unknown, number>()
  const open = new Set<unknown>()
  let firstAlias: number | undefined
  let problem: { offset: number; message: string } | undefined
  const size = (node: unknown): number => {
    if (problem) return 0
    if (isAlias(node)) {
      firstAlias ??= node.range?.[0]
      const target = node.resolve(doc)
      if (open.has(target)) {
        problem = {
          offset: node.range?.[0] ?? 0,
          message: `YAML alias *${node.source} is inside the value it names; expected no recursive aliases`
        }
        return 0
      }
      if (target === undefined) {
        // toJS would throw a ReferenceError: an internal error instead of this message.
        problem = {
          offset: node.range?.[0] ?? 0,
          message: `YAML alias *${node.source} has no anchor &${node.source} before it; expected an anchor set before its aliases`
        }
        return 0
      }
      return size(target)
    }
    if (!isMap(node) && !isSeq(node)) return 1
    const known = sizes.get(node)
    if (known !== undefined) return known
    let total = 1
    open.add(node)
    for (const item of node.items) {
      total += isPair(item) ? size(item.key) + size(item.value) : size(item)
    }
    open.delete(node)
    sizes.set(node, total)
    return total
  }
  const total = size(doc.contents)
  if (problem) return problem
  if (total > MAX_CONFIG_VALUES) {
    return {
      offset: firstAlias ?? 0,
      message:
        `YAML aliases expand the config to ${total > 1e15 ? 'over 10^15' : total} values; ` +
        `expected at most ${MAX_CONFIG_VALUES} (is it an alias bomb?)`
    }
  }
  return undefined
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
