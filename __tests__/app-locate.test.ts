// Where annotations point: the bench() call of a function benchmark in its bench file (a
// text scan that decodes string literals), else the benchmark's entry in perfgate.yml;
// paths relative to the repository root. Real files in a scratch directory.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { benchCallLine, benchCalls, locateBenchmarks, repositoryPath } from '../src/app/locate.js'
import { loadConfigFile } from '../src/app/files.js'
import { benchmarkEntryLines } from '../src/config/locate.js'
import { scratchDir } from './helpers/scratch.js'

const BENCH_FILE = [
  "import { bench } from 'perfgate'", //                      1
  '', //                                                        2
  "bench('plain', () => {})", //                               3
  'bench("double \\"quoted\\"", () => {})', //                4
  'bench(`back\\`tick`, () => {})', //                          5
  "  bench(  'it\\'s', () => {})", //                          6
  "bench('tab\\there \\u202e \\x41 \\u{1F600}', () => {})", // 7
  'bench(`template ${x}`, () => {})', //                       8
  "suite.add('via add', () => {})", //                          9
  "bench('multi\\", //                                          10
  "line', () => {})", //                                        11
  "bench('@team <b>|x| ::error::', () => {})", //              12
  "// bench('plain'", //                                        13
  "bench('unterminated, () => {})", //                          14
  "bench('last')" //                                             15
].join('\n')

describe('benchCalls', () => {
  it('finds every call with a constant name and decodes its escapes', () => {
    expect(benchCalls(BENCH_FILE)).toEqual([
      { name: 'plain', line: 3 },
      { name: 'double "quoted"', line: 4 },
      { name: 'back`tick', line: 5 },
      { name: "it's", line: 6 },
      { name: 'tab\there \u202e A \u{1F600}', line: 7 },
      { name: 'via add', line: 9 },
      { name: 'multiline', line: 10 },
      { name: '@team <b>|x| ::error::', line: 12 },
      { name: 'plain', line: 13 },
      { name: 'last', line: 15 }
    ])
  })

  it('takes the first call of a name, and a template with a substitution as no name', () => {
    expect(benchCallLine(BENCH_FILE, 'plain', 'other')).toBe(3)
    expect(benchCallLine(BENCH_FILE, undefined, "it's")).toBe(6)
    expect(benchCallLine(BENCH_FILE, undefined, 'template ${x}')).toBeUndefined()
    expect(benchCallLine(BENCH_FILE, 'missing', 'plain')).toBeUndefined()
  })

  it("falls back to a file's only call when the config names no bench", () => {
    expect(benchCallLine("\n\nbench('only one', f)", undefined, 'config name')).toBe(3)
    expect(benchCallLine("bench('a', f)\nbench('b', f)", undefined, 'config name')).toBe(undefined)
  })
})

describe('repositoryPath', () => {
  it('is relative with forward slashes, and undefined outside the root', () => {
    expect(repositoryPath('/repo', '/repo/bench/a.bench.js')).toBe('bench/a.bench.js')
    expect(repositoryPath('/repo', '/elsewhere/a.js')).toBeUndefined()
    expect(repositoryPath('/repo', '/repo')).toBeUndefined()
  })
})

describe('benchmarkEntryLines', () => {
  it('gives the line of each entry, and nothing for text that is no config', () => {
    const text = [
      'compare:',
      '  fail-on: both',
      'benchmarks:',
      '  - name: first',
      '    command:',
      '      run: "true"',
      '',
      '  - name: "second: quoted"',
      '    command: { run: "true" }'
    ].join('\n')
    expect([...benchmarkEntryLines(text, 'perfgate.yml')]).toEqual([
      ['first', 4],
      ['second: quoted', 8]
    ])
    expect(benchmarkEntryLines('benchmarks: [', 'perfgate.yml').size).toBe(0)
    expect(benchmarkEntryLines('just text', 'perfgate.yml').size).toBe(0)
  })
})

describe('locateBenchmarks', () => {
  it('points at bench() calls, else at the entry in perfgate.yml, relative to the root', () => {
    const root = scratchDir('perfgate-locate-')
    const project = path.join(root, 'packages', 'core')
    mkdirSync(path.join(project, 'bench'), { recursive: true })
    writeFileSync(path.join(project, 'bench', 'parse.bench.js'), BENCH_FILE)
    writeFileSync(path.join(project, 'bench', 'one.bench.js'), "\nbench('solo', () => {})\n")
    const yml = [
      'benchmarks:',
      '  - name: parse', //                                      2
      '    function: { file: bench/parse.bench.js, bench: "it\'s" }',
      '  - name: "double \\"quoted\\""', //                      4
      '    function: { file: bench/parse.bench.js }',
      '  - name: renamed', //                                    6
      '    function: { file: bench/parse.bench.js, bench: gone }',
      '  - name: the only one', //                               8
      '    function: { file: bench/one.bench.js }',
      '  - name: cli', //                                        10
      '    command: { run: "true" }'
    ].join('\n')
    writeFileSync(path.join(project, 'perfgate.yml'), yml)
    const config = loadConfigFile(project, undefined)
    const found = locateBenchmarks(config, root)
    expect(Object.fromEntries(found.locations)).toEqual({
      parse: { path: 'packages/core/bench/parse.bench.js', line: 6 },
      'double "quoted"': { path: 'packages/core/bench/parse.bench.js', line: 4 },
      renamed: { path: 'packages/core/perfgate.yml', line: 6 },
      'the only one': { path: 'packages/core/bench/one.bench.js', line: 2 },
      cli: { path: 'packages/core/perfgate.yml', line: 10 }
    })
    expect(found.fallback).toEqual({ path: 'packages/core/perfgate.yml', line: 1 })
  })

  it('finds the root reached through a symbolic link', () => {
    const root = scratchDir('perfgate-locate-real-')
    const link = path.join(scratchDir('perfgate-locate-link-'), 'repo')
    symlinkSync(root, link)
    writeFileSync(
      path.join(root, 'perfgate.yml'),
      'benchmarks:\n  - name: cli\n    command: { run: "true" }\n'
    )
    const found = locateBenchmarks(loadConfigFile(link, undefined), root)
    expect(found.locations.get('cli')).toEqual({ path: 'perfgate.yml', line: 2 })
  })

  it('places nothing outside the root', () => {
    const root = scratchDir('perfgate-locate-root-')
    const project = scratchDir('perfgate-locate-out-')
    writeFileSync(
      path.join(project, 'perfgate.yml'),
      'benchmarks:\n  - name: cli\n    command: { run: "true" }\n'
    )
    const found = locateBenchmarks(loadConfigFile(project, undefined), root)
    expect(found.locations.size).toBe(0)
    expect(found.fallback).toBeUndefined()
  })
})
