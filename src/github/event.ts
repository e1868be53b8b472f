/** The workflow event as the plan reads it (src/github/plan.ts), from @actions/github's context. */
import { context } from '@actions/github'
import type { ActionEvent } from './plan.js'

/** The event this step runs for. */
export function readActionEvent(): ActionEvent {
  const payload = context.payload as {
    pull_request?: { number: number; base: { sha: string }; head?: { sha?: string } }
    repository?: { default_branch?: string }
    workflow_run?: { head_sha?: string }
  }
  const pr = payload.pull_request
  return {
    // context.repo throws without GITHUB_REPOSITORY (a run outside GitHub): no API then.
    repository: process.env.GITHUB_REPOSITORY ? context.repo : { owner: '', repo: '' },
    ...(process.env.GITHUB_REPOSITORY ? { serverUrl: context.serverUrl } : {}),
    name: context.eventName,
    ref: context.ref,
    sha: context.sha,
    ...(pr
      ? {
          pullRequest: {
            number: pr.number,
            baseSha: pr.base.sha,
            ...(pr.head?.sha ? { headSha: pr.head.sha } : {})
          }
        }
      : {}),
    ...(payload.repository?.default_branch
      ? { defaultBranch: payload.repository.default_branch }
      : {}),
    ...(payload.workflow_run?.head_sha ? { workflowRunHeadSha: payload.workflow_run.head_sha } : {})
  }
}
