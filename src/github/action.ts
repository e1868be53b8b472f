/**
 * The action's front end: reads the checkout, plans what the event calls for
 * (src/github/plan.ts), turns the plan into a request for the PR-run use case
 * (src/app/pr-run.ts) and chooses its publishers — results and report files, job summary,
 * log, outputs, the PR comment or the artifact's PR number, the data branch. The outcome
 * comes from the use case, or from the one mapping of known failures (src/app/errors.ts).
 */
import * as core from '@actions/core'
import path from 'node:path'
import { failureOf } from '../app/errors.js'
import { shardFilesUnder } from '../app/files.js'
import { actionConfig } from './action-config.js'
import { EXIT, outcomeOfError, type Outcome } from '../app/outcome.js'
import {
  prRun,
  type BaselineRequest,
  type PrRunDependencies,
  type PrRunLog,
  type PrRunRequest,
  type Publisher
} from '../app/pr-run.js'
import { checkoutGit } from '../git/checkout.js'
import { createProcessTrialRunner } from '../runners/index.js'
import { useNodeOnPath } from '../runtime-files.js'
import { createProcessProfileRunner, type ProfileRunner } from '../runners/profile.js'
import type { TrialRunner } from '../runners/types.js'
import type { BranchStore } from '../store/branch-store.js'
import { createAcceptanceApi } from './acceptance.js'
import { artifactTrustCheck, readArtifactPr } from './artifact.js'
import { checkRunOn, type CheckRun } from './check-run.js'
import { dataBranch, dataBranchPublisher } from './data-branch.js'
import {
  actionFiles,
  clearStaleFiles,
  prNumberPublisher,
  resultsFilePublisher,
  writeResultsFile,
  type ActionFiles
} from './files.js'
import { mainSeries } from './history.js'
import type { ActionInputs } from './inputs.js'
import type { ActionLog } from './log.js'
import { createCommentsApi } from './octokit.js'
import type { ActionOutputs } from './outputs.js'
import { acceptancesReader, type AcceptancesOf } from './pr-acceptances.js'
import { commentPublisher } from './pr-comment.js'
import { planAction, type ActionEvent, type ActionPlan, type PlannedBaseline } from './plan.js'
import { logPublisher, summaryPublisher } from './summary.js'

export interface ActionIo {
  readonly log: ActionLog
  readonly outputs: ActionOutputs
  /** Injected for tests; the real one starts processes. */
  readonly runner?: TrialRunner
  /** Injected for tests; the real one takes profiled trials in processes. */
  readonly profileRunner?: ProfileRunner
}

/** What one step works with: its inputs and event, the checkout, its files and io. */
interface Step {
  readonly inputs: ActionInputs
  readonly event: ActionEvent
  readonly cwd: string
  readonly files: ActionFiles
  readonly io: ActionIo
}

type Carried = Exclude<ActionPlan, { kind: 'refuse' }>

/** The action's log as the use case takes it: a warning becomes the runner's annotation. */
function runLogOf(log: ActionLog): PrRunLog {
  return {
    isTTY: log.isTTY === true,
    write: (text) => log.write(text),
    info: (line) => log.info(line),
    warning: (line) => core.warning(line)
  }
}

/** The planned baseline as the use case takes it (stored: the data branch's, for a commit). */
function baselineRequest(planned: PlannedBaseline): BaselineRequest {
  return planned.kind === 'stored' ? { kind: 'stored-for', commit: planned.commit } : planned
}

/** The plan as a request: measure (or one shard), merge the shards, or judge the artifact. */
function requestOf(plan: Carried, step: Step): PrRunRequest {
  const { inputs, event, cwd, files } = step
  switch (plan.kind) {
    case 'run':
      clearStaleFiles(files)
      return {
        kind: 'measure',
        config: actionConfig(cwd, inputs),
        baseline: baselineRequest(plan.baseline),
        // `setup` runs in every checkout that is measured: head here, base in its worktree.
        setupHead: true,
        failOn: plan.failOn,
        commit: event.sha,
        ...(plan.shard ? { shard: plan.shard } : {})
      }
    case 'merge':
      clearStaleFiles(files)
      return {
        kind: 'merge',
        shards: shardFiles(step),
        ...(plan.failOn ? { failOn: plan.failOn } : {}),
        expect: { baseline: baselineRequest(plan.baseline), commit: event.sha }
      }
    case 'comment-from-artifact':
      return { kind: 'rejudge', cwd: path.dirname(files.results), file: files.results }
  }
}

/** mode: merge — the shards' results.json files under `shard-results` (downloaded artifacts). */
function shardFiles({ inputs, cwd, io }: Step) {
  const files = shardFilesUnder(cwd, inputs.shardResults, (line) =>
    io.log.info(`perfgate: ${inputs.shardResults}: ${line}`)
  )
  io.log.info(`perfgate: merging ${files.length} shard results from ${inputs.shardResults}`)
  return files
}

/**
 * Where a run's judged results go, in order: results.json, report.md and the job summary,
 * the log, the outputs (before any GitHub API call), then the artifact's PR number or the
 * comment, then the data branch.
 */
function publishersOf(
  plan: Exclude<Carried, { kind: 'comment-from-artifact' }>,
  step: Step,
  store: BranchStore,
  check: CheckRun | undefined
): Publisher[] {
  const { inputs, event, files, io } = step
  const pr = plan.pullRequest
  const toPullRequest: Publisher[] =
    pr === undefined
      ? []
      : plan.publish === 'artifact'
        ? [prNumberPublisher(files, pr, (line) => io.log.info(line))]
        : plan.publish === 'comment'
          ? [
              // The comment workflow of a fork PR (mode: comment) can post a merged report too.
              ...(plan.kind === 'merge' ? [prNumberPublisher(files, pr)] : []),
              commentPublisher(inputs, event.repository, pr, io)
            ]
          : []
  return [
    resultsFilePublisher(files),
    summaryPublisher(files.report, inputs.commentId),
    logPublisher(io.log),
    io.outputs.publisher(files),
    ...toPullRequest,
    ...(check ? [check.publisher()] : []),
    ...(plan.store ? [dataBranchPublisher(store, inputs, event, io)] : [])
  ]
}

/**
 * Comment mode (workflow_run after a fork PR's measure job): the artifact's results judged
 * again, the report in the summary, then the trust check before the outputs and comment.
 */
function artifactPublishers(
  prNumber: number,
  measuredSha: string,
  step: Step,
  check: CheckRun | undefined
): Publisher[] {
  const { inputs, event, files, io } = step
  const api = createCommentsApi(
    inputs.token,
    { ...event.repository, issueNumber: prNumber },
    { log: (m) => io.log.info(`perfgate: ${m}`) }
  )
  return [
    summaryPublisher(files.report, inputs.commentId),
    logPublisher(io.log),
    artifactTrustCheck(api, prNumber, measuredSha, files.pr),
    io.outputs.publisher(files),
    commentPublisher(inputs, event.repository, prNumber, io),
    ...(check ? [check.publisher()] : [])
  ]
}

/** The use case's dependencies for this step: runner, log, git, store, trends, publishers. */
function dependenciesOf(plan: Carried, step: Step, target: PublishTarget): PrRunDependencies {
  const { inputs, cwd, files, io } = step
  const store = dataBranch(cwd, inputs, io.log)
  const pullRequest = plan.kind === 'comment-from-artifact' || plan.pullRequest !== undefined
  return {
    runner: io.runner ?? createProcessTrialRunner(),
    log: runLogOf(io.log),
    git: checkoutGit(cwd, (line) => io.log.info(line)),
    store: { name: inputs.dataBranch, findBaseline: (commit) => store.findBaseline(commit) },
    onPartial: (partial) => writeResultsFile(files, partial),
    profiler: {
      runner: io.profileRunner ?? createProcessProfileRunner(),
      outDir: files.profiles,
      link: (dir) => path.relative(path.dirname(files.report), dir) || '.'
    },
    // A pull request's report shows main's trend beside its values (data branch, trusted).
    ...(pullRequest
      ? { series: () => mainSeries(path.resolve(inputs.workingDirectory), inputs, io.log) }
      : {}),
    ...(target.acceptances && inputs.token
      ? {
          acceptances: acceptancesReader(
            createAcceptanceApi(inputs.token, step.event.repository, {
              log: (m) => io.log.info(`perfgate: ${m}`)
            }),
            target.acceptances,
            io.log
          )
        }
      : {}),
    publishers:
      plan.kind === 'comment-from-artifact'
        ? artifactPublishers(target.prNumber!, plan.measuredSha, step, target.check)
        : publishersOf(plan, step, store, target.check)
  }
}

/** The pull request a run reports to, its Check run, and whose acceptances it takes. */
interface PublishTarget {
  /** The pull request of the comment workflow, read from the artifact. */
  readonly prNumber?: number
  readonly check?: CheckRun
  readonly acceptances?: AcceptancesOf
}

/** The target of a plan: on a commented pull request, its check and acceptances. */
function targetOf(plan: Carried, step: Step): PublishTarget {
  const { inputs, event } = step
  if (plan.kind === 'comment-from-artifact') {
    const prNumber = readArtifactPr(step.files.pr)
    return {
      prNumber,
      ...checkRunOn(plan.measuredSha, step),
      acceptances: { pullRequest: prNumber }
    }
  }
  const commented = plan.pullRequest !== undefined && plan.publish === 'comment'
  const headSha = event.pullRequest?.headSha
  return {
    ...(commented && headSha ? checkRunOn(headSha, step) : {}),
    ...(commented ? { acceptances: { pullRequest: plan.pullRequest! } } : {}),
    ...(plan.store && inputs.token ? { acceptances: { mergedInto: event.sha } } : {})
  }
}

/**
 * Carries a plan out: its target (the artifact's PR number read), the Check run started
 * when measuring starts, then the request; a run that ends without a verdict completes
 * the check as a failure, so a required check never passes on results that do not exist.
 */
async function carryOut(plan: Carried, step: Step): Promise<Outcome> {
  const target = targetOf(plan, step)
  // The comment workflow posts the check after the artifact is trusted.
  if (plan.kind !== 'comment-from-artifact') target.check?.start()
  try {
    const deps = dependenciesOf(plan, step, target)
    return (await prRun(requestOf(plan, step), deps)).outcome
  } catch (error) {
    const failed =
      failureOf(error)?.outcome ??
      outcomeOfError(EXIT.runtime, `internal error: ${(error as Error).message}`)
    await target.check?.fail(failed)
    throw error
  }
}

/** Runs the action for an event; returns its outcome (outputs are set on every path). */
export async function runAction(
  inputs: ActionInputs,
  event: ActionEvent,
  io: ActionIo
): Promise<Outcome> {
  const projectNode = useNodeOnPath()
  if (projectNode) io.log.info(`perfgate: function benchmarks run on ${projectNode}`)
  const cwd = path.resolve(inputs.workingDirectory)
  const step: Step = {
    inputs,
    event,
    cwd,
    files: actionFiles(path.resolve(cwd, inputs.outputDir)),
    io
  }
  let outcome: Outcome
  try {
    const plan = planAction(inputs, event, checkoutGit(cwd, (line) => io.log.info(line)).head())
    outcome =
      plan.kind === 'refuse' ? outcomeOfError(EXIT.usage, plan.message) : await carryOut(plan, step)
  } catch (error) {
    const known = failureOf(error)
    if (!known) throw error
    outcome = known.outcome
  }
  io.outputs.set(outcome)
  return outcome
}
