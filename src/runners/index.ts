/**
 * The real trial runner: one fresh process per trial, by benchmark kind; an A/B pair of a
 * function or HTTP benchmark measured together, interleaved (unless configured off). With
 * `measure: instructions` a trial is an instruction count (instructions/), base and head
 * of a pair counted at once; with `measure: both` every trial is timed and the first pair
 * of each look is counted too.
 */
import type { BenchmarkConfig } from '../config/types.js'
import { runCommandTrial } from './command/runner.js'
import { runFunctionPair, runFunctionTrial } from './function/runner.js'
import { HttpTrialRunner } from './http/runner.js'
import { InstructionCounter } from './instructions/index.js'
import { httpPairsInterleave, pairSides } from './interleave.js'
import type { Side, TrialOutcome, TrialRunner } from './types.js'

/** Whether trial `index` of a `measure: both` benchmark is counted: one per look. */
function countedInBoth(benchmark: BenchmarkConfig, index: number): boolean {
  return index % Math.max(1, benchmark.trials) === 0
}

/** A timed trial and a count as one outcome: the first failure, else both metrics. */
function joined(timed: TrialOutcome, counted: TrialOutcome): TrialOutcome {
  if (!counted.ok) return counted
  if (!timed.ok) return timed
  return {
    ok: true,
    metrics: { ...timed.metrics, ...counted.metrics },
    details: { ...timed.details, ...counted.details },
    durationMs: timed.durationMs + counted.durationMs
  }
}

/** A runner for a whole run (HTTP servers kept across trials live in it). */
export function createProcessTrialRunner(): TrialRunner {
  const http = new HttpTrialRunner()
  const counter = new InstructionCounter()
  const timeTrial = (benchmark: BenchmarkConfig): Promise<TrialOutcome> => {
    const spec = benchmark.spec
    switch (spec.kind) {
      case 'function':
        return runFunctionTrial(benchmark, spec)
      case 'command':
        return runCommandTrial(benchmark, spec)
      case 'http':
        return http.runTrial(benchmark, spec)
    }
  }
  const timePair = (
    pair: Readonly<Record<Side, BenchmarkConfig>>,
    first: Side
  ): Promise<Record<Side, TrialOutcome>> | undefined => {
    const base = pair.base.spec
    const head = pair.head.spec
    if (base.kind === 'function' && head.kind === 'function') {
      if (!base.interleave || !head.interleave) return undefined
      return runFunctionPair(pairSides(pair, base, head), first)
    }
    if (base.kind !== 'http' || head.kind !== 'http') return undefined
    if (!httpPairsInterleave(base, head)) return undefined
    return http.runPair(pairSides(pair, base, head), first)
  }
  return {
    async runTrial(benchmark, trialIndex) {
      const measure = benchmark.measure ?? 'time'
      if (measure === 'instructions') return counter.count(benchmark)
      const timed = await timeTrial(benchmark)
      if (measure === 'time' || !timed.ok || !countedInBoth(benchmark, trialIndex)) return timed
      return joined(timed, await counter.count(benchmark))
    },
    runPair(pair, first, pairIndex) {
      const measure = pair.head.measure ?? 'time'
      if (measure === 'instructions') return counter.countPair(pair)
      const timed = timePair(pair, first)
      if (!timed || measure === 'time' || !countedInBoth(pair.head, pairIndex)) return timed
      return timed.then(async (times) => {
        if (!times.base.ok || !times.head.ok) return times
        const counts = await counter.countPair(pair)
        return { base: joined(times.base, counts.base), head: joined(times.head, counts.head) }
      })
    },
    release(benchmark) {
      return http.release(benchmark)
    }
  }
}
