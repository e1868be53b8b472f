import { renderStarterConfig } from '../src/config/starter.js'
import { parseConfig } from '../src/config/parse.js'
import { importedHarnesses } from '../src/runners/function/harness/detect.js'

describe('importedHarnesses', () => {
  it('reads import, dynamic import and require specifiers', () => {
    expect(importedHarnesses("import { Bench } from 'tinybench'")).toEqual(['tinybench'])
    expect(importedHarnesses('import * as m from "mitata"')).toEqual(['mitata'])
    expect(importedHarnesses("const Benchmark = require('benchmark')")).toEqual(['benchmark.js'])
    expect(importedHarnesses("const { bench } = await import('perfgate')")).toEqual(['perfgate'])
  })

  it('counts vitest only when its bench API is imported', () => {
    expect(importedHarnesses("import { bench, describe } from 'vitest'")).toEqual(['vitest'])
    expect(importedHarnesses("import { expect, it } from 'vitest'")).toEqual([])
  })

  it('ignores packages whose names merely contain a harness name', () => {
    expect(importedHarnesses("import x from 'tinybench-plugin'\nimport 'benchmarks'")).toEqual([])
  })
})

describe('renderStarterConfig', () => {
  it('writes a config that parses, with names, files, benches and times', () => {
    const text = renderStarterConfig([
      {
        name: 'a › "quoted"',
        file: 'bench/a.bench.ts',
        bench: 'a › "quoted"',
        harness: 'vitest',
        timeMs: 1500
      },
      { name: 'b', file: 'bench/b.bench.js', bench: 'b', harness: 'mitata', warmupMs: 0 }
    ])
    const config = parseConfig(text, '/repo/perfgate.yml', { fileExists: () => true })
    expect(config.benchmarks.map((b) => [b.name, b.spec])).toEqual([
      [
        'a › "quoted"',
        {
          kind: 'function',
          file: '/repo/bench/a.bench.ts',
          bench: 'a › "quoted"',
          timeMs: 1500,
          warmupMs: 100,
          interleave: true
        }
      ],
      [
        'b',
        {
          kind: 'function',
          file: '/repo/bench/b.bench.js',
          bench: 'b',
          timeMs: 500,
          warmupMs: 0,
          interleave: true
        }
      ]
    ])
  })
})

describe('function.harness', () => {
  const parse = (harness: string) =>
    parseConfig(
      `benchmarks:\n  - name: x\n    function: { file: x.bench.ts, harness: ${harness} }\n`,
      '/repo/perfgate.yml',
      { fileExists: () => true }
    )

  it('keeps a named harness and leaves auto out of the spec', () => {
    expect(parse('tinybench').benchmarks[0]!.spec).toMatchObject({ harness: 'tinybench' })
    expect(parse('auto').benchmarks[0]!.spec).not.toHaveProperty('harness')
  })

  it('rejects an unknown harness, naming the values', () => {
    expect(() => parse('jest')).toThrow(
      /harness.*perfgate, vitest, tinybench, mitata, benchmark\.js/s
    )
  })
})
