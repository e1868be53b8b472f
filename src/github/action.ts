/**
 * The action carried out: reads the checkout, plans what the event calls for
 * (src/github/plan.ts), turns the plan into a request for the application layer, and
 * publishes the judged results — report files, job summary, outputs, the PR comment, the
 * data branch. The outcome comes from the one rule in src/app/outcome.ts, in every mode.
 */
import * as core from '@actions/core'
import { context } from '@actions/github'
import { spawnSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { outcomeOfFailure } from '../app/errors.js'
import { loadConfigFile, readResultsFile } from '../app/files.js'
import { judge } from '../app/judge.js'
import { EXIT, outcomeOf, outcomeOfError, type Outcome } from '../app/outcome.js'
import type { Baseline } from '../app/requests.js'
import { mergeShards, type MergeExpectation } from '../app/merge.js'
import { runBenchmarks } from '../app/run.js'
import { sharedSeed } from '../app/shards.js'
import { configHash } from '../results/hash.js'
import { OUTPUT_FILES } from '../config/defaults.js'
import { gitSync } from '../git/run.js'
import { renderMarkdownReport, renderMarkdownWithin, reportMarker } from '../report/markdown.js'
import { buildReport } from '../report/model.js'
import { trendsOf } from '../report/trend.js'
import type { Series } from '../history/series.js'
import { renderTerminalReport, renderTerminalVerdict } from '../report/terminal.js'
import { serializeResults } from '../results/format.js'
import type { Results } from '../results/types.js'
import { createProcessTrialRunner } from '../runners/index.js'
import type { TrialRunner } from '../runners/types.js'
import { createProcessProfileRunner, type ProfileRunner } from '../runners/profile.js'
import type { BenchmarkProfile } from '../app/profile.js'
import { profileSections, withProfiles } from '../report/profile.js'
import { BranchStore } from '../store/branch-store.js'
import { VERSION } from '../version.js'
import { upsertComment } from './comment.js'
import { mainSeries, reportMainHistory } from './history.js'
import type { ActionInputs } from './inputs.js'
import type { ActionLog } from './log.js'
import { createCommentsApi } from './octokit.js'
import type { ActionOutputs } from './outputs.js'
import {
  planAction,
  type ActionEvent,
  type ActionPlan,
  type CheckoutFacts,
  type Publishing
} from './plan.js'

/** GitHub's limit for a comment body. */
export const COMMENT_LIMIT = 65_536
/** GitHub's limit for one step's job summary is 1 MiB; keep a margin. */
const SUMMARY_LIMIT = 1_000_000

const FILES = OUTPUT_FILES

/** Where this step writes: results.json, report.md, and pr-number.txt for a later job. */
interface ActionFiles {
  readonly results: string
  readonly report: string
  readonly pr: string
  /** CPU profiles and flame graphs of a regression ("Where the time went"). */
  readonly profiles: string
}

export interface ActionIo {
  readonly log: ActionLog
  readonly outputs: ActionOutputs
  /** Injected for tests; the real one starts processes. */
  readonly runner?: TrialRunner
  /** Injected for tests; the real one takes profiled trials in processes. */
  readonly profileRunner?: ProfileRunner
}

/** The workflow event as the plan reads it, from @actions/github's context. */
export function readActionEvent(): ActionEvent {
  const payload = context.payload as {
    pull_request?: { number: number; base: { sha: string } }
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
    ...(pr ? { pullRequest: { number: pr.number, baseSha: pr.base.sha } } : {}),
    ...(payload.repository?.default_branch
      ? { defaultBranch: payload.repository.default_branch }
      : {}),
    ...(payload.workflow_run?.head_sha ? { workflowRunHeadSha: payload.workflow_run.head_sha } : {})
  }
}

/** HEAD and its parents, read from the commit object (a shallow clone still lists them). */
function readCheckout(cwd: string): CheckoutFacts {
  const head = gitSync(cwd, ['cat-file', 'commit', 'HEAD'])
  const sha = gitSync(cwd, ['rev-parse', 'HEAD'])
  if (!head.ok || !sha.ok) return { headSha: '', headParents: [] }
  const parents = head.out
    .split('\n\n')[0]!
    .split('\n')
    .filter((line) => line.startsWith('parent '))
    .map((line) => line.slice('parent '.length).trim())
  return { headSha: sha.out, headParents: parents }
}

/**
 * Makes sure a commit is present locally (actions/checkout fetches depth 1 by default).
 * `history`: whether the walk to a merge-base needs its ancestors too.
 */
function ensureCommit(cwd: string, sha: string, history: boolean, log: ActionLog): void {
  if (gitSync(cwd, ['cat-file', '-e', `${sha}^{commit}`]).ok) return
  const shallow = gitSync(cwd, ['rev-parse', '--is-shallow-repository']).out === 'true'
  log.info(`perfgate: fetching ${sha.slice(0, 7)}`)
  const depth = shallow && !history ? ['--depth', '1'] : shallow ? ['--unshallow'] : []
  gitSync(cwd, ['fetch', '--no-tags', '--quiet', ...depth, 'origin', sha], 300_000)
}

/**
 * The action runs on its own Node (node24); the project's code should run on the Node
 * the workflow set up. Function workers use the first `node` on PATH.
 */
function useProjectNode(log: ActionLog): void {
  if (process.env.PERFGATE_NODE) return
  const found = spawnSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' })
  const nodePath = found.status === 0 ? found.stdout.trim() : ''
  if (nodePath && nodePath !== process.execPath) {
    process.env.PERFGATE_NODE = nodePath
    log.info(`perfgate: function benchmarks run on ${nodePath}`)
  }
}

/**
 * Renders the report once for GitHub: written to `report.md` and the job summary (within
 * its size limit), and returned fitted to a comment.
 */
async function publishReport(
  inputs: ActionInputs,
  results: Results,
  reportFile: string,
  profiles: readonly BenchmarkProfile[] = [],
  series?: readonly Series[]
) {
  const built = withProfiles(
    buildReport(results, results.comparison!),
    profileSections(profiles, (dir) => path.relative(path.dirname(reportFile), dir) || '.')
  )
  const model = series ? { ...built, trends: trendsOf(series, results.comparison!) } : built
  const options = { id: inputs.commentId, version: VERSION }
  const full = renderMarkdownReport(model, options)
  writeFileSync(reportFile, full)
  await core.summary
    .addRaw(
      full.length > SUMMARY_LIMIT ? renderMarkdownWithin(model, SUMMARY_LIMIT, options) : full
    )
    .write()
  return { model, comment: renderMarkdownWithin(model, COMMENT_LIMIT, options) }
}

/** Whether the report is worth a comment under `comment: on-change`. */
function changed(results: Results): boolean {
  const comparison = results.comparison!
  const c = comparison.counts
  return c.regressions + c.improvements > 0 || comparison.gate.failed || c.errored > 0
}

async function postComment(
  inputs: ActionInputs,
  repository: ActionEvent['repository'],
  prNumber: number,
  body: string,
  results: Results,
  io: ActionIo
): Promise<void> {
  if (inputs.comment === 'never') return
  if (inputs.comment === 'on-change' && !changed(results)) {
    io.log.info('perfgate: no change and no failure; not commenting (comment: on-change)')
    return
  }
  if (!inputs.token) {
    core.warning('perfgate: no token, so no PR comment; the report is in the job summary')
    return
  }
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
    const status = (error as { status?: number }).status
    const rateLimited = /rate limit/i.test((error as Error).message)
    const hint =
      status === 403 && !rateLimited
        ? ' (a read-only token: on pull requests from forks, use the measure/comment workflow pair in docs/action.md)'
        : ''
    core.warning(
      `perfgate: could not post the PR comment: ${(error as Error).message}${hint}. The report is in the job summary.`
    )
  }
}

/** The baseline a plan names, made concrete (commits fetched, stored results loaded). */
async function resolveBaseline(
  plan: Extract<ActionPlan, { kind: 'run' }>,
  cwd: string,
  store: BranchStore,
  inputs: ActionInputs,
  log: ActionLog
): Promise<Baseline> {
  const planned = plan.baseline
  switch (planned.kind) {
    case 'none':
      return { kind: 'none' }
    case 'commit':
      ensureCommit(cwd, planned.commit, false, log)
      return { kind: 'commit', commit: planned.commit }
    case 'merge-base':
      ensureCommit(cwd, planned.ref, true, log)
      return { kind: 'merge-base', ref: planned.ref }
    case 'stored': {
      ensureCommit(cwd, planned.commit, true, log)
      const found = await store.findBaseline(planned.commit)
      if (!found) {
        core.warning(
          `perfgate: no stored results for ${planned.commit.slice(0, 7)} or its ancestors on ${inputs.dataBranch}; checking budgets only`
        )
        return { kind: 'none' }
      }
      log.info(
        `perfgate: stored baseline of ${found.commit.slice(0, 7)} (base ${planned.commit.slice(0, 7)})`
      )
      return { kind: 'stored', results: found.results, source: `on ${inputs.dataBranch}` }
    }
  }
}

/** Prints the terminal report into the log (the same view a local run shows). */
function logReport(results: Results, io: ActionIo, model: ReturnType<typeof buildReport>) {
  const table = results.benchmarks.length > 0 ? renderTerminalReport(results) + '\n' : ''
  io.log.write(`\n${table}${renderTerminalVerdict(model)}`)
}

async function carryOutRun(
  plan: Extract<ActionPlan, { kind: 'run' }>,
  event: ActionEvent,
  inputs: ActionInputs,
  cwd: string,
  files: ActionFiles,
  io: ActionIo
): Promise<Outcome> {
  clearStaleFiles(files)
  const store = branchStore(cwd, inputs, io)
  const config = loadConfigFile(cwd, inputs.config)
  const baseline = await resolveBaseline(plan, cwd, store, inputs, io.log)
  let profiles: BenchmarkProfile[] = []
  const results = await runBenchmarks(
    {
      config,
      baseline,
      // Shards of one matrix agree on the seed; a single job draws one.
      seed: plan.shard
        ? sharedSeed(readCheckout(cwd).headSha || event.sha, configHash(config))
        : randomInt(2 ** 31),
      // `setup` runs in every checkout that is measured: head here, base in its worktree.
      setupHead: true,
      failOn: plan.failOn,
      ...(plan.shard ? { shard: plan.shard } : {})
    },
    {
      runner: io.runner ?? createProcessTrialRunner(),
      log: io.log,
      onPartial: (partial) => writeFileSync(files.results, serializeResults(partial)),
      profiler: {
        runner: io.profileRunner ?? createProcessProfileRunner(),
        log: io.log,
        outDir: files.profiles,
        onProfiles: (found) => (profiles = found)
      }
    }
  )
  return publishResults(plan, event, inputs, results, files, store, io, profiles)
}

/** mode: merge — the shards' results (downloaded artifacts) judged and published as one run. */
async function carryOutMerge(
  plan: Extract<ActionPlan, { kind: 'merge' }>,
  event: ActionEvent,
  inputs: ActionInputs,
  cwd: string,
  files: ActionFiles,
  io: ActionIo
): Promise<Outcome> {
  clearStaleFiles(files)
  const dir = path.resolve(cwd, inputs.shardResults)
  const found = findResultsFiles(dir)
  if (found.length === 0) {
    return outcomeOfError(
      EXIT.usage,
      `${inputs.shardResults}: no results.json of any shard found (download the shard artifacts there)`
    )
  }
  io.log.info(`perfgate: merging ${found.length} shard results from ${inputs.shardResults}`)
  const shards = found.map((file) => ({
    source: path.relative(cwd, file),
    results: readResultsFile(cwd, file)
  }))
  const merged = mergeShards(shards, mergeExpectation(cwd, event))
  const results = plan.failOn
    ? judge({ ...merged, compare: { ...merged.compare, failOn: plan.failOn } })
    : merged
  return publishResults(plan, event, inputs, results, files, branchStore(cwd, inputs, io), io)
}

/**
 * The commit the merged results are published as: the checked-out HEAD when the merge job
 * has a checkout (as the shard jobs had), else GITHUB_SHA, the commit the workflow runs
 * for (a merge job that only downloads artifacts). Shards of any other commit are refused.
 */
function mergeExpectation(cwd: string, event: ActionEvent): MergeExpectation {
  const head = readCheckout(cwd).headSha
  return head
    ? { commit: head, commitSource: 'the checked-out HEAD' }
    : { commit: event.sha, commitSource: 'GITHUB_SHA' }
}

/** Every results.json under a directory (artifacts unpack into one folder each). */
function findResultsFiles(dir: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return []
  }
  return entries
    .filter((entry) => path.basename(entry) === FILES.results)
    .map((entry) => path.join(dir, entry))
    .sort()
}

/** Results of an earlier step must never pass for this run's. */
function clearStaleFiles(files: ActionFiles): void {
  rmSync(files.results, { force: true })
  rmSync(files.report, { force: true })
  rmSync(files.pr, { force: true })
  rmSync(files.profiles, { recursive: true, force: true })
}

function branchStore(cwd: string, inputs: ActionInputs, io: ActionIo): BranchStore {
  return new BranchStore({
    cwd,
    branch: inputs.dataBranch,
    retention: inputs.retention,
    log: (m) => io.log.info(m)
  })
}

/**
 * Publishes judged results: results.json, report.md, the job summary, the outputs (before
 * any API call), then the comment or the artifact's PR number, then the data branch.
 */
async function publishResults(
  plan: Publishing,
  event: ActionEvent,
  inputs: ActionInputs,
  results: Results,
  files: ActionFiles,
  store: BranchStore,
  io: ActionIo,
  profiles: readonly BenchmarkProfile[] = []
): Promise<Outcome> {
  writeFileSync(files.results, serializeResults(results))
  const outcome = outcomeOf(results)
  // A pull request's report shows main's trend beside this PR's values (data branch).
  const series =
    plan.pullRequest !== undefined
      ? mainSeries(path.resolve(inputs.workingDirectory), inputs, io.log)
      : undefined
  const { model, comment } = await publishReport(inputs, results, files.report, profiles, series)
  logReport(results, io, model)
  // Outputs before anything that talks to GitHub: a slow API never leaves them unset.
  io.outputs.set(outcome, results, files)
  if (plan.pullRequest !== undefined && plan.publish === 'artifact') {
    writeFileSync(files.pr, `${plan.pullRequest}\n`)
    io.log.info(
      `perfgate: measured; upload ${path.dirname(files.pr)} as an artifact for the next job`
    )
  } else if (plan.pullRequest !== undefined && plan.publish === 'comment') {
    // The comment workflow of a fork PR (mode: comment) can post a merged report too.
    if (results.merged) writeFileSync(files.pr, `${plan.pullRequest}\n`)
    await postComment(inputs, event.repository, plan.pullRequest, comment, results, io)
  }
  if (plan.store) {
    try {
      const saved = await store.save(results, event.sha)
      if (saved.stored) {
        io.log.info(`perfgate: results of ${event.sha.slice(0, 7)} stored on ${inputs.dataBranch}`)
      }
    } catch (error) {
      core.warning(
        `perfgate: could not store the results on ${inputs.dataBranch}: ${(error as Error).message}`
      )
    }
    await reportMainHistory(path.resolve(inputs.workingDirectory), inputs, event, store, io)
  }
  return outcome
}

/**
 * Comment mode (workflow_run after a fork PR's measure job). The artifact was written by
 * a job that ran the PR's code, so nothing in it is trusted as is: the PR number must
 * name a PR whose head is the commit the measured workflow ran on, the results must pass
 * validation, and the comparison is recomputed from the trials rather than read.
 */
async function commentFromArtifact(
  measuredSha: string,
  event: ActionEvent,
  inputs: ActionInputs,
  files: ActionFiles,
  io: ActionIo
): Promise<Outcome> {
  let prText: string
  try {
    prText = readFileSync(files.pr, 'utf8').trim()
  } catch (error) {
    return outcomeOfError(
      EXIT.usage,
      `${files.pr}: cannot read the pull request number (${(error as Error).message}); download the measure job's artifact into output-dir`
    )
  }
  const prNumber = Number(prText)
  if (!/^\d+$/.test(prText) || !Number.isSafeInteger(prNumber) || prNumber <= 0) {
    return outcomeOfError(EXIT.usage, `${files.pr}: expected a pull request number`)
  }
  const results = judge(readResultsFile(path.dirname(files.results), files.results))
  const outcome = outcomeOf(results)
  // Main's trend comes from the data branch (trusted), read in this job's checkout.
  const series = mainSeries(path.resolve(inputs.workingDirectory), inputs, io.log)
  const { model, comment } = await publishReport(inputs, results, files.report, [], series)
  logReport(results, io, model)

  // Trust first: the outputs of a refused artifact say error, not the artifact's verdict.
  const api = createCommentsApi(
    inputs.token,
    { ...event.repository, issueNumber: prNumber },
    { log: (m) => io.log.info(`perfgate: ${m}`) }
  )
  let headSha: string
  try {
    headSha = await api.pullHeadSha()
  } catch (error) {
    return refuseComment(`cannot read pull request #${prNumber}: ${(error as Error).message}`)
  }
  if (headSha !== measuredSha) {
    return refuseComment(
      `${files.pr} names pull request #${prNumber}, whose head is ${headSha.slice(0, 7)}, ` +
        `not the measured commit ${measuredSha.slice(0, 7)}: not commenting`
    )
  }
  io.outputs.set(outcome, results, files)
  await postComment(inputs, event.repository, prNumber, comment, results, io)
  return outcome
}

/** A comment refused for trust reasons: the step fails, the report stays in the summary. */
function refuseComment(message: string): Outcome {
  return outcomeOfError(EXIT.usage, message)
}

/** Runs the action for an event; returns its outcome (outputs are set on every path). */
export async function runAction(
  inputs: ActionInputs,
  event: ActionEvent,
  io: ActionIo
): Promise<Outcome> {
  useProjectNode(io.log)
  const cwd = path.resolve(inputs.workingDirectory)
  const outDir = path.resolve(cwd, inputs.outputDir)
  mkdirSync(outDir, { recursive: true })
  const files = {
    results: path.join(outDir, FILES.results),
    report: path.join(outDir, FILES.report),
    pr: path.join(outDir, FILES.pr),
    profiles: path.join(outDir, 'profiles')
  }
  let outcome: Outcome
  try {
    const plan = planAction(inputs, event, readCheckout(cwd))
    outcome =
      plan.kind === 'refuse'
        ? outcomeOfError(EXIT.usage, plan.message)
        : plan.kind === 'comment-from-artifact'
          ? await commentFromArtifact(plan.measuredSha, event, inputs, files, io)
          : plan.kind === 'merge'
            ? await carryOutMerge(plan, event, inputs, cwd, files, io)
            : await carryOutRun(plan, event, inputs, cwd, files, io)
  } catch (error) {
    const known = outcomeOfFailure(error)
    if (!known) throw error
    outcome = known
  }
  io.outputs.set(outcome)
  return outcome
}
