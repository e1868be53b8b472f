/**
 * Instruction counts of one benchmark, by kind (valgrind.ts says how a count is taken):
 * per call (function.ts), per run (command.ts), per request (http.ts). Base and head of a
 * pair are counted at the same time: a count does not depend on what else the machine
 * runs, so the pair may use every CPU.
 */
import { readFile } from 'node:fs/promises'
import type { BenchmarkConfig, FunctionSpec } from '../../config/types.js'
import { API_URL, HARNESS_URLS, workerNode } from '../../runtime-files.js'
import { shimsFor } from '../function/harness/loader.js'
import type { Side, TrialOutcome } from '../types.js'
import { countCommand } from './command.js'
import { bundleForCount, type CountBundle } from './bundle.js'
import { callsFor, startCountingWorker, type CountingWorker } from './function.js'
import { countHttp } from './http.js'
import { valgrindProblem } from './valgrind.js'

/**
 * Bundles for the sides' bench files (bundle.ts), index by index: one for every side, or
 * none and why when any of them cannot be bundled (the pair then loads through the loader
 * and module hooks on both sides, never one way on each).
 */
export async function pairBundles(
  sides: readonly { spec: FunctionSpec }[]
): Promise<{ bundles: (CountBundle | undefined)[]; reason?: string }> {
  const version = workerNode().version
  const results = await Promise.all(
    sides.map(async ({ spec }) => {
      // Which shims the bench's imports get, as the worker's hooks would choose them.
      const source = await readFile(spec.file, 'utf8').catch(() => '')
      const aliases = {
        perfgate: API_URL.href,
        ...Object.fromEntries(shimsFor(HARNESS_URLS, spec.harness, source))
      }
      return bundleForCount(spec.file, version, aliases)
    })
  )
  const bundles = results.map((result) => ('bundle' in result ? result.bundle : undefined))
  const refused = results.find((result) => 'reason' in result)
  if (refused === undefined) return { bundles }
  for (const bundle of bundles) bundle?.remove()
  return { bundles: [], reason: refused.reason }
}

/** A count's outcome noting why its bench was not bundled (results file: `details`). */
function notBundled(outcome: TrialOutcome, reason: string): TrialOutcome {
  return outcome.ok
    ? { ...outcome, details: { ...outcome.details, instructionNotBundled: reason } }
    : outcome
}

/** Counts instructions for a whole run (the calls a function's count makes are kept). */
export class InstructionCounter {
  /** Calls N per function benchmark, from its first count's probe, kept for the run. */
  readonly #calls = new Map<string, number>()

  /**
   * Counts function benchmarks' sides at once, N sized by the first side's probe (the
   * head's in a pair) unless the run already chose it; a side whose worker failed before
   * its probe leaves the others to size their own. The sides' benches are counted from
   * bundles, all of them or none, so that the two sides of a pair load the
   * same way (pairBundles); should a bundle fail to import, every side is counted again
   * through the loader.
   */
  async #countFunctions(
    sides: readonly { benchmark: BenchmarkConfig; spec: FunctionSpec }[]
  ): Promise<TrialOutcome[]> {
    const { bundles, reason } = await pairBundles(sides)
    const first = await this.#countWorkers(sides, bundles)
    const outcomes =
      first !== 'load failed' ? first : ((await this.#countWorkers(sides, [])) as TrialOutcome[])
    const why = first === 'load failed' ? 'the bundle failed to import' : reason
    return why === undefined ? outcomes : outcomes.map((outcome) => notBundled(outcome, why))
  }

  /** One attempt of #countFunctions; 'load failed' when a bundle failed to import. */
  async #countWorkers(
    sides: readonly { benchmark: BenchmarkConfig; spec: FunctionSpec }[],
    bundles: readonly (CountBundle | undefined)[]
  ): Promise<TrialOutcome[] | 'load failed'> {
    const workers: ReturnType<typeof startCountingWorker>[] = []
    try {
      sides.forEach(({ benchmark, spec }, i) => {
        workers.push(startCountingWorker(benchmark, spec, bundles[i]))
      })
      const name = sides[0]!.benchmark.name
      const probes = await Promise.all(
        workers.map((worker) => ('probe' in worker ? worker.probe : worker))
      )
      const bundled = bundles.some((bundle) => bundle !== undefined)
      if (bundled && workers.some((worker) => 'loadFailed' in worker && worker.loadFailed())) {
        return 'load failed'
      }
      const sized = probes.find((probe) => typeof probe === 'number')
      if (sized !== undefined && !this.#calls.has(name)) this.#calls.set(name, callsFor(sized))
      const calls = this.#calls.get(name)
      return await Promise.all(
        workers.map((worker, i) => {
          const probe = probes[i]!
          if (typeof probe !== 'number') return probe
          return (worker as CountingWorker).count(calls ?? callsFor(probe))
        })
      )
    } finally {
      await Promise.all(workers.map((worker) => ('close' in worker ? worker.close() : undefined)))
      for (const bundle of bundles) bundle?.remove()
    }
  }

  /** One side's count. */
  async count(benchmark: BenchmarkConfig): Promise<TrialOutcome> {
    const problem = valgrindProblem()
    if (problem) return { ok: false, message: problem, stderrTail: undefined, durationMs: 0 }
    const spec = benchmark.spec
    switch (spec.kind) {
      case 'function':
        return (await this.#countFunctions([{ benchmark, spec }]))[0]!
      case 'command':
        return countCommand(benchmark, spec)
      case 'http':
        return countHttp(benchmark, spec)
    }
  }

  /** Base and head counted at once; a function's calls N sized by the head's probe. */
  async countPair(
    pair: Readonly<Record<Side, BenchmarkConfig>>
  ): Promise<Record<Side, TrialOutcome>> {
    const { base, head } = pair
    if (base.spec.kind === 'function' && head.spec.kind === 'function' && !valgrindProblem()) {
      const [headCount, baseCount] = await this.#countFunctions([
        { benchmark: head, spec: head.spec },
        { benchmark: base, spec: base.spec }
      ])
      return { base: baseCount!, head: headCount! }
    }
    const [baseCount, headCount] = await Promise.all([this.count(base), this.count(head)])
    return { base: baseCount, head: headCount }
  }
}
