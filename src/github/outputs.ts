/** The action's outputs (names as in action.yml), set once per run from its outcome. */
import * as core from '@actions/core'
import type { Outcome } from '../app/outcome.js'
import type { Publisher } from '../app/pr-run.js'
import type { JudgedResults } from '../results/types.js'

export const Outputs = {
  verdict: 'verdict',
  exitCode: 'exit-code',
  regressions: 'regressions',
  improvements: 'improvements',
  budgetsFailed: 'budgets-failed',
  results: 'results',
  report: 'report',
  commentUrl: 'comment-url',
  newChangePoints: 'new-change-points'
} as const

/** Sets every output once; later calls are ignored (the first outcome is the run's). */
export class ActionOutputs {
  #set = false

  /**
   * @param results the judged results, when the run got that far
   * @param files the results and report paths, when they were written
   */
  set(
    outcome: Outcome,
    results?: JudgedResults,
    files?: { results: string; report: string }
  ): void {
    if (this.#set) return
    this.#set = true
    const counts = results?.comparison.counts
    core.setOutput(Outputs.verdict, outcome.verdict)
    core.setOutput(Outputs.exitCode, String(outcome.exitCode))
    core.setOutput(Outputs.regressions, String(counts?.regressions ?? 0))
    core.setOutput(Outputs.improvements, String(counts?.improvements ?? 0))
    core.setOutput(Outputs.budgetsFailed, String(counts?.budgetsFailed ?? 0))
    core.setOutput(Outputs.results, files?.results ?? '')
    core.setOutput(Outputs.report, files?.report ?? '')
  }

  /**
   * Sets the outputs from a judged run, before anything that talks to GitHub: a slow API
   * never leaves them unset.
   */
  publisher(files: { results: string; report: string }): Publisher {
    return { publish: ({ outcome, results }) => this.set(outcome, results, files) }
  }

  commentUrl(url: string): void {
    core.setOutput(Outputs.commentUrl, url)
  }

  /** On a push to main, after storing: step changes among the newest stored commits. */
  newChangePoints(count: number): void {
    core.setOutput(Outputs.newChangePoints, String(count))
  }
}
