/**
 * What the action leaves in `output-dir`: results.json, report.md (src/github/summary.ts),
 * pr-number.txt for a later job, and the profiles of a regression. Files of an earlier step
 * are removed first, so they never pass for this run's.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Publisher } from '../app/pr-run.js'
import { OUTPUT_FILES } from '../config/defaults.js'
import { serializeResults } from '../results/format.js'
import type { Results } from '../results/types.js'

/** Where this step writes: results.json, report.md, and pr-number.txt for a later job. */
export interface ActionFiles {
  readonly results: string
  readonly report: string
  readonly pr: string
  /** CPU profiles and flame graphs of a regression ("Where the time went"). */
  readonly profiles: string
}

/** The files of `outDir` (created when missing). */
export function actionFiles(outDir: string): ActionFiles {
  mkdirSync(outDir, { recursive: true })
  return {
    results: path.join(outDir, OUTPUT_FILES.results),
    report: path.join(outDir, OUTPUT_FILES.report),
    pr: path.join(outDir, OUTPUT_FILES.pr),
    profiles: path.join(outDir, 'profiles')
  }
}

/** Results of an earlier step must never pass for this run's. */
export function clearStaleFiles(files: ActionFiles): void {
  rmSync(files.results, { force: true })
  rmSync(files.report, { force: true })
  rmSync(files.pr, { force: true })
  rmSync(files.profiles, { recursive: true, force: true })
}

/** Writes results (judged, or partial while measuring) to results.json. */
export function writeResultsFile(files: ActionFiles, results: Results): void {
  writeFileSync(files.results, serializeResults(results))
}

/** Writes the judged results to results.json. */
export function resultsFilePublisher(files: ActionFiles): Publisher {
  return { publish: ({ results }) => writeResultsFile(files, results) }
}

/**
 * Leaves the pull request's number beside the results for the job that comments (the fork
 * recipe's comment workflow reads it, and checks it, in src/github/artifact.ts).
 */
export function prNumberPublisher(
  files: ActionFiles,
  pullRequest: number,
  log?: (line: string) => void
): Publisher {
  return {
    publish: () => {
      writeFileSync(files.pr, `${pullRequest}\n`)
      log?.(`perfgate: measured; upload ${path.dirname(files.pr)} as an artifact for the next job`)
    }
  }
}
