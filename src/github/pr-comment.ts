/**
 * The report as the pull request's one comment (found and updated by src/github/comment.ts),
 * per the `comment` input. A failed comment is a warning: the report stays in the job summary.
 */
import * as core from '@actions/core'
import type { Publisher } from '../app/pr-run.js'
import { renderMarkdownWithin, reportMarker } from '../report/markdown.js'
import type { JudgedResults } from '../results/types.js'
import { VERSION } from '../version.js'
import { upsertComment } from './comment.js'
import type { ActionInputs } from './inputs.js'
import type { ActionLog } from './log.js'
import { createCommentsApi } from './octokit.js'
import type { ActionOutputs } from './outputs.js'

/** GitHub's limit for a comment body. */
export const COMMENT_LIMIT = 65_536

/** Whether the report is worth a comment under `comment: on-change`. */
function changed(results: JudgedResults): boolean {
  const { counts, gate } = results.comparison
  return counts.regressions + counts.improvements > 0 || gate.failed || counts.errored > 0
}

/** Posts or updates the report comment on pull request `prNumber`. */
export function commentPublisher(
  inputs: Pick<ActionInputs, 'comment' | 'commentId' | 'token'>,
  repository: { readonly owner: string; readonly repo: string },
  prNumber: number,
  io: { readonly log: ActionLog; readonly outputs: ActionOutputs }
): Publisher {
  return {
    publish: async ({ results, report }) => {
      if (inputs.comment === 'never') return
      if (inputs.comment === 'on-change' && !changed(results)) {
        io.log.info('perfgate: no change and no failure; not commenting (comment: on-change)')
        return
      }
      if (!inputs.token) {
        core.warning('perfgate: no token, so no PR comment; the report is in the job summary')
        return
      }
      const body = renderMarkdownWithin(report, COMMENT_LIMIT, {
        id: inputs.commentId,
        version: VERSION
      })
      try {
        const api = createCommentsApi(
          inputs.token,
          { ...repository, issueNumber: prNumber },
          { log: (m) => io.log.info(`perfgate: ${m}`) }
        )
        const done = await upsertComment(api, reportMarker(inputs.commentId), body, {
          onRetry: (message) => io.log.info(`perfgate: ${message}`)
        })
        io.log.info(`perfgate: PR comment ${done.action}: ${done.url}`)
        io.outputs.commentUrl(done.url)
      } catch (error) {
        core.warning(`perfgate: could not post the PR comment: ${commentFailure(error)}`)
      }
    }
  }
}

/** Why a comment failed, with the fork recipe's hint for a read-only token. */
function commentFailure(error: unknown): string {
  const status = (error as { status?: number }).status
  const rateLimited = /rate limit/i.test((error as Error).message)
  const hint =
    status === 403 && !rateLimited
      ? ' (a read-only token: on pull requests from forks, use the measure/comment workflow pair in docs/action.md)'
      : ''
  return `${(error as Error).message}${hint}. The report is in the job summary.`
}
