/**
 * The real trial runner: one fresh process per trial, by benchmark kind; an A/B pair of a
 * function or HTTP benchmark measured together, interleaved (unless configured off).
 */
import { runCommandTrial } from './command/runner.js'
import { runFunctionPair, runFunctionTrial } from './function/runner.js'
import { HttpTrialRunner } from './http/runner.js'
import { httpPairsInterleave, pairSides } from './interleave.js'
import type { TrialRunner } from './types.js'

/** A runner for a whole run (HTTP servers kept across trials live in it). */
export function createProcessTrialRunner(): TrialRunner {
  const http = new HttpTrialRunner()
  return {
    runTrial(benchmark) {
      const spec = benchmark.spec
      switch (spec.kind) {
        case 'function':
          return runFunctionTrial(benchmark, spec)
        case 'command':
          return runCommandTrial(benchmark, spec)
        case 'http':
          return http.runTrial(benchmark, spec)
      }
    },
    runPair(pair, first) {
      const base = pair.base.spec
      const head = pair.head.spec
      if (base.kind === 'function' && head.kind === 'function') {
        if (!base.interleave || !head.interleave) return undefined
        return runFunctionPair(pairSides(pair, base, head), first)
      }
      if (base.kind !== 'http' || head.kind !== 'http') return undefined
      if (!httpPairsInterleave(base, head)) return undefined
      return http.runPair(pairSides(pair, base, head), first)
    },
    release(benchmark) {
      return http.release(benchmark)
    }
  }
}
