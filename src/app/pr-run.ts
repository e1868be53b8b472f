/**
 * The pull-request (or CI) run, the one use case both front ends call: a typed request in —
 * measure this suite against this baseline, merge these shards, compare these two files,
 * or judge this results file again — and `{ results, outcome, report }` out, handed in
 * order to the publishers the front end passed. The store, the checkout's git facts, the
 * publishers and the log come in as small interfaces, so the CLI and the action only turn
 * their input into a request and choose where the run is published.
 */
import { randomInt } from 'node:crypto'
import type { FailOn } from '../config/types.js'
import type { Series } from '../history/series.js'
import { buildReport, type ReportModel } from '../report/model.js'
import { profileSections, withProfiles } from '../report/profile.js'
import { trendsOf } from '../report/trend.js'
import { configHash } from '../results/hash.js'
import type { JudgedResults, Results } from '../results/types.js'
import type { ProfileRunner } from '../runners/profile.js'
import type { TrialRunner } from '../runners/types.js'
import type { ResultsStore } from '../store/types.js'
import { withAcceptances, type PullRequestAcceptances } from './acceptances.js'
import { readResultsFile } from './files.js'
import { judge } from './judge.js'
import { mergeShards, type MergeExpectation, type ShardFile } from './merge.js'
import { outcomeOf, type Outcome } from './outcome.js'
import type { BenchmarkProfile } from './profile.js'
import type { ProgressStream } from './progress.js'
import { RequestError, type Baseline, type RunRequest } from './requests.js'
import { compareStored, runBenchmarks } from './run.js'
import { sharedSeed } from './shards.js'

/** What head is compared with, as a front end asks for it (made concrete by the use case). */
export type BaselineRequest =
  | { readonly kind: 'none'; readonly why?: string }
  /** Same-runner A/B against the merge-base of `ref` and HEAD (fetched when missing). */
  | { readonly kind: 'merge-base'; readonly ref: string }
  /** Same-runner A/B against exactly this commit (fetched alone when missing). */
  | { readonly kind: 'commit'; readonly commit: string }
  /** A results file (`--baseline`), read before anything is measured. */
  | { readonly kind: 'file'; readonly cwd: string; readonly file: string }
  /** The store's results of this commit or of its nearest stored ancestor. */
  | { readonly kind: 'stored-for'; readonly commit: string }

/** Measure the suite (or one shard of it) against a baseline. */
export interface MeasureRequest extends Omit<RunRequest, 'baseline' | 'seed'> {
  readonly kind: 'measure'
  readonly baseline: BaselineRequest
  /** The pair order's seed; drawn when undefined (shards share one: commit and config). */
  readonly seed?: number
  /** The commit measured when the checkout cannot say (the action's GITHUB_SHA). */
  readonly commit?: string
}

/** Judge the results of every shard of a job matrix as one run. */
export interface MergeRequest {
  readonly kind: 'merge'
  readonly shards: readonly ShardFile[]
  /** Overrides the shards' fail-on policy. */
  readonly failOn?: FailOn
  /**
   * The baseline the shards were planned with: shards of another commit (the checkout's
   * HEAD, else `commit`) or of another base are refused. Absent: not checked.
   */
  readonly expect?: { readonly baseline: BaselineRequest; readonly commit: string }
}

/** Head's results against a base's, both read already (`perfgate compare`). */
export interface CompareRequest {
  readonly kind: 'compare'
  readonly base: Results
  readonly head: Results
  readonly baseSource: string
}

/** A results file judged again by this perfgate's rules (the fork recipe's comment job). */
export interface RejudgeRequest {
  readonly kind: 'rejudge'
  /** The file, and the folder its messages name it from. */
  readonly cwd: string
  readonly file: string
}

export type PrRunRequest = MeasureRequest | MergeRequest | CompareRequest | RejudgeRequest

/** A judged run: what every publisher gets. The report model is built once, here. */
export interface JudgedRun {
  readonly results: JudgedResults
  readonly outcome: Outcome
  readonly report: ReportModel
}

/** Where a judged run goes: a file, a terminal, a comment, a store. Called in order. */
export interface Publisher {
  publish(run: JudgedRun): Promise<void> | void
}

/** The run's log: progress, notes, and warnings that should stand out. */
export interface PrRunLog extends ProgressStream {
  info(line: string): void
  warning(line: string): void
}

/** The checkout's git facts (src/git/checkout.ts `checkoutGit` binds them to a directory). */
export interface CheckoutGit {
  head(): { readonly headSha: string }
  /** Makes `sha` present; `history`: its ancestors too. Absent: commits are not fetched. */
  ensureCommit?(sha: string, history: boolean): void
  /** Absent: a merge's base is not checked. */
  mergeBase?(a: string, b: string): string | undefined
}

/** Where stored baselines come from (the data branch), and its name for messages. */
export interface BaselineStore extends Pick<ResultsStore, 'findBaseline'> {
  readonly name: string
}

export interface PrRunDependencies {
  /** Starts trials (the real one spawns processes; tests script it). */
  readonly runner: TrialRunner
  readonly log: PrRunLog
  /** The checkout's git facts; absent: no commit is fetched and no shard commit is known. */
  readonly git?: CheckoutGit
  /** Needed by a `stored-for` baseline. */
  readonly store?: BaselineStore
  /** Gets partial results after each benchmark (see RunDependencies.onPartial). */
  readonly onPartial?: (partial: Results) => void
  /** Profiles a regression (per the config or request); `link` shows a profile's folder. */
  readonly profiler?: {
    readonly runner: ProfileRunner
    readonly outDir: string
    readonly link: (dir: string) => string
  }
  /**
   * The acceptances given for these results (a pull request's `/perfgate accept` comments,
   * commenters' permissions checked), applied before the outcome; undefined: none read.
   */
  readonly acceptances?: (results: JudgedResults) => Promise<PullRequestAcceptances | undefined>
  /** Main's series for the report's trends; undefined: no trends. */
  readonly series?: () => readonly Series[] | undefined
  /** Where the judged run goes, in this order. */
  readonly publishers: readonly Publisher[]
}

/** Runs a request to a judged run, hands it to every publisher in order, and returns it. */
export async function prRun(request: PrRunRequest, deps: PrRunDependencies): Promise<JudgedRun> {
  let profiles: readonly BenchmarkProfile[] = []
  const judged = await judgedResults(request, deps, (found) => (profiles = found))
  const read = await deps.acceptances?.(judged)
  const results = read ? withAcceptances(judged, read) : judged
  const built = withProfiles(
    buildReport(results, results.comparison),
    profileSections(profiles, deps.profiler?.link ?? ((dir) => dir))
  )
  const series = deps.series?.()
  const report = series ? { ...built, trends: trendsOf(series, results.comparison) } : built
  const run: JudgedRun = { results, outcome: outcomeOf(results), report }
  for (const publisher of deps.publishers) await publisher.publish(run)
  return run
}

/** The judged results a request asks for. */
async function judgedResults(
  request: PrRunRequest,
  deps: PrRunDependencies,
  onProfiles: (profiles: BenchmarkProfile[]) => void
): Promise<JudgedResults> {
  switch (request.kind) {
    case 'measure':
      return measure(request, deps, onProfiles)
    case 'merge': {
      const merged = mergeShards(
        request.shards,
        request.expect && mergeExpectation(request.expect, deps)
      )
      return request.failOn
        ? judge({ ...merged, compare: { ...merged.compare, failOn: request.failOn } })
        : merged
    }
    case 'compare':
      return compareStored(request.base, request.head, request.baseSource)
    case 'rejudge':
      return judge(readResultsFile(request.cwd, request.file))
  }
}

/** Checks the request's product rules before anything is read or measured. */
function checkMeasureRequest(request: MeasureRequest): void {
  const ab = request.baseline.kind === 'merge-base' || request.baseline.kind === 'commit'
  if (request.maxDurationMs !== undefined && !ab) {
    // The budget shares an A/B's pairs among undecided benchmarks; a run of head alone has
    // no looks to stop at, so the flag would silently do nothing.
    throw new RequestError(
      '--max-duration: a time budget is for an A/B run and needs --base <git-ref>; ' +
        'without it every benchmark runs its trials (set fewer with --trials)'
    )
  }
}

async function measure(
  request: MeasureRequest,
  deps: PrRunDependencies,
  onProfiles: (profiles: BenchmarkProfile[]) => void
): Promise<JudgedResults> {
  checkMeasureRequest(request)
  const { kind: _kind, baseline: asked, seed: _seed, commit: _commit, ...rest } = request
  const baseline = await resolveBaseline(asked, deps)
  return runBenchmarks(
    { ...rest, baseline, seed: seedOf(request, deps) },
    {
      runner: deps.runner,
      log: deps.log,
      ...(deps.onPartial ? { onPartial: deps.onPartial } : {}),
      ...(deps.profiler
        ? {
            profiler: {
              runner: deps.profiler.runner,
              log: deps.log,
              outDir: deps.profiler.outDir,
              onProfiles
            }
          }
        : {})
    }
  )
}

/** The request's seed; shards of one matrix agree on one (the commit and the config). */
function seedOf(request: MeasureRequest, deps: PrRunDependencies): number {
  if (request.seed !== undefined) return request.seed
  if (!request.shard) return randomInt(2 ** 31)
  return sharedSeed(deps.git?.head().headSha || request.commit, configHash(request.config))
}

/** The baseline a request names, made concrete (commits fetched, stored results loaded). */
async function resolveBaseline(asked: BaselineRequest, deps: PrRunDependencies): Promise<Baseline> {
  switch (asked.kind) {
    case 'none':
      return { kind: 'none' }
    case 'commit':
      deps.git?.ensureCommit?.(asked.commit, false)
      return { kind: 'commit', commit: asked.commit }
    case 'merge-base':
      deps.git?.ensureCommit?.(asked.ref, true)
      return { kind: 'merge-base', ref: asked.ref }
    case 'file':
      return {
        kind: 'stored',
        results: readResultsFile(asked.cwd, asked.file),
        source: asked.file
      }
    case 'stored-for':
      return storedBaseline(asked.commit, deps)
  }
}

/** The store's results of `commit` or its nearest stored ancestor; none (budgets only) else. */
async function storedBaseline(commit: string, deps: PrRunDependencies): Promise<Baseline> {
  const store = deps.store
  if (!store) throw new Error('a stored baseline needs a store')
  deps.git?.ensureCommit?.(commit, true)
  const found = await store.findBaseline(commit)
  if (!found) {
    deps.log.warning(
      `perfgate: no stored results for ${commit.slice(0, 7)} or its ancestors on ${store.name}; checking budgets only`
    )
    return { kind: 'none' }
  }
  deps.log.info(
    `perfgate: stored baseline of ${found.commit.slice(0, 7)} (base ${commit.slice(0, 7)})`
  )
  return { kind: 'stored', results: found.results, source: `on ${store.name}` }
}

/**
 * The run the merged shards are published as: the commit checked out (else the given
 * commit, GITHUB_SHA in the action) and the base the shards' plan named, where it can be
 * known here. Artifacts of another commit (an older push, another workflow run) are refused.
 */
function mergeExpectation(
  expect: NonNullable<MergeRequest['expect']>,
  deps: PrRunDependencies
): MergeExpectation {
  const head = deps.git?.head().headSha
  const commit = head || expect.commit
  const expected = { commit, commitSource: head ? 'the checked-out HEAD' : 'GITHUB_SHA' }
  const planned = expect.baseline
  switch (planned.kind) {
    case 'none':
      return { ...expected, base: { commit: null, source: planned.why ?? 'no baseline' } }
    case 'commit':
      return {
        ...expected,
        base: { commit: planned.commit, source: "the first parent of GitHub's merge commit" }
      }
    case 'merge-base': {
      const found = head ? deps.git?.mergeBase?.(commit, planned.ref) : undefined
      if (found) {
        return {
          ...expected,
          base: { commit: found, source: `the merge-base with ${planned.ref.slice(0, 7)}` }
        }
      }
      deps.log.info(
        `perfgate: the shards' base commit is not checked (no history here for the merge-base with ${planned.ref.slice(0, 7)})`
      )
      return expected
    }
    case 'file':
    case 'stored-for':
      // The stored baseline is the nearest stored ancestor of the base: any of several.
      return expected
  }
}
