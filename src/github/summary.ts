/**
 * The report where a person reading the workflow run sees it: report.md, the job summary
 * (within its size limit) and the terminal report in the step's log.
 */
import * as core from '@actions/core'
import { writeFileSync } from 'node:fs'
import type { Publisher } from '../app/pr-run.js'
import { renderMarkdownReport, renderMarkdownWithin } from '../report/markdown.js'
import { renderTerminalReport, renderTerminalVerdict } from '../report/terminal.js'
import { VERSION } from '../version.js'
import type { ActionLog } from './log.js'

/** GitHub's limit for one step's job summary is 1 MiB; keep a margin. */
const SUMMARY_LIMIT = 1_000_000

/** Writes the full report to `reportFile` and the job summary (cut to fit when too long). */
export function summaryPublisher(reportFile: string, commentId: string): Publisher {
  return {
    publish: async ({ report }) => {
      const options = { id: commentId, version: VERSION }
      const full = renderMarkdownReport(report, options)
      writeFileSync(reportFile, full)
      await core.summary
        .addRaw(
          full.length > SUMMARY_LIMIT ? renderMarkdownWithin(report, SUMMARY_LIMIT, options) : full
        )
        .write()
    }
  }
}

/** Prints the terminal report into the log (the same view a local run shows). */
export function logPublisher(log: ActionLog): Publisher {
  return {
    publish: ({ results, report }) => {
      const table = results.benchmarks.length > 0 ? renderTerminalReport(results) + '\n' : ''
      log.write(`\n${table}${renderTerminalVerdict(report)}`)
    }
  }
}
