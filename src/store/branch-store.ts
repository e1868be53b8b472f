/**
 * Stored results on a data branch (default `perfgate-data`) of the repository's remote:
 *
 *     index.json                    the list of stored commits (see StoreIndex)
 *     results/<full-commit-sha>.json   one results file per measured commit
 *
 * Written with git plumbing only — objects, a temporary index file, commit-tree, push —
 * so the user's working tree, index, HEAD and branches are never touched. The remote
 * branch is fetched into the private ref `refs/perfgate/<branch>`. A push that loses a
 * race with another job is redone on top of the new tip, so concurrent jobs lose nothing.
 * Everything read is checked; corrupt or foreign data is refused, never used or replaced.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseResults, serializeResults } from '../results/format.js'
import type { Results } from '../results/types.js'
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

export const DEFAULT_DATA_BRANCH = 'perfgate-data'
export const DEFAULT_REMOTE = 'origin'
export const DEFAULT_MAX_ATTEMPTS = 10
export const DEFAULT_IDENTITY = { name: 'perfgate', email: 'perfgate@users.noreply.github.com' }

const INDEX_FILE = 'index.json'
/** sha-1 or sha-256 object names, lowercase, full length (they name files on the branch). */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
const NETWORK_TIMEOUT_MS = 120_000
const LOCAL_TIMEOUT_MS = 60_000
/** Backoff after a lost push race: random in [0, min(cap, base × 2^attempt)) ms. */
const BACKOFF_BASE_MS = 50
const BACKOFF_CAP_MS = 1000

export interface BranchStoreOptions {
  /** A directory inside the repository; every git command runs here. */
  readonly cwd: string
  /** Data branch on the remote. Default `perfgate-data`. */
  readonly branch?: string
  /** Remote name. Default `origin`. */
  readonly remote?: string
  /** Keep only the newest N stored commits (index order); unset keeps everything. */
  readonly retention?: number
  /** Tries per save before giving up when other jobs keep pushing first. Default 10. */
  readonly maxAttempts?: number
  /** Author and committer of data-branch commits (set via env: no git config needed). */
  readonly identity?: { readonly name: string; readonly email: string }
  readonly log?: (line: string) => void
}

interface GitRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

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
  private readonly env: NodeJS.ProcessEnv
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
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      // Never wait for a credential prompt on a runner; English messages for errors.
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C'
    }
    // Only our temporary index is ever used: an inherited one would be the user's.
    delete env.GIT_INDEX_FILE
    this.env = env
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
   * entries in the same data-branch commit. Lost push races are redone on the new tip.
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
    const text = serializeResults(results)
    // Never store what could not be read back.
    parseResults(text, `results of ${sha}`)
    const branch = options.branch ?? results.environment.git?.branch
    const entry: StoreIndexEntry = {
      commit: sha,
      file: resultsFile(sha),
      createdAt: results.createdAt,
      ...(branch !== undefined ? { branch } : {}),
      benchmarks: results.benchmarks.map((b) => b.name)
    }

    const tmp = mkdtempSync(path.join(tmpdir(), 'perfgate-index-'))
    try {
      const blob = await this.gitOut(['hash-object', '-w', '--stdin'], { input: text })
      for (let attempt = 1; ; attempt++) {
        const tip = await this.fetchTip()
        const built = await this.buildCommit(tip, entry, blob, path.join(tmp, 'index'))
        if (built.dataCommit === undefined) {
          this.log(`perfgate: results of ${sha.slice(0, 7)} already stored on ${this.where}`)
          return {
            commit: sha,
            dataCommit: undefined,
            attempts: attempt,
            replaced: true,
            removed: []
          }
        }
        const pushed = await this.push(built.dataCommit)
        if (pushed === 'pushed') {
          await this.gitOut(['update-ref', this.trackingRef, built.dataCommit])
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
            removed: built.removed
          }
        }
        if (attempt >= this.maxAttempts) {
          throw new StoreError(
            `could not store the results of ${sha.slice(0, 7)} on ${this.where}: other jobs ` +
              `pushed first on all ${this.maxAttempts} attempts`
          )
        }
        this.log(
          `perfgate: ${this.where} moved while storing (another job pushed first); ` +
            `retrying on the new tip (attempt ${attempt + 1} of ${this.maxAttempts})`
        )
        await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt))
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true })
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
    const tip = await this.fetchTip()
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
   * drops. Undefined when the tree would not change.
   */
  private async buildCommit(
    tip: string | undefined,
    entry: StoreIndexEntry,
    blob: string,
    indexFile: string
  ): Promise<{ dataCommit: string | undefined; replaced: boolean; removed: string[] }> {
    // Checked before anything is built: a foreign or corrupt branch is never overwritten.
    const current: StoreIndex = tip
      ? await this.readIndex(tip)
      : { schemaVersion: STORE_INDEX_SCHEMA_VERSION, tool: 'perfgate', entries: [] }
    const { index, replaced, removed } = addEntry(current, entry, this.retention)

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
      return { dataCommit: undefined, replaced, removed }
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
    return { dataCommit, replaced, removed }
  }

  /** Fetches the data branch; its tip, or undefined when the remote has no such branch. */
  private async fetchTip(): Promise<string | undefined> {
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
    if (fetched.code === 0)
      return this.gitOut(['rev-parse', '--verify', `${this.trackingRef}^{commit}`])
    // Tell "no such branch yet" (exit 2) from a failing remote before starting afresh.
    const probe = await this.git(
      ['ls-remote', '--exit-code', '--heads', this.remote, `refs/heads/${this.branch}`],
      { timeoutMs: NETWORK_TIMEOUT_MS }
    )
    if (probe.code === 2) return undefined
    throw new StoreError(
      `could not fetch ${this.branch} from ${this.remote}: ${firstLine(fetched.stderr) || `git exited with ${fetched.code}`}`
    )
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
        /cannot lock ref|failed to update ref|incorrect old value|fetch first|non-fast-forward/i.test(
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
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.cwd,
        env: call.env ? { ...this.env, ...call.env } : this.env,
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
          stderr: Buffer.concat(err).toString('utf8') + (signal ? `\n(killed by ${signal})` : '')
        })
      )
      // A failing git may exit before reading its input: that is reported by its exit code.
      child.stdin.on('error', () => {})
      child.stdin.end(call.input ?? '')
    })
  }
}

function resultsFile(commit: string): string {
  return `results/${commit}.json`
}

/**
 * The index with `entry` added (or replacing the same commit's entry in place), trimmed
 * to the newest `retention` entries; `removed` lists the commits trimmed away.
 */
export function addEntry(
  index: StoreIndex,
  entry: StoreIndexEntry,
  retention: number | undefined
): { index: StoreIndex; replaced: boolean; removed: string[] } {
  const entries = [...index.entries]
  const at = entries.findIndex((e) => e.commit === entry.commit)
  if (at >= 0) entries[at] = entry
  else entries.push(entry)
  const drop = retention === undefined ? 0 : Math.max(0, entries.length - retention)
  return {
    index: { ...index, entries: entries.slice(drop) },
    replaced: at >= 0,
    removed: entries.slice(0, drop).map((e) => e.commit)
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
  if (typeof data.schemaVersion !== 'number') fail('schemaVersion', `${STORE_INDEX_SCHEMA_VERSION}`)
  if ((data.schemaVersion as number) > STORE_INDEX_SCHEMA_VERSION) {
    throw new StoreError(
      `${where}: written by a newer perfgate (schemaVersion ${data.schemaVersion}); ` +
        `this perfgate reads schemaVersion ${STORE_INDEX_SCHEMA_VERSION}: upgrade perfgate`
    )
  }
  if (data.schemaVersion !== STORE_INDEX_SCHEMA_VERSION) {
    fail('schemaVersion', `${STORE_INDEX_SCHEMA_VERSION}`)
  }
  if (!Array.isArray(data.entries)) fail('entries', 'an array')
  const seen = new Set<string>()
  const entries = (data.entries as unknown[]).map((raw, i): StoreIndexEntry => {
    const at = `entries[${i}]`
    if (!isObject(raw)) return fail(at, 'an object')
    const { commit, file, createdAt, branch, benchmarks } = raw
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
    return { commit, file, createdAt, ...(branch !== undefined ? { branch } : {}), benchmarks }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
