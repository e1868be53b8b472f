/**
 * What the action does for an event, decided without I/O: the event, the inputs and a few
 * facts about the checkout go in, one plan comes out. The action then carries it out
 * (src/github/action.ts); tests check every decision here, fast.
 */
import type { FailOn } from '../config/types.js'
import type { ShardSpec } from '../app/shards.js'
import type { ActionInputs } from './inputs.js'

/** The parts of the workflow event the action reads. */
export interface ActionEvent {
  readonly name: string
  /** `refs/heads/main`, … */
  readonly ref: string
  /** The commit the workflow runs on (for pull requests, GitHub's merge commit). */
  readonly sha: string
  readonly pullRequest?: {
    readonly number: number
    readonly baseSha: string
    /** The pull request's head commit (where its Check run is attached). */
    readonly headSha?: string
  }
  readonly defaultBranch?: string
  /** workflow_run events: the commit the measured workflow ran on. */
  readonly workflowRunHeadSha?: string
  /** The repository the event belongs to (for the API). */
  readonly repository: { readonly owner: string; readonly repo: string }
  /** GitHub's web address (`https://github.com` or an Enterprise server), for links. */
  readonly serverUrl?: string
}

/** Facts about the checkout the plan depends on. */
export interface CheckoutFacts {
  /** Parents of the checked-out commit (HEAD), as the commit object lists them. */
  readonly headParents: readonly string[]
  /** The commit checked out (HEAD). */
  readonly headSha: string
}

/** Where a pull request's baseline comes from. */
export type PlannedBaseline =
  | { readonly kind: 'none'; readonly why: string }
  /** HEAD is GitHub's merge commit: its first parent is the base, no history walk needed. */
  | { readonly kind: 'commit'; readonly commit: string }
  /** HEAD is the PR's own head: compare with its merge-base with the base branch. */
  | { readonly kind: 'merge-base'; readonly ref: string }
  /** Results stored on the data branch for this commit or its nearest stored ancestor. */
  | { readonly kind: 'stored'; readonly commit: string }

/** What is done with judged results. */
export interface Publishing {
  /** The pull request the report belongs to, if any. */
  readonly pullRequest?: number
  /** comment: post it; artifact: leave it in output-dir for a later job; none. */
  readonly publish: 'comment' | 'artifact' | 'none'
  /** A push to the default branch: store the results on the data branch. */
  readonly store: boolean
  /** Overrides the config's policy (the fail-on input, unless it is `config`). */
  readonly failOn?: FailOn
}

export type ActionPlan =
  | ({
      readonly kind: 'run'
      readonly baseline: PlannedBaseline
      /** One shard of a job matrix: its share of the suite, left for the merge job. */
      readonly shard?: ShardSpec
    } & Publishing)
  /** mode: merge — the shards' results judged as one run, then published. */
  | ({
      readonly kind: 'merge'
      /** The baseline the shards were planned with: the merge checks they measured it. */
      readonly baseline: PlannedBaseline
    } & Publishing)
  | { readonly kind: 'comment-from-artifact'; readonly measuredSha: string }
  | { readonly kind: 'refuse'; readonly message: string }

const PULL_REQUEST_TARGET_REFUSAL =
  'perfgate refuses to run on pull_request_target: it would run pull request code with a write token. ' +
  'Use pull_request (and the measure/comment pair for forks), or set allow-pull-request-target: true ' +
  'if this workflow checks out only trusted code.'

/** The pull request's baseline for the `baseline` input. */
function pullRequestBaseline(
  inputs: ActionInputs,
  pr: NonNullable<ActionEvent['pullRequest']>,
  checkout: CheckoutFacts,
  event: ActionEvent
): PlannedBaseline {
  const source = inputs.baseline === 'auto' ? 'merge-base' : inputs.baseline
  if (source === 'none') return { kind: 'none', why: 'baseline: none' }
  if (source === 'stored') return { kind: 'stored', commit: pr.baseSha }
  // GitHub checks out refs/pull/N/merge: a merge commit whose first parent is the base
  // branch as the PR merges into it. That parent is the baseline, and needs no history.
  const isMergeCommit = checkout.headSha === event.sha && checkout.headParents.length === 2
  if (isMergeCommit) return { kind: 'commit', commit: checkout.headParents[0]! }
  return { kind: 'merge-base', ref: pr.baseSha }
}

/** Decides what the action does for this event, inputs and checkout. */
export function planAction(
  inputs: ActionInputs,
  event: ActionEvent,
  checkout: CheckoutFacts
): ActionPlan {
  if (inputs.mode === 'comment') {
    if (!event.workflowRunHeadSha) {
      return {
        kind: 'refuse',
        message: 'mode: comment runs in a workflow_run workflow, after the measure workflow'
      }
    }
    return { kind: 'comment-from-artifact', measuredSha: event.workflowRunHeadSha }
  }
  if (event.name === 'pull_request_target' && !inputs.allowPullRequestTarget) {
    return { kind: 'refuse', message: PULL_REQUEST_TARGET_REFUSAL }
  }
  const failOn = inputs.failOn === 'config' ? undefined : inputs.failOn
  const pr =
    event.name === 'pull_request' || event.name === 'pull_request_target'
      ? event.pullRequest
      : undefined
  const onDefaultBranch =
    event.defaultBranch !== undefined && event.ref === `refs/heads/${event.defaultBranch}`
  const store = event.name === 'push' && onDefaultBranch
  if (inputs.mode === 'merge') {
    if (inputs.shard) {
      return { kind: 'refuse', message: 'mode: merge combines the shards: give it no shard input' }
    }
    return {
      kind: 'merge',
      baseline: pr
        ? pullRequestBaseline(inputs, pr, checkout, event)
        : { kind: 'none', why: 'not a pull request' },
      ...(pr ? { pullRequest: pr.number } : {}),
      publish: pr ? 'comment' : 'none',
      store,
      failOn
    }
  }
  if (inputs.shard) {
    // A shard measures and leaves its results for the merge job, which comments and stores.
    return {
      kind: 'run',
      baseline: pr
        ? pullRequestBaseline(inputs, pr, checkout, event)
        : { kind: 'none', why: 'not a pull request' },
      shard: inputs.shard,
      ...(pr ? { pullRequest: pr.number } : {}),
      publish: 'artifact',
      store: false,
      failOn
    }
  }
  if (pr) {
    return {
      kind: 'run',
      baseline: pullRequestBaseline(inputs, pr, checkout, event),
      pullRequest: pr.number,
      publish: inputs.mode === 'measure' ? 'artifact' : 'comment',
      store: false,
      failOn
    }
  }
  return {
    kind: 'run',
    baseline: { kind: 'none', why: 'not a pull request' },
    publish: 'none',
    store,
    failOn
  }
}
