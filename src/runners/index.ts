/** The real trial runner: one fresh process per trial, by benchmark kind. */
import { runCommandTrial } from './command/runner.js'
import { runFunctionTrial } from './function/runner.js'
import type { TrialRunner } from './types.js'

export const processTrialRunner: TrialRunner = {
  runTrial(benchmark) {
    const spec = benchmark.spec
    return spec.kind === 'function'
      ? runFunctionTrial(benchmark, spec)
      : runCommandTrial(benchmark, spec)
  }
}
