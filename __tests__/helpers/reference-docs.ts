/**
 * Checks that keep the references in docs/ complete: every config field of the JSON Schema,
 * every metric, every command and flag of the CLI's usage text and every input and output of
 * action.yml must be documented. Pure functions over text and objects, so the tests can run
 * them on in-memory samples as well as on the real files.
 */

/** A part of a markdown document under one heading (the text before the first is level 0). */
export interface Section {
  readonly heading: string
  readonly level: number
  /** The section's lines up to the next heading of any level, fenced code blocks blanked. */
  readonly prose: string
}

/** The document's sections; fenced code blocks are left out, so `#` comments are no headings. */
export function sections(markdown: string): Section[] {
  const found: { heading: string; level: number; lines: string[] }[] = [
    { heading: '', level: 0, lines: [] }
  ]
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined
      continue
    }
    if (fence !== undefined) continue
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) found.push({ heading: heading[2]!, level: heading[1]!.length, lines: [] })
    else found.at(-1)!.lines.push(line)
  }
  return found.map(({ heading, level, lines }) => ({ heading, level, prose: lines.join('\n') }))
}

/** The text of every inline code span. */
export function codeSpans(text: string): string[] {
  // A span may wrap onto the next line of its paragraph.
  const joined = text.replace(/([^\n])\n(?=[^\n])/g, '$1 ')
  return [...joined.matchAll(/(`+)(?!`)(.+?)(?<!`)\1(?!`)/g)].map((m) => m[2]!.trim())
}

/** Code spans in the first cell of each table row (header and divider rows included). */
export function firstCellSpans(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\s*\|/.test(line))
    .flatMap((line) => codeSpans(line.replace(/^\s*\|/, '').split(/(?<!\\)\|/)[0]!))
}

/** The slice of a JSON Schema this check reads. */
export interface SchemaNode {
  readonly type?: string | readonly string[]
  readonly properties?: Readonly<Record<string, SchemaNode>>
  readonly items?: SchemaNode
  readonly $ref?: string
  readonly definitions?: Readonly<Record<string, SchemaNode>>
}

/** A field of the config, by its path as the docs write it (`benchmarks[].http.load.rate`). */
export interface ConfigField {
  readonly path: string
  /** A pure container (an object of named fields): documented through its fields. */
  readonly container: boolean
}

/** Every field of the config schema, `$ref`s followed, arrays written `name[]`. */
export function configFields(schema: SchemaNode): ConfigField[] {
  const resolve = (node: SchemaNode): SchemaNode => {
    if (node.$ref === undefined) return node
    const name = /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1]
    const target = name === undefined ? undefined : schema.definitions?.[name]
    if (!target) throw new Error(`unresolved $ref ${node.$ref}`)
    return resolve(target)
  }
  const fields: ConfigField[] = []
  const visit = (node: SchemaNode, path: string): void => {
    const resolved = resolve(node)
    const types = [resolved.type ?? []].flat()
    // An array of objects is written `name[]` and its fields `name[].field`; an array of
    // values (`compare.gate`) is one field.
    const isArray =
      types.includes('array') &&
      resolved.items !== undefined &&
      resolve(resolved.items).properties !== undefined
    const here = isArray ? `${path}[]` : path
    const container = types.length === 1 && types[0] === 'object' && !!resolved.properties
    if (path !== '') fields.push({ path: here, container })
    const children = isArray ? resolve(resolved.items!).properties : resolved.properties
    for (const [name, child] of Object.entries(children ?? {})) {
      visit(child, here === '' ? name : `${here}.${name}`)
    }
  }
  visit(schema, '')
  return fields
}

/** The first-cell code spans of every table in the document, split at ", " lists. */
function documentedPaths(markdown: string): Set<string> {
  const spans = sections(markdown).flatMap((section) => firstCellSpans(section.prose))
  return new Set(spans)
}

/**
 * Config fields the reference lacks: each field that is not a pure container must be the
 * first cell (in code) of a row of one of the document's tables.
 */
export function missingConfigFields(schema: SchemaNode, markdown: string): string[] {
  const documented = documentedPaths(markdown)
  return configFields(schema)
    .filter((field) => !field.container && !documented.has(field.path))
    .map((field) => field.path)
}

/**
 * Rows of the reference that name no field of the schema: a first cell in code that starts
 * like a config path (a top-level field, then `.` or `[`) but is not one. Bare names that
 * are top-level fields are checked too; other cells (metric names, bounds) are left alone.
 */
export function unknownConfigFields(schema: SchemaNode, markdown: string): string[] {
  const fields = new Set(configFields(schema).map((field) => field.path))
  const topLevel = new Set(Object.keys(schema.properties ?? {}))
  return [...documentedPaths(markdown)].filter((span) => {
    const head = /^\$?[\w-]+/.exec(span)?.[0]
    if (head === undefined || !topLevel.has(head) || span === head) return false
    return /^[.[]/.test(span.slice(head.length)) && !fields.has(span)
  })
}

/**
 * The metrics of each kind that the kind's section ("## Function benchmarks", …) does not
 * name in code.
 */
export function missingMetrics(
  metricsByKind: Readonly<Record<string, readonly string[]>>,
  markdown: string
): string[] {
  const all = sections(markdown)
  return Object.entries(metricsByKind).flatMap(([kind, metrics]) => {
    const section = all.find((s) => s.level === 2 && s.heading.toLowerCase().startsWith(kind))
    if (!section) return [`${kind}: no "## ${kind} …" section`]
    const named = new Set(codeSpans(section.prose))
    return metrics.filter((m) => !named.has(m)).map((m) => `${kind}: ${m}`)
  })
}

/** A command of the usage text with its flags (`--config`, …). */
export interface UsageCommand {
  readonly name: string
  readonly flags: readonly string[]
}

/**
 * The commands and flags of the CLI's usage text: from the first line starting with
 * `perfgate <command>` to the first blank line after it, continuation lines belonging to
 * the command above. `perfgate --version | --help` is the command `''`.
 */
export function usageCommands(usage: string): UsageCommand[] {
  const commands: { name: string; flags: string[] }[] = []
  let started = false
  for (const line of usage.split('\n')) {
    const command = /^\s*perfgate\s+(?:([a-z][\w-]*)\b)?/.exec(line)
    if (command && !/^\s*perfgate\s+\d/.test(line)) {
      started = true
      commands.push({ name: command[1] ?? '', flags: [] })
    } else if (started && line.trim() === '') {
      break
    } else if (!started) {
      continue
    }
    const current = commands.at(-1)!
    for (const flag of line.matchAll(/(?<![\w-])--[a-z][\w-]*/g)) {
      if (!current.flags.includes(flag[0])) current.flags.push(flag[0])
    }
  }
  return commands
}

/**
 * What the CLI reference lacks: each command needs a section whose heading names
 * `perfgate <command>`, and each of its flags must appear as a word of a code span
 * (`--flag`, `--flag <value>`, `perfgate run --flag`) in that section's prose, outside code blocks (a copied usage block
 * is not an explanation). Global flags may be explained anywhere.
 */
export function missingCliReferences(usage: string, markdown: string): string[] {
  const all = sections(markdown)
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const explains = (prose: string, flag: string) => {
    const word = new RegExp(`(^|\\s)${escape(flag)}(\\s|=|$)`)
    return codeSpans(prose).some((span) => word.test(span))
  }
  return usageCommands(usage).flatMap(({ name, flags }) => {
    if (name === '') {
      const prose = all.map((s) => s.prose).join('\n')
      return flags.filter((flag) => !explains(prose, flag)).map((flag) => `perfgate ${flag}`)
    }
    const mine = all.filter((s) => new RegExp(`\\bperfgate ${name}\\b`).test(s.heading))
    if (mine.length === 0) return [`perfgate ${name}: no section`]
    const prose = mine.map((s) => s.prose).join('\n')
    return flags.filter((flag) => !explains(prose, flag)).map((flag) => `perfgate ${name} ${flag}`)
  })
}

/** The slice of action.yml this check reads. */
export interface ActionMetadata {
  readonly inputs: Readonly<Record<string, { readonly default?: string }>>
  readonly outputs: Readonly<Record<string, unknown>>
}

/** The rows of the first table under the level-2 heading `title`: cells, unformatted. */
function tableRows(markdown: string, title: string): string[][] {
  const section = sections(markdown).find((s) => s.level === 2 && s.heading === title)
  if (!section) return []
  return section.prose
    .split('\n')
    .filter((line) => /^\s*\|/.test(line) && !/^\s*\|\s*-/.test(line))
    .slice(1)
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
    )
}

/** How the reference writes an input's default: in code, `github.token` for the token. */
function documentedDefault(value: string): string | undefined {
  if (value === '') return undefined
  return value.replace(/^\$\{\{\s*(.*?)\s*\}\}$/, '$1')
}

/**
 * What docs/action.md gets wrong about action.yml: inputs and outputs missing from the
 * "## Inputs" and "## Outputs" tables, rows naming ones that do not exist, and inputs whose
 * default cell differs from action.yml (an empty default must not be shown as a value).
 */
export function actionReferenceProblems(action: ActionMetadata, markdown: string): string[] {
  const problems: string[] = []
  const check = (kind: 'input' | 'output', title: string, names: string[]) => {
    const rows = tableRows(markdown, title)
    if (rows.length === 0) return void problems.push(`no "## ${title}" table`)
    const documented = new Map<string, string[]>()
    for (const row of rows) for (const name of codeSpans(row[0] ?? '')) documented.set(name, row)
    for (const name of names) if (!documented.has(name)) problems.push(`${kind} ${name}: missing`)
    for (const name of documented.keys()) {
      if (!names.includes(name)) problems.push(`${kind} ${name}: not in action.yml`)
    }
    if (kind !== 'input') return
    for (const name of names) {
      const row = documented.get(name)
      if (!row) continue
      const expected = documentedDefault(action.inputs[name]?.default ?? '')
      const shown = codeSpans(row[1] ?? '')
      if (expected === undefined ? shown.length > 0 : shown[0] !== expected) {
        problems.push(
          `input ${name}: default shown as ${JSON.stringify(row[1])}, action.yml says ${JSON.stringify(action.inputs[name]?.default ?? '')}`
        )
      }
    }
  }
  check('input', 'Inputs', Object.keys(action.inputs))
  check('output', 'Outputs', Object.keys(action.outputs))
  return problems
}
