/**
 * What the action does on each event (DESIGN.md §1): on a pull request, measure head
 * against its merge-base (or a stored baseline) and post the report as one PR comment;
 * on a push to the default branch, measure and store the results on the data branch;
 * otherwise measure and check budgets. Every path writes the job summary, the outputs
 * and the report files, so a failed comment never loses the report.
 */
import * as core from '@actions/core'
import { context } from '@actions/github'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EXIT, main } from '../cli/main.js'
import { compareResults } from '../compare/compare.js'
import type { Comparison } from '../compare/types.js'
import { gitSync } from '../git/run.js'
import { renderMarkdownReport, renderMarkdownWithin, reportMarker } from '../report/markdown.js'
import { buildReport } from '../report/model.js'
import { parseResults, serializeResults } from '../results/format.js'
import type { Results } from '../results/types.js'
import { BranchStore } from '../store/branch-store.js'
import { VERSION } from '../version.js'
import { upsertComment } from './comment.js'
import type { ActionInputs } from './inputs.js'
import { createCommentsApi } from './octokit.js'

/** GitHub's limit for a comment body. */
export const COMMENT_LIMIT = 65_536
/** GitHub's limit for one step's job summary is 1 MiB; keep a margin. */
const SUMMARY_LIMIT = 1_000_000

const FILES = { results: 'results.json', report: 'report.md', pr: 'pr-number.txt' }

interface PullRequestPayload {
  number: number
  base: { sha: string; ref: string }
  head: { sha: string; ref: string; repo?: { full_name?: string } | null }
}

/** Makes sure a commit is present locally (actions/checkout fetches depth 1 by default). */
function ensureCommit(cwd: string, sha: string): void {
  if (gitSync(cwd, ['cat-file', '-e', `${sha}^{commit}`]).ok) return
  core.info(`fetching ${sha.slice(0, 7)} (set fetch-depth: 0 on actions/checkout to skip this)`)
  gitSync(cwd, ['fetch', '--no-tags', '--quiet', 'origin', sha], 300_000)
}

/** The CLI engine, with its output in the log. */
async function perfgate(args: string[], cwd: string): Promise<number> {
  const log = { write: (text: string) => process.stdout.write(text), isTTY: false }
  return main(args, { stdout: log, stderr: log, cwd })
}

function setOutputs(
  results: Results | undefined,
  code: number,
  files: { results: string; report: string }
): void {
  const counts = results?.comparison?.counts
  const verdict = code === EXIT.passed ? 'pass' : code === EXIT.gateFailed ? 'fail' : 'error'
  core.setOutput('verdict', verdict)
  core.setOutput('exit-code', String(code))
  core.setOutput('regressions', String(counts?.regressions ?? 0))
  core.setOutput('improvements', String(counts?.improvements ?? 0))
  core.setOutput('budgets-failed', String(counts?.budgetsFailed ?? 0))
  core.setOutput('results', files.results)
  core.setOutput('report', files.report)
}

function failFor(code: number, results: Results | undefined): void {
  if (code === EXIT.gateFailed) {
    core.setFailed(`perfgate: ${results?.comparison?.gate.reasons.join(', ') ?? 'gate failed'}`)
  } else if (code === EXIT.runtime) {
    core.setFailed('perfgate: a benchmark could not be measured (see the report)')
  } else if (code === EXIT.usage) {
    core.setFailed('perfgate: invalid configuration or input (see the log)')
  }
}

/**
 * Renders the report once for GitHub: written to `report.md` and the job summary (within
 * its size limit), and returned fitted to a comment.
 */
async function publishReport(
  inputs: ActionInputs,
  results: Results,
  comparison: Comparison,
  reportFile: string
): Promise<string> {
  const model = buildReport(results, comparison)
  const options = { id: inputs.commentId, version: VERSION }
  const full = renderMarkdownReport(model, options)
  writeFileSync(reportFile, full)
  await core.summary
    .addRaw(
      full.length > SUMMARY_LIMIT ? renderMarkdownWithin(model, SUMMARY_LIMIT, options) : full
    )
    .write()
  return renderMarkdownWithin(model, COMMENT_LIMIT, options)
}

async function postComment(
  inputs: ActionInputs,
  prNumber: number,
  body: string,
  comparison: Comparison
): Promise<void> {
  if (inputs.comment === 'never') return
  const c = comparison.counts
  const changed = c.regressions + c.improvements > 0 || comparison.gate.failed || c.errored > 0
  if (inputs.comment === 'on-change' && !changed) {
    core.info('perfgate: no change and no failure; not commenting (comment: on-change)')
    return
  }
  if (!inputs.token) {
    core.warning('perfgate: no token, so no PR comment; the report is in the job summary')
    return
  }
  try {
    const api = createCommentsApi(inputs.token, { ...context.repo, issueNumber: prNumber })
    const done = await upsertComment(api, reportMarker(inputs.commentId), body, {
      onRetry: (message) => core.info(`perfgate: ${message}`)
    })
    core.info(`perfgate: PR comment ${done.action}: ${done.url}`)
    core.setOutput('comment-url', done.url)
  } catch (error) {
    const status = (error as { status?: number }).status
    const hint =
      status === 403
        ? ' (a read-only token: on pull requests from forks, use the measure/comment workflow pair from the README)'
        : ''
    core.warning(
      `perfgate: could not post the PR comment: ${(error as Error).message}${hint}. The report is in the job summary.`
    )
  }
}

/**
 * Comment mode (workflow_run after a fork PR's measure job). The artifact was written by
 * a job that ran the PR's code, so nothing in it is trusted as is: the PR number must
 * name a PR whose head is the commit the measured workflow ran on, the results must pass
 * validation, and the comparison is recomputed from the trials rather than read.
 */
async function commentFromArtifact(
  inputs: ActionInputs,
  outDir: string,
  files: { results: string; report: string }
): Promise<void> {
  const run = (context.payload as { workflow_run?: { head_sha?: string } }).workflow_run
  if (!run?.head_sha) {
    throw new Error('mode: comment runs in a workflow_run workflow, after the measure workflow')
  }
  const prFile = path.join(outDir, FILES.pr)
  const prNumber = Number(readFileSync(prFile, 'utf8').trim())
  if (!Number.isInteger(prNumber) || prNumber <= 0)
    throw new Error(`${prFile}: expected a pull request number`)
  const results = parseResults(readFileSync(files.results, 'utf8'), files.results)
  const base = results.base?.benchmarks
  const mode = base ? (results.benchmarks.some((b) => b.paired) ? 'paired' : 'unpaired') : undefined
  const comparison = compareResults({
    mode,
    head: results.benchmarks,
    base,
    compare: results.compare
  })
  const checked: Results = { ...results, comparison }
  const body = await publishReport(inputs, checked, comparison, files.report)

  const api = createCommentsApi(inputs.token, { ...context.repo, issueNumber: prNumber })
  const headSha = await api.pullHeadSha().catch((error: Error) => {
    throw new Error(`cannot read pull request #${prNumber}: ${error.message}`)
  })
  if (headSha !== run.head_sha) {
    throw new Error(
      `${prFile} names pull request #${prNumber}, whose head is ${headSha.slice(0, 7)}, ` +
        `not the measured commit ${run.head_sha.slice(0, 7)}: not commenting`
    )
  }
  await postComment(inputs, prNumber, body, comparison)
  const code = comparison.gate.failed ? EXIT.gateFailed : EXIT.passed
  setOutputs(checked, code, files)
  failFor(code, checked)
}

/**
 * The action runs on its own Node (node24); the project's code should run on the Node
 * the workflow set up. Function workers use the first `node` on PATH.
 */
function useProjectNode(): void {
  if (process.env.PERFGATE_NODE) return
  const found = spawnSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' })
  const nodePath = found.status === 0 ? found.stdout.trim() : ''
  if (nodePath && nodePath !== process.execPath) {
    process.env.PERFGATE_NODE = nodePath
    core.info(`perfgate: function benchmarks run on ${nodePath}`)
  }
}

/** Runs the action with its inputs. */
export async function runAction(inputs: ActionInputs): Promise<void> {
  useProjectNode()
  const cwd = path.resolve(inputs.workingDirectory)
  const outDir = path.resolve(cwd, inputs.outputDir)
  mkdirSync(outDir, { recursive: true })
  const files = {
    results: path.join(outDir, FILES.results),
    report: path.join(outDir, FILES.report)
  }

  if (inputs.mode === 'comment') {
    await commentFromArtifact(inputs, outDir, files)
    return
  }

  const event = context.eventName
  // `setup` runs in every checkout that is measured: head here, base in its worktree.
  // The report is rendered here (publishReport), with this step's comment id.
  const args = ['run', '--config', inputs.config, '--out', files.results, '--setup-head']
  // Results of an earlier step must never pass for this run's.
  rmSync(files.results, { force: true })
  rmSync(files.report, { force: true })
  if (inputs.failOn !== 'config') args.push('--fail-on', inputs.failOn)
  const pr = (context.payload as { pull_request?: PullRequestPayload }).pull_request
  const isPullRequest =
    (event === 'pull_request' || event === 'pull_request_target') && pr !== undefined

  if (event === 'pull_request_target' && !inputs.allowPullRequestTarget) {
    throw new Error(
      'perfgate refuses to run on pull_request_target: it would run pull request code with a write token. ' +
        'Use pull_request (and the measure/comment pair for forks), or set allow-pull-request-target: true ' +
        'if this workflow checks out only trusted code.'
    )
  }

  const store = new BranchStore({
    cwd,
    branch: inputs.dataBranch,
    retention: inputs.retention,
    log: (m) => core.info(m)
  })
  if (isPullRequest) {
    const source = inputs.baseline === 'auto' ? 'merge-base' : inputs.baseline
    if (source === 'merge-base') {
      ensureCommit(cwd, pr.base.sha)
      args.push('--base', pr.base.sha)
    } else if (source === 'stored') {
      ensureCommit(cwd, pr.base.sha)
      const found = await store.findBaseline(pr.base.sha)
      if (found) {
        const file = path.join(outDir, 'baseline.json')
        writeFileSync(file, serializeResults(found.results))
        core.info(
          `perfgate: stored baseline of ${found.commit.slice(0, 7)} (merge-base ${pr.base.sha.slice(0, 7)})`
        )
        args.push('--baseline', file)
      } else {
        core.warning(
          `perfgate: no stored results for ${pr.base.sha.slice(0, 7)} or its ancestors on ${inputs.dataBranch}; checking budgets only`
        )
      }
    }
  }

  const code = await perfgate(args, cwd)
  let results: Results | undefined
  try {
    results = parseResults(readFileSync(files.results, 'utf8'), files.results)
  } catch {
    results = undefined // config or usage error: nothing was measured
  }
  if (results?.comparison) {
    const body = await publishReport(inputs, results, results.comparison, files.report)
    if (isPullRequest) {
      if (inputs.mode === 'measure') {
        writeFileSync(path.join(outDir, FILES.pr), `${pr.number}\n`)
        core.info(`perfgate: measured; upload ${outDir} as an artifact for the comment workflow`)
      } else {
        await postComment(inputs, pr.number, body, results.comparison)
      }
    }
    const defaultBranch = (context.payload as { repository?: { default_branch?: string } })
      .repository?.default_branch
    if (event === 'push' && defaultBranch && context.ref === `refs/heads/${defaultBranch}`) {
      try {
        await store.save(results, context.sha)
        core.info(`perfgate: results of ${context.sha.slice(0, 7)} stored on ${inputs.dataBranch}`)
      } catch (error) {
        core.warning(
          `perfgate: could not store the results on ${inputs.dataBranch}: ${(error as Error).message}`
        )
      }
    }
  }
  setOutputs(results, code, files)
  failFor(code, results)
}
