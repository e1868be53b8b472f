/**
 * The outcome of a run, written once: the exit code of the contract, the verdict the
 * action reports and the reasons shown on failure. The CLI, every action mode and the
 * action's outputs all derive from it, so the same results can never pass in one place
 * and fail in another.
 */
import type { JudgedResults } from '../results/types.js'

/** Exit codes of the command line (the action's `exit-code` output uses the same). */
export const EXIT = { passed: 0, gateFailed: 1, usage: 2, runtime: 3 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** The action's `verdict` output: one word per exit code. */
export type Verdict = 'pass' | 'fail' | 'error'

export interface Outcome {
  readonly exitCode: ExitCode
  readonly verdict: Verdict
  /** Why the run did not pass (empty when it passed); one short line each. */
  readonly reasons: readonly string[]
}

const VERDICTS: Record<ExitCode, Verdict> = {
  [EXIT.passed]: 'pass',
  [EXIT.gateFailed]: 'fail',
  [EXIT.usage]: 'error',
  [EXIT.runtime]: 'error'
}

/** The outcome for an exit code decided before or outside a comparison (bad input, a crash). */
export function outcomeOfError(exitCode: typeof EXIT.usage | typeof EXIT.runtime, reason: string) {
  return { exitCode, verdict: VERDICTS[exitCode], reasons: [reason] } satisfies Outcome
}

/**
 * The outcome of judged results (results with their comparison): the gate first (a budget
 * violated or a gated regression fails the run, exit 1; not for one shard of a suite, whose
 * gate the merged results decide), then benchmarks that could not be measured on head or
 * results that are incomplete (exit 3), else passed.
 */
export function outcomeOf(results: JudgedResults): Outcome {
  const comparison = results.comparison
  // One shard's gate is preliminary (Holm over part of the suite): `merge` decides it.
  if (comparison.gate.failed && !results.shard) {
    return { exitCode: EXIT.gateFailed, verdict: 'fail', reasons: comparison.gate.reasons }
  }
  const errored = new Set<string>()
  for (const b of results.benchmarks) if (b.state === 'errored') errored.add(b.name)
  for (const b of comparison.benchmarks) {
    if (b.status === 'errored' && b.error?.side === 'head') errored.add(b.name)
  }
  const reasons: string[] = []
  if (errored.size > 0) {
    reasons.push(
      `${errored.size === 1 ? '1 benchmark' : `${errored.size} benchmarks`} could not be measured`
    )
  }
  if (results.incomplete) {
    reasons.push(
      `incomplete results: ${results.incomplete.missing.length} of ${results.incomplete.total} benchmarks not measured`
    )
  }
  if (reasons.length > 0) return { exitCode: EXIT.runtime, verdict: 'error', reasons }
  return { exitCode: EXIT.passed, verdict: 'pass', reasons: [] }
}
