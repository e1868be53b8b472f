// The run use case with a scripted runner: results handed out after each benchmark, an
// interrupted run's file says what is missing, and one outcome rule for every caller.
import { judge } from '../src/app/judge.js'
import { EXIT, outcomeOf } from '../src/app/outcome.js'
import { RequestError } from '../src/app/requests.js'
import { compareStored, runBenchmarks } from '../src/app/run.js'
import { buildReport } from '../src/report/model.js'
import { parseResults, serializeResults } from '../src/results/format.js'
import type { Results } from '../src/results/types.js'
import { commandSuite, failedTrial, okTrial, scriptedRunner } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const dir = scratchDir('perfgate-app-')
const silent = { write: () => true }

describe('runBenchmarks', () => {
  it('hands out valid partial results after each benchmark, marked incomplete until the last', async () => {
    const config = commandSuite(dir, ['a', 'b', 'c'])
    const runner = scriptedRunner({
      a: () => okTrial(10),
      b: () => okTrial(20),
      c: () => okTrial(30)
    })
    const partials: Results[] = []
    const results = await runBenchmarks(
      { config, baseline: { kind: 'none' }, seed: 1, setupHead: false },
      { runner, log: silent, onPartial: (p) => partials.push(p) }
    )
    expect(partials.map((p) => [p.benchmarks.length, p.incomplete?.missing])).toEqual([
      [1, ['b', 'c']],
      [2, ['c']],
      [3, undefined]
    ])
    for (const p of partials) {
      expect(parseResults(serializeResults(p), 'partial.json')).toEqual(p)
    }
    expect(results.comparison?.counts.budgetsPassed).toBe(3)
    expect(outcomeOf(results)).toEqual({ exitCode: EXIT.passed, verdict: 'pass', reasons: [] })
  })

  it('keeps what was measured when the run dies, and the report names what is missing', async () => {
    const config = commandSuite(dir, ['a', 'b', 'c'])
    const runner = scriptedRunner({
      a: () => okTrial(10),
      b: () => {
        throw new Error('perfgate crashed')
      },
      c: () => okTrial(30)
    })
    let last: Results | undefined
    await expect(
      runBenchmarks(
        { config, baseline: { kind: 'none' }, seed: 1, setupHead: false },
        { runner, log: silent, onPartial: (p) => (last = p) }
      )
    ).rejects.toThrow('perfgate crashed')
    const file = parseResults(serializeResults(last!), 'results.json')
    expect(file.incomplete).toEqual({ total: 3, missing: ['b', 'c'] })
    const judged = judge(file)
    expect(outcomeOf(judged)).toEqual({
      exitCode: EXIT.runtime,
      verdict: 'error',
      reasons: ['incomplete results: 2 of 3 benchmarks not measured']
    })
    const notes = buildReport(judged, judged.comparison!).notes
    expect(notes).toContainEqual({
      benchmark: 'b',
      text: 'was not measured: the run stopped before reaching it.'
    })
  })

  it('applies the fail-on override and the filter; a filter matching nothing is a request error', async () => {
    const config = commandSuite(dir, ['fast', 'slow'])
    const runner = scriptedRunner({ fast: () => okTrial(5), slow: () => okTrial(5000) })
    const over = await runBenchmarks(
      { config, baseline: { kind: 'none' }, seed: 1, setupHead: false, filter: /slow/ },
      { runner, log: silent }
    )
    expect(over.benchmarks.map((b) => b.name)).toEqual(['slow'])
    expect(outcomeOf(over).exitCode).toBe(EXIT.gateFailed)
    const ignored = await runBenchmarks(
      { config, baseline: { kind: 'none' }, seed: 1, setupHead: false, failOn: 'none' },
      { runner, log: silent }
    )
    expect(outcomeOf(ignored).exitCode).toBe(EXIT.passed)
    await expect(
      runBenchmarks(
        { config, baseline: { kind: 'none' }, seed: 1, setupHead: false, filter: /nothing/ },
        { runner, log: silent }
      )
    ).rejects.toThrow(RequestError)
  })
})

describe('one outcome for every caller', () => {
  it('judges errored results the same from memory (auto mode) and from a file (comment mode)', async () => {
    const config = commandSuite(dir, ['ok', 'broken'])
    const runner = scriptedRunner({ ok: () => okTrial(10), broken: () => failedTrial('exit 1') })
    const stored = await runBenchmarks(
      { config, baseline: { kind: 'none' }, seed: 3, setupHead: false },
      { runner, log: silent }
    )
    const measured = await runBenchmarks(
      {
        config,
        baseline: { kind: 'stored', results: stored, source: 'base.json' },
        seed: 4,
        setupHead: false
      },
      { runner, log: silent }
    )
    const inMemory = outcomeOf(measured)
    expect(inMemory).toEqual({
      exitCode: EXIT.runtime,
      verdict: 'error',
      reasons: ['1 benchmark could not be measured']
    })
    // An artifact of the measure job: its comparison is dropped and recomputed.
    const { comparison: _dropped, ...artifact } = parseResults(serializeResults(measured), 'a.json')
    expect(outcomeOf(judge(artifact))).toEqual(inMemory)
    expect(outcomeOf(compareStored(stored, measured, 'base.json'))).toEqual(inMemory)
  })

  it('puts a failed gate before errored benchmarks', async () => {
    const config = commandSuite(dir, ['slow', 'broken'])
    const runner = scriptedRunner({ slow: () => okTrial(5000), broken: () => failedTrial('boom') })
    const results = await runBenchmarks(
      { config, baseline: { kind: 'none' }, seed: 1, setupHead: false },
      { runner, log: silent }
    )
    const outcome = outcomeOf(results)
    expect(outcome.exitCode).toBe(EXIT.gateFailed)
    expect(outcome.verdict).toBe('fail')
    expect(outcome.reasons).toEqual(results.comparison!.gate.reasons)
  })
})
