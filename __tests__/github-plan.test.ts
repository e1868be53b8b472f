// The action's decisions, without I/O: which baseline, where the report goes, what is stored.
import type { ActionInputs } from '../src/github/inputs.js'
import { actionInputs } from './helpers/action-inputs.js'
import { planAction, type ActionEvent, type CheckoutFacts } from '../src/github/plan.js'

const inputs: ActionInputs = actionInputs({ token: 't' })
const MERGE = 'm'.repeat(40)
const BASE = 'b'.repeat(40)
const PR_HEAD = 'h'.repeat(40)
const repository = { owner: 'o', repo: 'r' }
const pullRequest: ActionEvent = {
  repository,
  name: 'pull_request',
  ref: 'refs/pull/7/merge',
  sha: MERGE,
  pullRequest: { number: 7, baseSha: BASE },
  defaultBranch: 'main'
}
const mergeCheckout: CheckoutFacts = { headSha: MERGE, headParents: [BASE, PR_HEAD] }
const headCheckout: CheckoutFacts = { headSha: PR_HEAD, headParents: ['p'.repeat(40)] }

describe('planAction', () => {
  it("compares a PR's merge commit with its first parent, needing no history", () => {
    expect(planAction(inputs, pullRequest, mergeCheckout)).toEqual({
      kind: 'run',
      baseline: { kind: 'commit', commit: BASE },
      pullRequest: 7,
      publish: 'comment',
      store: false,
      failOn: undefined
    })
  })

  it("walks to the merge-base when the PR's own head is checked out", () => {
    const plan = planAction(inputs, { ...pullRequest, sha: PR_HEAD }, headCheckout)
    expect(plan).toMatchObject({ kind: 'run', baseline: { kind: 'merge-base', ref: BASE } })
  })

  it('follows the baseline, mode and fail-on inputs', () => {
    const stored = planAction({ ...inputs, baseline: 'stored' }, pullRequest, mergeCheckout)
    expect(stored).toMatchObject({ baseline: { kind: 'stored', commit: BASE } })
    const none = planAction({ ...inputs, baseline: 'none' }, pullRequest, mergeCheckout)
    expect(none).toMatchObject({ baseline: { kind: 'none' } })
    const measure = planAction(
      { ...inputs, mode: 'measure', failOn: 'budgets' },
      pullRequest,
      mergeCheckout
    )
    expect(measure).toMatchObject({ publish: 'artifact', failOn: 'budgets', pullRequest: 7 })
  })

  it('stores results of pushes to the default branch only', () => {
    const push = {
      repository,
      name: 'push',
      ref: 'refs/heads/main',
      sha: MERGE,
      defaultBranch: 'main'
    }
    expect(planAction(inputs, push, mergeCheckout)).toEqual({
      kind: 'run',
      baseline: { kind: 'none', why: 'not a pull request' },
      publish: 'none',
      store: true,
      failOn: undefined
    })
    const branch = { ...push, ref: 'refs/heads/feature' }
    expect(planAction(inputs, branch, mergeCheckout)).toMatchObject({ store: false })
    const dispatch = { ...push, name: 'workflow_dispatch' }
    expect(planAction(inputs, dispatch, mergeCheckout)).toMatchObject({ store: false })
  })

  it('refuses pull_request_target unless allowed', () => {
    const target = { ...pullRequest, name: 'pull_request_target' }
    expect(planAction(inputs, target, mergeCheckout)).toMatchObject({ kind: 'refuse' })
    expect(
      planAction({ ...inputs, allowPullRequestTarget: true }, target, mergeCheckout)
    ).toMatchObject({ kind: 'run', pullRequest: 7 })
  })

  it('comments from an artifact only in a workflow_run', () => {
    const comment = { ...inputs, mode: 'comment' as const }
    expect(planAction(comment, pullRequest, mergeCheckout)).toMatchObject({ kind: 'refuse' })
    expect(
      planAction(
        comment,
        {
          repository,
          name: 'workflow_run',
          ref: 'refs/heads/main',
          sha: MERGE,
          workflowRunHeadSha: PR_HEAD
        },
        mergeCheckout
      )
    ).toEqual({ kind: 'comment-from-artifact', measuredSha: PR_HEAD })
  })
  it('gives the merge job the baseline the shards were planned with, to check them against', () => {
    const merge = { ...inputs, mode: 'merge' as const }
    // The same baseline as a shard's run plan, from the same checkout.
    for (const checkout of [mergeCheckout, headCheckout]) {
      expect(planAction(merge, pullRequest, checkout)).toEqual({
        ...planAction(inputs, pullRequest, checkout),
        kind: 'merge'
      })
    }
    const push = { ...pullRequest, name: 'push', ref: 'refs/heads/main' }
    expect(planAction(merge, push, mergeCheckout)).toMatchObject({
      kind: 'merge',
      baseline: { kind: 'none', why: 'not a pull request' }
    })
  })
})
