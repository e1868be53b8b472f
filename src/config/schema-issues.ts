/** Step two of parsing: ajv's errors as messages that speak of the config, not of "instances". */
import type { ErrorObject } from 'ajv'
import { closest, describeValue, type ConfigIssue } from './errors.js'
import type { Issues } from './issues.js'

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'mapping',
  array: 'list',
  integer: 'whole number',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  null: 'nothing'
}

/** "a string", "a string or number", "a string, number or boolean": any number of types. */
export function describeTypes(types: readonly string[]): string {
  const names = types.map((type) => TYPE_NAMES[type] ?? type)
  const listed =
    names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
  return `a ${listed}`
}

/** The JSON Schema `type` of a schema node, as a list. */
function typesOf(schema: unknown): string[] {
  const type = (schema as { type?: string | string[] } | undefined)?.type
  return type === undefined ? [] : Array.isArray(type) ? type : [type]
}

/** One issue per distinct problem ajv found, each at its field's position. */
export function schemaIssues(errors: readonly ErrorObject[], issues: Issues): ConfigIssue[] {
  const out: ConfigIssue[] = []
  const seen = new Set<string>()
  for (const error of errors) {
    const made = schemaIssue(error, issues)
    const key = `${made.field}\u0000${made.message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(made)
    }
  }
  return out
}

function schemaIssue(error: ErrorObject, issues: Issues): ConfigIssue {
  const field = error.instancePath
    .split('/')
    .slice(1)
    .map((part) =>
      /^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')
    )
  const got = describeValue(error.data)
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty)
      const allowed = Object.keys(
        (error.parentSchema as { properties?: Record<string, unknown> }).properties ?? {}
      ).filter((key) => key !== '$schema')
      const suggestion = closest(name, allowed)
      return issues.make(
        [...field, name],
        `unknown field; ` +
          (suggestion ? `did you mean "${suggestion}"? ` : '') +
          `expected one of: ${allowed.join(', ')}`,
        { key: true }
      )
    }
    case 'required':
      return issues.make(field, `missing required field "${String(error.params.missingProperty)}"`)
    case 'type': {
      const types = Array.isArray(error.params.type)
        ? (error.params.type as string[])
        : String(error.params.type).split(',')
      return issues.make(field, `expected ${describeTypes(types)}, got ${got}`)
    }
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most'
      const what = describeTypes(typesOf(error.parentSchema))
      return issues.make(
        field,
        `expected ${what} of ${bound} ${String(error.params.limit)}, got ${got}`
      )
    }
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
      return issues.make(field, `expected ${expected}, got ${got}`)
    }
    case 'enum':
      return issues.make(
        field,
        `expected one of: ${(error.params.allowedValues as unknown[]).join(', ')}; got ${got}`
      )
    case 'minItems':
      return issues.make(field, `expected a non-empty list`)
    case 'minLength':
      return issues.make(field, `expected a non-empty string`)
    case 'maxLength':
      return issues.make(
        field,
        `expected at most ${String(error.params.limit)} characters, got ${[...(error.data as string)].length}`
      )
    default:
      return issues.make(field, error.message ?? 'invalid value')
  }
}
