/**
 * The step's Check run over its lifetime: created in progress when measuring starts,
 * completed by the publisher with the judged run (conclusion, report, annotations at the
 * lines that define the benchmarks), or with the failure when the run ended before a
 * verdict, so a check never stays in progress. The API is src/github/checks.ts; every
 * failure of it is a warning, never a lost report.
 */
import * as core from '@actions/core'
import { loadConfigFile } from '../app/files.js'
import { locateBenchmarks, type BenchmarkLocations } from '../app/locate.js'
import type { Outcome } from '../app/outcome.js'
import type { Publisher } from '../app/pr-run.js'
import { annotationsOf } from '../report/annotations.js'
import { VERSION } from '../version.js'
import { topLevel } from '../git/checkout.js'
import {
  checkName,
  checkRunResult,
  createChecksApi,
  type ChecksApi,
  type CheckRunResult
} from './checks.js'
import type { ActionInputs } from './inputs.js'
import type { ActionLog } from './log.js'

const NO_LOCATIONS: BenchmarkLocations = { locations: new Map(), fallback: undefined }

/** One Check run: start, then complete once (by the publisher, or with a failure). */
export class CheckRun {
  #id: Promise<number | undefined> | undefined
  #done = false

  constructor(
    private readonly api: ChecksApi,
    private readonly options: {
      readonly commentId: string
      readonly headSha: string
      readonly log: ActionLog
      /** Where the benchmarks are defined, read when the run completes. */
      readonly locate?: () => BenchmarkLocations
    }
  ) {}

  /** Creates the check in progress (once); a failure is a warning. */
  start(): void {
    this.#id ??= this.api
      .create({ name: checkName(this.options.commentId), headSha: this.options.headSha })
      .then(
        (ref) => {
          this.options.log.info(`perfgate: check run started: ${ref.url}`)
          return ref.id
        },
        (error: unknown) => {
          core.warning(`perfgate: could not create the check run: ${(error as Error).message}`)
          return undefined
        }
      )
  }

  /** Completes the check with the judged run's verdict, report and annotations. */
  publisher(): Publisher {
    return {
      publish: async ({ outcome, report, results }) => {
        const where = this.#locate()
        const accepted = new Set(
          results.comparison.benchmarks.filter((b) => b.acceptance?.covers).map((b) => b.name)
        )
        const made = annotationsOf(report, {
          failOn: results.comparison.gate.failOn,
          locations: where.locations,
          fallback: where.fallback,
          isAccepted: (name) => accepted.has(name)
        })
        await this.#complete(
          checkRunResult({
            outcome,
            model: report,
            ...made,
            markdown: { id: this.options.commentId, version: VERSION }
          })
        )
      }
    }
  }

  /** Completes a started check with an outcome reached without a verdict (a failure). */
  async fail(outcome: Outcome): Promise<void> {
    if (this.#id === undefined) return
    await this.#complete(checkRunResult({ outcome, model: undefined, annotations: [], omitted: 0 }))
  }

  #locate(): BenchmarkLocations {
    try {
      return this.options.locate?.() ?? NO_LOCATIONS
    } catch {
      return NO_LOCATIONS
    }
  }

  async #complete(result: CheckRunResult): Promise<void> {
    if (this.#done) return
    this.#done = true
    this.start()
    const id = await this.#id
    if (id === undefined) return
    try {
      await this.api.complete(id, result)
      this.options.log.info(`perfgate: check run completed: ${result.conclusion}`)
    } catch (error) {
      core.warning(`perfgate: could not complete the check run: ${(error as Error).message}`)
    }
  }
}

/**
 * The Check run on `headSha`, per the `check` input (none without a token): its
 * annotations point into the repository checked out in `cwd`.
 */
export function checkRunOn(
  headSha: string,
  step: {
    readonly inputs: Pick<ActionInputs, 'check' | 'token' | 'commentId' | 'config'>
    readonly event: { readonly repository: { readonly owner: string; readonly repo: string } }
    readonly cwd: string
    readonly io: { readonly log: ActionLog }
  }
): { check?: CheckRun } {
  const { inputs, event, cwd, io } = step
  if (!inputs.check || !inputs.token) return {}
  const api = createChecksApi(inputs.token, event.repository, {
    log: (m) => io.log.info(`perfgate: ${m}`)
  })
  const locate = () => {
    const root = topLevel(cwd)
    return root ? locateBenchmarks(loadConfigFile(cwd, inputs.config), root) : NO_LOCATIONS
  }
  return { check: new CheckRun(api, { commentId: inputs.commentId, headSha, log: io.log, locate }) }
}
