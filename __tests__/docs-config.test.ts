// The references in docs/ cannot drift from the code: every config field of the schema and
// every metric is in docs/config.md, every input and output of action.yml in docs/action.md
// (with action.yml's defaults). The CLI's usage text is checked against docs/cli.md in
// docs-cli.int.test.ts (it runs the CLI); its checker is tested here on samples.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { CONFIG_SCHEMA } from '../src/config/schema.js'
import { metricsOf, type BenchmarkKind } from '../src/metrics.js'
import {
  actionReferenceProblems,
  configFields,
  missingCliReferences,
  missingConfigFields,
  missingMetrics,
  unknownConfigFields,
  usageCommands,
  type ActionMetadata,
  type SchemaNode
} from './helpers/reference-docs.js'

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
const KINDS: BenchmarkKind[] = ['function', 'command', 'http']

describe('docs/config.md', () => {
  const doc = read('docs/config.md')
  const schema = CONFIG_SCHEMA as unknown as SchemaNode

  it('has a row for every field of the schema', () => {
    expect(configFields(schema).map((f) => f.path)).toContain('benchmarks[].http.load.rate')
    expect(missingConfigFields(schema, doc)).toEqual([])
  })

  it('has no row for a field the schema lacks', () => {
    expect(unknownConfigFields(schema, doc)).toEqual([])
  })

  it("names every metric in its kind's section", () => {
    const metrics = Object.fromEntries(KINDS.map((kind) => [kind, metricsOf(kind)]))
    expect(missingMetrics(metrics, doc)).toEqual([])
  })
})

describe('docs/action.md', () => {
  it("documents every input (with action.yml's default) and output", () => {
    const action = parse(read('action.yml')) as ActionMetadata
    expect(Object.keys(action.inputs)).toContain('config')
    expect(actionReferenceProblems(action, read('docs/action.md'))).toEqual([])
  })
})

describe('the checkers, on samples', () => {
  const schema: SchemaNode = {
    type: 'object',
    properties: {
      trials: { type: 'integer' },
      compare: { type: 'object', properties: { gate: { $ref: '#/definitions/gate' } } },
      benchmarks: { type: 'array', items: { $ref: '#/definitions/benchmark' } }
    },
    definitions: {
      gate: { type: 'array' },
      benchmark: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          http: {
            type: 'object',
            properties: {
              ready: { type: ['string', 'object'], properties: { url: { type: 'string' } } }
            }
          }
        }
      }
    }
  }

  it('lists the fields of a schema, following $refs', () => {
    expect(configFields(schema)).toEqual([
      { path: 'trials', container: false },
      { path: 'compare', container: true },
      { path: 'compare.gate', container: false },
      { path: 'benchmarks[]', container: false },
      { path: 'benchmarks[].name', container: false },
      { path: 'benchmarks[].http', container: true },
      { path: 'benchmarks[].http.ready', container: false },
      { path: 'benchmarks[].http.ready.url', container: false }
    ])
  })

  it('finds the fields a reference lacks and the rows that name no field', () => {
    const doc = [
      '| field | default |',
      '| --- | --- |',
      '| `trials` | `10` |',
      '| `benchmarks[]`, `benchmarks[].name` | required |',
      '| `benchmarks[].http.ready` | required |',
      '| `compare.gates` | typo |',
      '| `p95` | a metric, not a field |',
      '',
      '```',
      '| `compare.gate` | in a code block: not documented |',
      '```',
      'Prose naming `benchmarks[].http.ready.url` is not a row.'
    ].join('\n')
    expect(missingConfigFields(schema, doc)).toEqual([
      'compare.gate',
      'benchmarks[].http.ready.url'
    ])
    expect(unknownConfigFields(schema, doc)).toEqual(['compare.gates'])
  })

  it("finds metrics missing from their kind's section", () => {
    const doc = '## Function benchmarks\n\n`p50`, `mean`\n\n## HTTP benchmarks\n\n`p50`, `rps`'
    expect(
      missingMetrics({ function: ['p50', 'ops'], http: ['rps'], command: ['wall'] }, doc)
    ).toEqual(['function: ops', 'command: no "## command …" section'])
  })

  const usage = [
    'perfgate 1.0 — benchmarks',
    '',
    'Usage:',
    '  perfgate run      [--config perfgate.yml] [--base <git-ref>]',
    '                    [--json]',
    '  perfgate history  [--dir <results dir>] [--json]',
    '  perfgate --version | --help',
    '',
    '--out takes - for standard output.'
  ].join('\n')

  it('reads the commands and flags of a usage text', () => {
    expect(usageCommands(usage)).toEqual([
      { name: 'run', flags: ['--config', '--base', '--json'] },
      { name: 'history', flags: ['--dir', '--json'] },
      { name: '', flags: ['--version', '--help'] }
    ])
  })

  it('finds commands and flags the CLI reference does not explain', () => {
    const doc = [
      '# CLI',
      '```',
      'perfgate run [--config perfgate.yml] [--base <git-ref>] [--json]',
      '```',
      '`perfgate --version` prints the version.',
      '## perfgate run',
      '- `--base <ref>` measures the merge-base; `--json` prints JSON.',
      '## perfgate history',
      'Mentions --dir without code, and `--json`.'
    ].join('\n')
    expect(missingCliReferences(usage, doc)).toEqual([
      'perfgate run --config',
      'perfgate history --dir',
      'perfgate --help'
    ])
    expect(missingCliReferences(usage, '# CLI\n`--version`, `--help`')).toEqual([
      'perfgate run: no section',
      'perfgate history: no section'
    ])
  })

  it('finds inputs and outputs missing from the action reference, and wrong defaults', () => {
    const action: ActionMetadata = {
      inputs: {
        token: { default: '${{ github.token }}' },
        mode: { default: 'auto' },
        shard: { default: '' },
        retention: { default: '' }
      },
      outputs: { verdict: {}, report: {} }
    }
    const doc = [
      '## Inputs',
      '',
      '| input | default | meaning |',
      '| --- | --- | --- |',
      '| `token` | `github.token` | the token |',
      '| `mode` | `measure` | wrong default |',
      '| `shard` | (none) | fine |',
      '| `retention` | `0` | shown as a value |',
      '| `colour` | `red` | not an input |',
      '',
      '## Outputs',
      '',
      '| output | meaning |',
      '| --- | --- |',
      '| `verdict`, `exit-code` | two in a row |'
    ].join('\n')
    expect(actionReferenceProblems(action, doc)).toEqual([
      'input colour: not in action.yml',
      'input mode: default shown as "`measure`", action.yml says "auto"',
      'input retention: default shown as "`0`", action.yml says ""',
      'output report: missing',
      'output exit-code: not in action.yml'
    ])
    expect(actionReferenceProblems(action, '# Action')).toEqual([
      'no "## Inputs" table',
      'no "## Outputs" table'
    ])
  })
})
