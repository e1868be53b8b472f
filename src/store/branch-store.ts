/**
 * Stored results on a data branch (default `perfgate-data`) of the repository's remote:
 *
 *     index.json                    the list of stored commits (see StoreIndex)
 *     results/<full-commit-sha>.json   one results file per measured commit
 *     index.html, .nojekyll         the history dashboard, for GitHub Pages (savePage)
 *
 * Written with git plumbing only — objects, a temporary index file, commit-tree, push —
 * so the user's working tree, index, HEAD and branches are never touched. The remote
 * branch is fetched into the private ref `refs/perfgate/<branch>`. Whenever the remote
 * branch changes under a save — created, moved or deleted by another job between the
 * fetch, the probe and the push — the save starts over from a new fetch, after a random
 * backoff, so concurrent jobs lose nothing. Only real errors (an unreachable remote, no
 * permission, corrupt data) stop it.
 * Everything read is checked; corrupt or foreign data is refused, never used or replaced.
 * Retention keeps the newest commits by ancestry, never by push order (order.ts).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DEFAULT_DATA_BRANCH } from '../config/defaults.js'
import { gitInvocation } from '../git/run.js'
import { parseResults, serializeResults } from '../results/format.js'
import type { Results, TrialResult } from '../results/types.js'
import {
  confirmationPath,
  parseConfirmation,
  serializeConfirmation,
  type StepConfirmation
} from '../history/confirmation.js'
import { newestFirst } from './order.js'
import {
  STORE_INDEX_SCHEMA_VERSION,
  type ResultsStore,
  type SaveOptions,
  type SaveOutcome,
  type StoredResults,
  type StoreIndex,
  type StoreIndexEntry
} from './types.js'

export class StoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreError'
  }
}

export const DEFAULT_REMOTE = 'origin'
export const DEFAULT_MAX_ATTEMPTS = 20
export const DEFAULT_IDENTITY = { name: 'perfgate', email: 'perfgate@users.noreply.github.com' }

const INDEX_FILE = 'index.json'
/** sha-1 or sha-256 object names, lowercase, full length (they name files on the branch). */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
/** Files a page may write at the branch's root: HTML pages and GitHub Pages' `.nojekyll`. */
const PAGE_FILE = /^(?:\.nojekyll|[\w-]+\.html)$/
const NETWORK_TIMEOUT_MS = 120_000
const LOCAL_TIMEOUT_MS = 60_000
/** Backoff after a lost race: random in [0, min(cap, base × 2^attempt)) ms. */
const BACKOFF_BASE_MS = 50
const BACKOFF_CAP_MS = 1000

export interface BranchStoreOptions {
  /** A directory inside the repository; every git command runs here. */
  readonly cwd: string
  /** Data branch on the remote. Default `perfgate-data`. */
  readonly branch?: string
  /** Remote name. Default `origin`. */
  readonly remote?: string
  /**
   * Keep only the newest N stored commits — newest by ancestry, see order.ts; a commit
   * older than N stored ones is not stored. Unset keeps everything.
   */
  readonly retention?: number
  /** Tries per save (or read) before giving up when other jobs keep changing the branch. Default 20. */
  readonly maxAttempts?: number
  /** Author and committer of data-branch commits (set via env: no git config needed). */
  readonly identity?: { readonly name: string; readonly email: string }
  readonly log?: (line: string) => void
}

interface GitRun {
  readonly code: number | null
  readonly stdout: string
  readonly stdoutBytes: Buffer
  readonly stderr: string
}

/** The data branch as fetched, or why it must be fetched again (another job changed it). */
type Fetched = { readonly tip: string | undefined } | { readonly raced: string }

/** What the local repository knows of a commit without its history. */
interface CommitFacts {
  readonly committedAt: string
  readonly parent: string | undefined
}

type Built =
  | { readonly kind: 'commit'; readonly dataCommit: string; replaced: boolean; removed: string[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'left out' }

/** What savePage did: wrote a commit, found the files as they are, or found no branch. */
export type PageOutcome = 'written' | 'unchanged' | 'no branch'

interface GitCall {
  readonly input?: string
  readonly env?: Readonly<Record<string, string>>
  readonly timeoutMs?: number
}

export class BranchStore implements ResultsStore {
  readonly branch: string
  readonly remote: string
  private readonly cwd: string
  private readonly retention: number | undefined
  private readonly maxAttempts: number
  /** Set for every git call, over the environment of src/git/run.ts. */
  private readonly env: Readonly<Record<string, string>>
  private readonly log: (line: string) => void
  private namesChecked: Promise<void> | undefined

  constructor(options: BranchStoreOptions) {
    this.cwd = options.cwd
    this.branch = options.branch ?? DEFAULT_DATA_BRANCH
    this.remote = options.remote ?? DEFAULT_REMOTE
    this.retention = options.retention
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
    this.log = options.log ?? (() => {})
    if (this.retention !== undefined && !(Number.isInteger(this.retention) && this.retention > 0)) {
      throw new StoreError(
        `retention: expected a whole number of commits above 0, got ${this.retention}`
      )
    }
    if (!(Number.isInteger(this.maxAttempts) && this.maxAttempts > 0)) {
      throw new StoreError(`maxAttempts: expected a whole number above 0, got ${this.maxAttempts}`)
    }
    // Names become arguments: one starting with '-' would be read as an option.
    for (const [what, name] of Object.entries({ branch: this.branch, remote: this.remote })) {
      if (name === '' || name.startsWith('-')) {
        throw new StoreError(`data store ${what}: "${name}" is not a valid name`)
      }
    }
    const identity = options.identity ?? DEFAULT_IDENTITY
    this.env = {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      // Never wait for a credential prompt on a runner; English messages for errors.
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C'
    }
  }

  private get trackingRef(): string {
    return `refs/perfgate/${this.branch}`
  }

  /** `origin/perfgate-data`, as named in messages. */
  private get where(): string {
    return `${this.remote}/${this.branch}`
  }

  /**
   * Stores `results` as the results of `commit` (a full sha, or a ref resolved in the
   * local repository). Storing a commit again replaces that commit's own results, and
   * only with results measured at that commit. Retention, when set, removes the oldest
   * commits in the same data-branch commit — or leaves these results out when their
   * commit is older than the N newest stored ones. Lost races are redone on the new tip.
   */
  async save(results: Results, commit: string, options: SaveOptions = {}): Promise<SaveOutcome> {
    await this.checkNames()
    const sha = FULL_SHA.test(commit) ? commit : await this.resolveCommit(commit)
    const measuredAt = results.environment.git?.commit
    if (measuredAt !== undefined && measuredAt !== sha) {
      throw new StoreError(
        `results measured at ${measuredAt} cannot be stored as the results of ${sha}: ` +
          `a commit's entry holds only that commit's own results`
      )
    }
    const text = storedText(results)
    // Never store what could not be read back.
    parseResults(text, `results of ${sha}`)
    const branch = options.branch ?? results.environment.git?.branch
    const facts = (await this.localCommits([sha])).get(sha)
    const entry: StoreIndexEntry = {
      commit: sha,
      file: resultsFile(sha),
      createdAt: results.createdAt,
      ...(branch !== undefined ? { branch } : {}),
      benchmarks: results.benchmarks.map((b) => b.name),
      ...(facts ? factsOf(facts) : {})
    }
    const short = sha.slice(0, 7)

    const tmp = mkdtempSync(path.join(tmpdir(), 'perfgate-index-'))
    try {
      const blob = await this.gitOut(['hash-object', '-w', '--stdin'], { input: text })
      return await this.updateBranch<SaveOutcome>(
        `store the results of ${short}`,
        async (tip, attempt) => {
          const built = await this.buildCommit(tip, entry, facts, blob, path.join(tmp, 'index'))
          const unchanged = { commit: sha, dataCommit: undefined, attempts: attempt, removed: [] }
          if (built.kind === 'unchanged') {
            this.log(`perfgate: results of ${short} already stored on ${this.where}`)
            return { result: { ...unchanged, replaced: true, stored: true } }
          }
          if (built.kind === 'left out') {
            this.log(
              `perfgate: retention ${this.retention}: results of ${short} not stored: ` +
                `${this.where} holds the results of ${this.retention} newer commit(s)`
            )
            return { result: { ...unchanged, replaced: false, stored: false } }
          }
          return {
            push: built.dataCommit,
            pushed: () => {
              if (built.removed.length > 0) {
                this.log(
                  `perfgate: retention ${this.retention}: removed the results of ` +
                    `${built.removed.length} older commit(s) from ${this.where}`
                )
              }
              return {
                commit: sha,
                dataCommit: built.dataCommit,
                attempts: attempt,
                replaced: built.replaced,
                removed: built.removed,
                stored: true
              }
            }
          }
        }
      )
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }

  /**
   * Writes `files` (paths relative to the branch's root, e.g. the dashboard's
   * `index.html`) onto the data branch beside the stored results, in one commit. Only onto
   * an existing perfgate data branch (checked like every write): a page is never the first
   * thing stored. 'unchanged' when the files already hold these contents.
   */
  async savePage(
    files: readonly { readonly path: string; readonly content: string }[],
    message: string
  ): Promise<PageOutcome> {
    for (const file of files) {
      if (!PAGE_FILE.test(file.path)) {
        throw new StoreError(`${file.path}: not a page file perfgate writes onto ${this.where}`)
      }
    }
    return this.writeFiles(files, message, 'write the dashboard')
  }

  /**
   * Stores a step's confirmation (a paired re-measure across the step's window) as
   * `confirmations/<commit>/<benchmark hash>.json`, so it is read back by history and never
   * measured again. Checked before it is written as it is when read. Like a page, only onto
   * an existing data branch.
   */
  async saveConfirmation(confirmation: StepConfirmation): Promise<PageOutcome> {
    const file = confirmationPath(confirmation.commit, confirmation.benchmark)
    const content = serializeConfirmation(confirmation)
    parseConfirmation(content, file)
    return this.writeFiles(
      [{ path: file, content }],
      `perfgate: confirmation of a step at ${confirmation.commit.slice(0, 7)}`,
      'store a confirmation'
    )
  }

  /** One commit writing `files` onto the existing data branch (see savePage). */
  private async writeFiles(
    files: readonly { readonly path: string; readonly content: string }[],
    message: string,
    what: string
  ): Promise<PageOutcome> {
    await this.checkNames()
    const tmp = mkdtempSync(path.join(tmpdir(), 'perfgate-index-'))
    try {
      const info: string[] = []
      for (const file of files) {
        const blob = await this.gitOut(['hash-object', '-w', '--stdin'], { input: file.content })
        info.push('--cacheinfo', `100644,${blob},${file.path}`)
      }
      return await this.updateBranch<PageOutcome>(what, async (tip) => {
        if (tip === undefined) return { result: 'no branch' }
        await this.readIndex(tip) // a foreign branch is never written to
        const env = { GIT_INDEX_FILE: path.join(tmp, 'index') }
        rmSync(env.GIT_INDEX_FILE, { force: true })
        await this.gitOut(['read-tree', tip], { env })
        await this.gitOut(['update-index', '--add', ...info], { env })
        const tree = await this.gitOut(['write-tree'], { env })
        if (tree === (await this.gitOut(['rev-parse', `${tip}^{tree}`]))) {
          return { result: 'unchanged' }
        }
        const commit = await this.gitOut([
          'commit-tree',
          '--no-gpg-sign',
          tree,
          '-p',
          tip,
          '-m',
          message
        ])
        return { push: commit, pushed: () => 'written' }
      })
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }

  /**
   * One write to the data branch: fetch its tip, build the next commit on it (`step`),
   * push. Whenever another job moved the branch in between, starts over from a new fetch
   * after a random backoff, up to maxAttempts times. `step` returns either a result
   * without pushing, or the commit to push and what to return once it is pushed.
   */
  private async updateBranch<T>(
    what: string,
    step: (
      tip: string | undefined,
      attempt: number
    ) => Promise<{ readonly result: T } | { readonly push: string; readonly pushed: () => T }>
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const fetched = await this.fetchTip()
      let raced: string
      if ('raced' in fetched) {
        raced = fetched.raced
      } else {
        const next = await step(fetched.tip, attempt)
        if ('result' in next) return next.result
        if ((await this.push(next.push)) === 'pushed') {
          // Only a cache of the remote branch (the next fetch forces it): never fatal.
          await this.git(['update-ref', this.trackingRef, next.push])
          return next.pushed()
        }
        raced = 'another job pushed first'
      }
      if (attempt >= this.maxAttempts) {
        throw new StoreError(
          `could not ${what} on ${this.where}: other jobs changed it ` +
            `during all ${this.maxAttempts} attempts (last: ${raced})`
        )
      }
      this.log(
        `perfgate: ${this.where} changed while writing (${raced}); ` +
          `starting over from its new tip (attempt ${attempt + 1} of ${this.maxAttempts})`
      )
      await backoff(attempt)
    }
  }

  /**
   * The stored results of `commit`, else those of its nearest stored ancestor (walking
   * the local repository's history, newest first), else undefined. Results of commits
   * that are not ancestors — other branches, later runs — are never returned.
   */
  async findBaseline(commit: string): Promise<StoredResults | undefined> {
    await this.checkNames()
    const sha = await this.resolveCommit(commit)
    const tip = await this.fetchSettledTip()
    if (tip === undefined) {
      this.log(`perfgate: ${this.where} does not exist yet: no stored results`)
      return undefined
    }
    const index = await this.readIndex(tip)
    const stored = new Map(index.entries.map((e) => [e.commit, e]))
    if (stored.size > 0) {
      // --topo-order: a descendant always comes before its ancestors, even with clock skew.
      const history = await this.gitOut(['rev-list', '--topo-order', sha])
      for (const line of history.split('\n')) {
        const entry = stored.get(line)
        if (entry) return { commit: entry.commit, results: await this.readResults(tip, entry) }
      }
    }
    if ((await this.gitOut(['rev-parse', '--is-shallow-repository'])) === 'true') {
      this.log(
        `perfgate: no stored results for ${sha.slice(0, 7)} in the fetched history, which is ` +
          `shallow: older ancestors were not searched (use actions/checkout with fetch-depth: 0)`
      )
    }
    return undefined
  }

  /** The results files' index on the data branch's tip (checked). */
  private async readIndex(tip: string): Promise<StoreIndex> {
    const run = await this.git(['cat-file', 'blob', `${tip}:${INDEX_FILE}`])
    if (run.code !== 0) {
      throw new StoreError(
        `${this.where} has no readable ${INDEX_FILE} (${firstLine(run.stderr)}): it is not a ` +
          `perfgate data branch; refusing to use or overwrite it (choose another data branch)`
      )
    }
    return parseStoreIndex(run.stdout, `${this.where}:${INDEX_FILE}`)
  }

  private async readResults(tip: string, entry: StoreIndexEntry): Promise<Results> {
    const where = `${this.where}:${entry.file}`
    const run = await this.git(['cat-file', 'blob', `${tip}:${entry.file}`])
    if (run.code !== 0) {
      throw new StoreError(`${where}: listed in ${INDEX_FILE} but missing on the branch`)
    }
    const results = parseResults(run.stdout, where)
    const measuredAt = results.environment.git?.commit
    if (measuredAt !== undefined && measuredAt !== entry.commit) {
      throw new StoreError(
        `${where}: holds results measured at ${measuredAt}, not at ${entry.commit}: refusing to use them`
      )
    }
    return results
  }

  /**
   * The next data-branch commit: the tip's tree (read into a temporary index file, never
   * the user's) plus this commit's results and the updated index, minus what retention
   * drops. 'unchanged' when the tree would not change; 'left out' when retention would
   * drop this very commit (it is older than the N newest stored ones).
   * @param facts what save() read of the entry's commit (not read again on every attempt)
   */
  private async buildCommit(
    tip: string | undefined,
    entry: StoreIndexEntry,
    facts: CommitFacts | undefined,
    blob: string,
    indexFile: string
  ): Promise<Built> {
    // Checked before anything is built: a foreign or corrupt branch is never overwritten.
    const current: StoreIndex = tip
      ? await this.readIndex(tip)
      : { schemaVersion: STORE_INDEX_SCHEMA_VERSION, tool: 'perfgate', entries: [] }
    // Retention compares every stored commit, but only when this save has to trim;
    // otherwise only entries to migrate are read.
    const count = current.entries.filter((e) => e.commit !== entry.commit).length + 1
    const trims = this.retention !== undefined && count > this.retention
    const wanted = current.entries.filter((e) => trims || !e.committedAt)
    // The entry's own commit comes last, as save() read it: no git process when there is
    // nothing else to read (the common save: no trimming, nothing to migrate).
    const local = await this.localCommits(wanted.map((e) => e.commit))
    if (facts && !local.has(entry.commit)) local.set(entry.commit, facts)
    // Migration: entries written before committer times were recorded get them now.
    const entries = current.entries.map((e) => {
      const facts = local.get(e.commit)
      return e.committedAt === undefined && facts ? { ...e, ...factsOf(facts) } : e
    })
    const rank = trims ? await this.historyRank([...local.keys()]) : new Map<string, number>()
    const added = addEntry({ ...current, entries }, entry, this.retention, rank)
    if (!added.stored) return { kind: 'left out' }
    const { index, replaced, removed } = added

    rmSync(indexFile, { force: true })
    const env = { GIT_INDEX_FILE: indexFile }
    await this.gitOut(tip ? ['read-tree', tip] : ['read-tree', '--empty'], { env })
    const indexBlob = await this.gitOut(['hash-object', '-w', '--stdin'], {
      input: serializeStoreIndex(index)
    })
    await this.gitOut(
      [
        'update-index',
        '--add',
        '--cacheinfo',
        `100644,${blob},${entry.file}`,
        '--cacheinfo',
        `100644,${indexBlob},${INDEX_FILE}`
      ],
      { env }
    )
    if (removed.length > 0) {
      await this.gitOut(['update-index', '--force-remove', '--', ...removed.map(resultsFile)], {
        env
      })
    }
    const tree = await this.gitOut(['write-tree'], { env })
    if (tip && tree === (await this.gitOut(['rev-parse', `${tip}^{tree}`]))) {
      return { kind: 'unchanged' }
    }
    const message =
      `perfgate: ${replaced ? 'replace' : 'store'} results of ${entry.commit}` +
      (removed.length > 0 ? `\n\nRetention ${this.retention}: removed ${removed.join(', ')}` : '')
    const dataCommit = await this.gitOut([
      'commit-tree',
      '--no-gpg-sign',
      tree,
      ...(tip ? ['-p', tip] : []),
      '-m',
      message
    ])
    return { kind: 'commit', dataCommit, replaced, removed }
  }

  /**
   * Committer time and first parent of those `commits` the local repository has, read
   * from the commit objects themselves: right on a shallow checkout too, where the
   * history (and so the parent, for git log) is cut off. Missing commits are left out.
   */
  private async localCommits(commits: readonly string[]): Promise<Map<string, CommitFacts>> {
    const found = new Map<string, CommitFacts>()
    const unique = [...new Set(commits)]
    if (unique.length === 0) return found
    // Never fetch a missing object from a partial clone's remote to answer this.
    const run = await this.git(['cat-file', '--batch'], {
      input: unique.join('\n') + '\n',
      env: { GIT_NO_LAZY_FETCH: '1' }
    })
    if (run.code !== 0) return found // then ordered without them
    const bytes = run.stdoutBytes
    for (let at = 0; at < bytes.length;) {
      const eol = bytes.indexOf(0x0a, at)
      if (eol < 0) break
      const [name, type, size] = bytes.toString('utf8', at, eol).split(' ')
      if (type === 'missing' || size === undefined) {
        at = eol + 1
        continue
      }
      const body = bytes.toString('utf8', eol + 1, eol + 1 + Number(size))
      at = eol + 1 + Number(size) + 1
      if (type !== 'commit' || name === undefined) continue
      const end = body.indexOf('\n\n')
      const headers = (end < 0 ? body : body.slice(0, end)).split('\n')
      const parent = headers.find((h) => h.startsWith('parent '))?.slice('parent '.length)
      const time = /^committer .* (\d+) [+-]\d{4}$/.exec(
        headers.find((h) => h.startsWith('committer ')) ?? ''
      )?.[1]
      if (time === undefined) continue
      found.set(name, {
        committedAt: new Date(Number(time) * 1000).toISOString(),
        parent: parent !== undefined && FULL_SHA.test(parent) ? parent : undefined
      })
    }
    return found
  }

  /**
   * Positions of local `commits` in `git rev-list --topo-order` (0 = newest): where the
   * history is present, a descendant always comes before its ancestors. Empty when there
   * is nothing to compare or the history cannot be walked (order.ts falls back).
   */
  private async historyRank(commits: readonly string[]): Promise<Map<string, number>> {
    const rank = new Map<string, number>()
    if (commits.length < 2) return rank
    const run = await this.git(['rev-list', '--topo-order', ...commits], {
      env: { GIT_NO_LAZY_FETCH: '1' }
    })
    if (run.code !== 0) return rank
    const wanted = new Set(commits)
    let position = 0
    for (const line of run.stdout.split('\n')) {
      if (wanted.has(line)) rank.set(line, position++)
    }
    return rank
  }

  /**
   * Fetches the data branch: its tip, or undefined when the remote has no such branch —
   * or `raced` when the branch changed while it was fetched (the fetch failed, then the
   * probe found the branch: another job created or moved it in between).
   */
  private async fetchTip(): Promise<Fetched> {
    const fetched = await this.git(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-recurse-submodules',
        '--no-write-fetch-head',
        this.remote,
        `+refs/heads/${this.branch}:${this.trackingRef}`
      ],
      { timeoutMs: NETWORK_TIMEOUT_MS }
    )
    if (fetched.code === 0) {
      return { tip: await this.gitOut(['rev-parse', '--verify', `${this.trackingRef}^{commit}`]) }
    }
    // Tell "no such branch" (exit 2) from a failing remote before starting afresh.
    const probe = await this.git(
      ['ls-remote', '--exit-code', '--heads', this.remote, `refs/heads/${this.branch}`],
      { timeoutMs: NETWORK_TIMEOUT_MS }
    )
    if (probe.code === 2) return { tip: undefined }
    const failure = firstLine(fetched.stderr) || `git exited with ${fetched.code}`
    // The remote answers and has the branch: it changed under the fetch. Retried; a
    // fetch that keeps failing is reported with its own message once attempts run out.
    if (probe.code === 0) return { raced: `the fetch failed as the branch changed: ${failure}` }
    throw new StoreError(`could not fetch ${this.branch} from ${this.remote}: ${failure}`)
  }

  /** fetchTip for reading: retried while other jobs keep changing the branch. */
  private async fetchSettledTip(): Promise<string | undefined> {
    for (let attempt = 1; ; attempt++) {
      const fetched = await this.fetchTip()
      if (!('raced' in fetched)) return fetched.tip
      if (attempt >= this.maxAttempts) {
        throw new StoreError(
          `could not fetch ${this.branch} from ${this.remote} in ${this.maxAttempts} attempts: ` +
            fetched.raced
        )
      }
      await backoff(attempt)
    }
  }

  /** Pushes without force: 'lost' when the branch moved since it was fetched. */
  private async push(dataCommit: string): Promise<'pushed' | 'lost'> {
    const run = await this.git(
      [
        'push',
        '--porcelain',
        '--no-verify',
        '--no-follow-tags',
        this.remote,
        `${dataCommit}:refs/heads/${this.branch}`
      ],
      { timeoutMs: NETWORK_TIMEOUT_MS }
    )
    if (run.code === 0) return 'pushed'
    // Porcelain status line: "!\t<src>:<dst>\t[rejected] (fetch first)". A concurrent
    // update on the server side shows as "[remote rejected] (cannot lock ref …)".
    const status = run.stdout.split('\n').find((line) => line.startsWith('!')) ?? ''
    if (
      /\[rejected\]/.test(status) ||
      (/\[remote rejected\]/.test(status) &&
        /cannot lock ref|failed to update ref|incorrect old value|fetch first|non-fast-forward|reference already exists|stale info/i.test(
          status
        ))
    ) {
      return 'lost'
    }
    throw new StoreError(
      `could not push to ${this.where}: ${firstLine(status.split('\t').slice(2).join(' ')) || firstLine(run.stderr) || `git exited with ${run.code}`}`
    )
  }

  /** Full sha of a commit the local repository has, or an error that says how to get it. */
  private async resolveCommit(commit: string): Promise<string> {
    const run = commit.startsWith('-')
      ? undefined
      : await this.git(['rev-parse', '--verify', '--quiet', `${commit}^{commit}`])
    if (run?.code !== 0 || !run.stdout.trim()) {
      throw new StoreError(
        `commit ${commit} is not in the local repository: stored results are matched by walking ` +
          `its history, which must be fetched (actions/checkout with fetch-depth: 0)`
      )
    }
    return run.stdout.trim()
  }

  private checkNames(): Promise<void> {
    this.namesChecked ??= (async () => {
      const run = await this.git(['check-ref-format', `refs/heads/${this.branch}`])
      if (run.code !== 0) {
        throw new StoreError(`data branch "${this.branch}" is not a valid git branch name`)
      }
    })()
    return this.namesChecked
  }

  private async gitOut(args: string[], call: GitCall = {}): Promise<string> {
    const run = await this.git(args, call)
    if (run.code !== 0) {
      throw new StoreError(
        `git ${args[0]} failed in ${this.cwd}: ${firstLine(run.stderr) || `exit code ${run.code}`}`
      )
    }
    return run.stdout.trim()
  }

  /** Runs git with explicit arguments (no shell) in the repository; never rejects on exit codes. */
  private git(args: string[], call: GitCall = {}): Promise<GitRun> {
    // Plumbing on objects, refs and a temporary index only: no work-tree file is read or
    // written, so no filter can run, and no synchronous lookup stalls concurrent saves.
    const git = gitInvocation(this.cwd, args, { ...this.env, ...call.env }, false)
    // Only our temporary index is ever used (call.env): an inherited one would be the user's.
    if (!call.env?.GIT_INDEX_FILE) delete git.env.GIT_INDEX_FILE
    return new Promise((resolve, reject) => {
      const child = spawn(git.command, git.args, {
        cwd: this.cwd,
        env: git.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: call.timeoutMs ?? LOCAL_TIMEOUT_MS
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.once('error', (error) =>
        reject(new StoreError(`could not run git in ${this.cwd}: ${error.message}`))
      )
      child.once('close', (code, signal) =>
        resolve({
          code: signal ? null : code,
          stdout: Buffer.concat(out).toString('utf8'),
          stdoutBytes: Buffer.concat(out),
          stderr: Buffer.concat(err).toString('utf8') + (signal ? `\n(killed by ${signal})` : '')
        })
      )
      // A failing git may exit before reading its input: that is reported by its exit code.
      child.stdin.on('error', () => {})
      child.stdin.end(call.input ?? '')
    })
  }
}

/** Trial details too large for every stored commit, that nothing reads from the branch. */
const UNSTORED_DETAILS = ['histogram']

/**
 * The text of a results file on the data branch: the results as `perfgate run` writes
 * them, without each HTTP trial's HDR histogram (`details.histogram`). A compressed
 * histogram is the bulk of an HTTP suite's results and cannot be delta-compressed by git
 * from commit to commit; no comparison or history view reads it (docs/PERFORMANCE.md,
 * "The data branch"). The results.json a run leaves keeps it.
 */
export function storedText(results: Results): string {
  const trim = <T extends { trials: readonly TrialResult[] }>(benchmark: T): T => ({
    ...benchmark,
    trials: benchmark.trials.map((trial) => {
      if (!trial.details || !UNSTORED_DETAILS.some((key) => key in trial.details!)) return trial
      const details = { ...trial.details }
      for (const key of UNSTORED_DETAILS) delete details[key]
      return { ...trial, details }
    })
  })
  return serializeResults({
    ...results,
    benchmarks: results.benchmarks.map(trim),
    ...(results.base
      ? { base: { ...results.base, benchmarks: results.base.benchmarks.map(trim) } }
      : {})
  })
}

function resultsFile(commit: string): string {
  return `results/${commit}.json`
}

/**
 * The index with `entry` added (or replacing the same commit's entry in place), trimmed
 * to the newest `retention` commits (by ancestry, see order.ts); `removed` lists the
 * commits trimmed away. `stored` is false, and the index unchanged, when `entry`'s own
 * commit would be trimmed: an old commit measured again never evicts newer ones.
 * @param historyRank see newestFirst
 */
export function addEntry(
  index: StoreIndex,
  entry: StoreIndexEntry,
  retention: number | undefined,
  historyRank: ReadonlyMap<string, number> = new Map()
): { index: StoreIndex; replaced: boolean; removed: string[]; stored: boolean } {
  const entries = [...index.entries]
  const at = entries.findIndex((e) => e.commit === entry.commit)
  if (at >= 0) entries[at] = entry
  else entries.push(entry)
  const replaced = at >= 0
  if (retention === undefined || entries.length <= retention) {
    return { index: { ...index, entries }, replaced, removed: [], stored: true }
  }
  const kept = new Set(
    newestFirst(entries, historyRank)
      .slice(0, retention)
      .map((e) => e.commit)
  )
  if (!kept.has(entry.commit)) return { index, replaced: false, removed: [], stored: false }
  return {
    index: { ...index, entries: entries.filter((e) => kept.has(e.commit)) },
    replaced,
    removed: entries.filter((e) => !kept.has(e.commit)).map((e) => e.commit),
    stored: true
  }
}

/** The index file's text (stable key order, trailing newline). */
export function serializeStoreIndex(index: StoreIndex): string {
  return JSON.stringify(index, null, 2) + '\n'
}

/**
 * Parses and checks `index.json`.
 * @param where named in error messages (branch and file)
 */
export function parseStoreIndex(text: string, where: string): StoreIndex {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new StoreError(
      `${where}: not valid JSON (${(error as Error).message}); expected a perfgate data-branch index`
    )
  }
  const fail = (at: string, expected: string): never => {
    throw new StoreError(`${where}: corrupt index at ${at}: expected ${expected}`)
  }
  if (!isObject(data) || data.tool !== 'perfgate') {
    throw new StoreError(`${where}: not a perfgate data-branch index (expected "tool": "perfgate")`)
  }
  const versions = `1 to ${STORE_INDEX_SCHEMA_VERSION}`
  if (typeof data.schemaVersion !== 'number') fail('schemaVersion', versions)
  if ((data.schemaVersion as number) > STORE_INDEX_SCHEMA_VERSION) {
    throw new StoreError(
      `${where}: written by a newer perfgate (schemaVersion ${data.schemaVersion}); ` +
        `this perfgate reads schemaVersion ${versions}: upgrade perfgate`
    )
  }
  if (!Number.isInteger(data.schemaVersion) || (data.schemaVersion as number) < 1) {
    fail('schemaVersion', versions)
  }
  // Version 1 is version 2 without committedAt and parent: read as is, written as 2.
  const v1 = data.schemaVersion === 1
  if (!Array.isArray(data.entries)) fail('entries', 'an array')
  const seen = new Set<string>()
  const entries = (data.entries as unknown[]).map((raw, i): StoreIndexEntry => {
    const at = `entries[${i}]`
    if (!isObject(raw)) return fail(at, 'an object')
    const { commit, file, createdAt, branch, benchmarks, committedAt, parent } = raw
    if (typeof commit !== 'string' || !FULL_SHA.test(commit)) {
      return fail(`${at}.commit`, 'a full commit sha')
    }
    if (seen.has(commit)) return fail(`${at}.commit`, `one entry per commit (${commit} repeats)`)
    seen.add(commit)
    if (file !== resultsFile(commit)) return fail(`${at}.file`, `"${resultsFile(commit)}"`)
    if (typeof createdAt !== 'string') return fail(`${at}.createdAt`, 'a string')
    if (branch !== undefined && typeof branch !== 'string') return fail(`${at}.branch`, 'a string')
    if (!Array.isArray(benchmarks) || !benchmarks.every((b) => typeof b === 'string')) {
      return fail(`${at}.benchmarks`, 'an array of names')
    }
    if (!v1 && committedAt !== undefined) {
      if (typeof committedAt !== 'string' || Number.isNaN(Date.parse(committedAt))) {
        return fail(`${at}.committedAt`, 'an ISO date')
      }
    }
    if (!v1 && parent !== undefined && (typeof parent !== 'string' || !FULL_SHA.test(parent))) {
      return fail(`${at}.parent`, 'a full commit sha')
    }
    return {
      commit,
      file,
      createdAt,
      ...(branch !== undefined ? { branch } : {}),
      benchmarks,
      ...(!v1 && typeof committedAt === 'string' ? { committedAt } : {}),
      ...(!v1 && typeof parent === 'string' ? { parent } : {})
    }
  })
  return { schemaVersion: STORE_INDEX_SCHEMA_VERSION, tool: 'perfgate', entries }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  )
}

function factsOf(facts: CommitFacts): Pick<StoreIndexEntry, 'committedAt' | 'parent'> {
  return {
    committedAt: facts.committedAt,
    ...(facts.parent !== undefined ? { parent: facts.parent } : {})
  }
}

/** Waits before trying again: full jitter, so racing jobs spread out. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return new Promise((resolve) => setTimeout(resolve, ms))
}
