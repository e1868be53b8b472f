/**
 * Acceptances from a pull request's comments: `/perfgate accept <benchmark> <bound>
 * <reason>` (src/compare/accept-command.ts), taken only from people with write access to
 * the repository. Comments by bots and comments that carry perfgate's report marker are
 * never read as commands (a report quotes the command it offers). Every command that is
 * not taken is returned as ignored, with why, so the report can say so.
 *
 * On a push to the default branch, pullRequestsOfCommit finds the pull request that was
 * merged into the commit, so its acceptances are stored with that commit's results.
 */
import { ALL_BENCHMARKS, limitsOf } from '../compare/accept.js'
import { parseAcceptCommands } from '../compare/accept-command.js'
import type { IgnoredAcceptance } from '../compare/types.js'
import type { MetricName } from '../metrics.js'
import { reportMarker } from '../report/markdown.js'
import type { Acceptance, BenchmarkResult } from '../results/types.js'
import { oneLine } from './comment.js'
import { createClient, type CommentsApiOptions } from './octokit.js'

/** A pull request comment, as far as acceptances need it. */
export interface PullComment {
  readonly body?: string
  readonly html_url: string
  readonly created_at: string
  readonly user: { readonly login: string; readonly type?: string } | null
}

/** A pull request a commit belongs to (GET /repos/{o}/{r}/commits/{sha}/pulls). */
export interface CommitPullRequest {
  readonly number: number
  /** When it was merged; null when it is open or was closed unmerged. */
  readonly merged_at: string | null
}

/** The part of GitHub's API acceptances use (the real client: createAcceptanceApi). */
export interface AcceptanceApi {
  /** The pull request's conversation comments, oldest first, a page at a time. */
  listComments(pullRequest: number): AsyncIterable<PullComment[]>
  /**
   * A user's permission on the repository: GitHub's `permission` (admin, write, read,
   * none) and `role_name` (admin, maintain, write, triage, read or a custom role);
   * undefined when GitHub does not know the user (404).
   */
  permission(login: string): Promise<{ permission: string; role_name?: string } | undefined>
  /** The pull requests a commit belongs to. */
  pullRequestsOfCommit(sha: string): Promise<CommitPullRequest[]>
}

/** A benchmark of the run and the metrics its gate tests (the bound applies to each). */
export interface GatedBenchmark {
  readonly name: string
  readonly gate: readonly MetricName[]
}

export interface AcceptanceRequest {
  readonly pullRequest: number
  /** The run's benchmarks: a command naming another one is ignored. */
  readonly benchmarks: readonly GatedBenchmark[]
}

export interface AcceptancesRead {
  readonly accepted: Acceptance[]
  readonly ignored: IgnoredAcceptance[]
}

/** Roles that may accept a regression. */
const WRITERS = new Set(['admin', 'maintain', 'write'])

/** What every perfgate report carries (whatever its comment id): never read as commands. */
const REPORT_MARKER_START = reportMarker('').replace(/ id=.*$/, '')

/** The benchmarks of a run's results with the metrics each one's gate tests. */
export function gatedBenchmarks(benchmarks: readonly BenchmarkResult[]): GatedBenchmark[] {
  return benchmarks.map((b) => ({ name: b.name, gate: b.settings.compare.gate }))
}

/** Why a login may not accept, or undefined when it may (permission asked once per login). */
async function refusal(
  api: AcceptanceApi,
  login: string,
  cache: Map<string, Promise<string | undefined>>
): Promise<string | undefined> {
  let answer = cache.get(login)
  if (!answer) {
    answer = api.permission(login).then(
      (p) => {
        if (!p) return 'is not known to the repository (no access)'
        if (WRITERS.has(p.permission) || WRITERS.has(p.role_name ?? '')) return undefined
        return `has ${p.role_name ?? p.permission} access, not write`
      },
      (error: unknown) => `could not be checked for write access (${failure(error)})`
    )
    cache.set(login, answer)
  }
  return answer
}

/** A failed request in a few words (no untrusted line breaks). */
function failure(error: unknown): string {
  const e = error as { status?: number; message?: string }
  return e?.status !== undefined ? `HTTP ${e.status}` : oneLine(e?.message ?? String(error), 120)
}

/** Whether a comment may hold commands: by a person, and no perfgate report. */
function readable(comment: PullComment): comment is PullComment & { body: string } {
  return (
    comment.user !== null &&
    comment.user.type !== 'Bot' &&
    comment.body !== undefined &&
    !comment.body.includes(REPORT_MARKER_START)
  )
}

/**
 * The acceptances given on a pull request, with their limits (the bound on each gated
 * metric of the benchmark, or of every benchmark for `all`), and the commands ignored:
 * bad syntax, an unknown benchmark, a commenter without write access.
 */
export async function readAcceptances(
  api: AcceptanceApi,
  request: AcceptanceRequest
): Promise<AcceptancesRead> {
  const accepted: Acceptance[] = []
  const ignored: IgnoredAcceptance[] = []
  const cache = new Map<string, Promise<string | undefined>>()
  const allMetrics = request.benchmarks.flatMap((b) => b.gate)
  for await (const page of api.listComments(request.pullRequest)) {
    for (const comment of page) {
      if (!readable(comment)) continue
      const commands = parseAcceptCommands(comment.body)
      if (commands.length === 0) continue
      const by = comment.user!.login
      const ignore = (reason: string) => ignored.push({ by, url: comment.html_url, reason })
      const refused = await refusal(api, by, cache)
      for (const command of commands) {
        if (refused) {
          ignore(refused)
          continue
        }
        if (!command.ok) {
          ignore(command.error)
          continue
        }
        const bench = request.benchmarks.find((b) => b.name === command.benchmark)
        if (command.benchmark !== ALL_BENCHMARKS && !bench) {
          ignore(`no benchmark named ${oneLine(command.benchmark, 120)} in this run`)
          continue
        }
        accepted.push({
          benchmark: command.benchmark,
          reason: command.reason,
          by,
          at: comment.created_at,
          pullRequest: request.pullRequest,
          url: comment.html_url,
          limits: limitsOf(bench ? bench.gate : allMetrics, command.bound)
        })
      }
    }
  }
  return { accepted, ignored }
}

/**
 * The pull request merged into a commit (a push to the default branch), or undefined when
 * the commit came without one (a direct push).
 */
export async function mergedPullRequestOf(
  api: AcceptanceApi,
  sha: string
): Promise<number | undefined> {
  const pulls = await api.pullRequestsOfCommit(sha)
  return pulls.find((p) => p.merged_at !== null)?.number
}

/** The real AcceptanceApi on the shared client (retries, throttling, timeouts). */
export function createAcceptanceApi(
  token: string,
  repository: { readonly owner: string; readonly repo: string },
  options: CommentsApiOptions = {}
): AcceptanceApi {
  const octokit = createClient(token, options)
  const { owner, repo } = repository
  return {
    async *listComments(pullRequest) {
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: pullRequest,
        per_page: 100
      })) {
        yield page.data.map((c) => ({
          body: c.body,
          html_url: c.html_url,
          created_at: c.created_at,
          user: c.user ? { login: c.user.login, type: c.user.type } : null
        }))
      }
    },
    async permission(login) {
      try {
        const response = await octokit.rest.repos.getCollaboratorPermissionLevel({
          owner,
          repo,
          username: login
        })
        const { permission, role_name } = response.data
        return { permission, ...(role_name ? { role_name } : {}) }
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined
        throw error
      }
    },
    async pullRequestsOfCommit(sha) {
      const response = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner,
        repo,
        commit_sha: sha
      })
      return response.data.map((p) => ({ number: p.number, merged_at: p.merged_at }))
    }
  }
}
