// A scripted TrialRunner: trials return what the test says, no process is started, so
// verdicts and outcomes can be asserted exactly.
import type { BenchmarkConfig, Config } from '../../src/config/types.js'
import { parseConfig } from '../../src/config/parse.js'
import type { TrialOutcome, TrialRunner } from '../../src/runners/types.js'

export type Script = Record<string, (trial: number) => TrialOutcome | Promise<TrialOutcome>>

export function scriptedRunner(script: Script): TrialRunner & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async runTrial(benchmark: BenchmarkConfig, trial: number) {
      calls.push(`${benchmark.name}#${trial}`)
      const step = script[benchmark.name]
      if (!step) throw new Error(`no script for ${benchmark.name}`)
      return step(trial)
    }
  }
}

export const okTrial = (wall: number): TrialOutcome => ({
  ok: true,
  metrics: { wall },
  details: {},
  durationMs: wall
})

export const failedTrial = (message: string): TrialOutcome => ({
  ok: false,
  message,
  stderrTail: undefined,
  durationMs: 1
})

/** A validated config of command benchmarks (run by a scripted runner, never spawned). */
export function commandSuite(dir: string, names: string[], extra = ''): Config {
  const text =
    'benchmarks:\n' +
    names
      .map(
        (name) =>
          `  - name: ${JSON.stringify(name)}\n    command: { run: "true" }\n    trials: 3\n` +
          `    budgets: { wall: 1s }\n`
      )
      .join('') +
    extra
  return parseConfig(text, `${dir}/perfgate.yml`, { fileExists: () => true })
}
