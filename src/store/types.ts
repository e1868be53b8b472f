/**
 * What a results store offers the action and the CLI: keep a commit's results, and find
 * the baseline of a commit — its own stored results or those of its nearest stored
 * ancestor, never "whatever ran last" (docs/DESIGN.md, "Stored baselines").
 */
import type { Results } from '../results/types.js'

/** Results read back from a store, with the commit they were measured at. */
export interface StoredResults {
  /** Full sha of the measured commit (the asked-for commit or one of its ancestors). */
  readonly commit: string
  readonly results: Results
}

export interface SaveOptions {
  /**
   * The source branch the commit was measured on, kept in the index for history views.
   * Default: the branch recorded in the results' environment, if any.
   */
  readonly branch?: string
}

export interface SaveOutcome {
  /** Full sha of the measured commit the results were stored under. */
  readonly commit: string
  /** The data-branch commit that now holds them (undefined when nothing changed). */
  readonly dataCommit: string | undefined
  /** Tries it took: more than 1 when other jobs changed the data branch meanwhile. */
  readonly attempts: number
  /** Whether results already stored for this commit were replaced. */
  readonly replaced: boolean
  /** Commits whose results retention removed in the same data-branch commit. */
  readonly removed: readonly string[]
  /**
   * False when retention left the results out: the branch already holds results of as
   * many commits, all newer than this one (an old commit measured again). Nothing changed.
   */
  readonly stored: boolean
}

export interface ResultsStore {
  /** Stores `results` as the results of `commit` (replacing that commit's own earlier results). */
  save(results: Results, commit: string, options?: SaveOptions): Promise<SaveOutcome>
  /** The stored results of `commit`, else of its nearest stored ancestor, else undefined. */
  findBaseline(commit: string): Promise<StoredResults | undefined>
}

/** Written by this perfgate; it also reads (and migrates on write) every older version. */
export const STORE_INDEX_SCHEMA_VERSION = 2

/**
 * One stored commit in `index.json`. The index lets readers find a commit's results and
 * list the history without opening every results file.
 */
export interface StoreIndexEntry {
  /** Full sha of the measured commit. */
  readonly commit: string
  /** Path of its results file on the data branch: always `results/<commit>.json`. */
  readonly file: string
  /** When the results were measured (the results file's `createdAt`). */
  readonly createdAt: string
  /** The source branch the commit was measured on, when known. */
  readonly branch?: string
  /** Names of the benchmarks in the results file, in its order. */
  readonly benchmarks: readonly string[]
  /**
   * Committer time of the measured commit (ISO, UTC), when it was known: with `parent`,
   * it orders stored commits without the repository's history (see order.ts).
   * Added in schemaVersion 2; absent for older entries whose commit was not at hand.
   */
  readonly committedAt?: string
  /** Full sha of the measured commit's first parent (absent for a root commit, or unknown). */
  readonly parent?: string
}

/**
 * `index.json` on the data branch (schemaVersion 2):
 *
 *     { "schemaVersion": 2, "tool": "perfgate",
 *       "entries": [ { "commit": "<sha>", "file": "results/<sha>.json",
 *                      "createdAt": "<ISO time>", "branch": "main",
 *                      "benchmarks": ["name", …],
 *                      "committedAt": "<ISO time>", "parent": "<sha>" }, … ] }
 *
 * Entries are in the order commits were first stored (one per commit); storing a commit
 * again replaces its entry in place. Push order is not commit order when jobs race, so
 * retention (and any history view) orders by ancestry instead (order.ts).
 * schemaVersion 1 had no `committedAt` and `parent`; it is read, and rewritten as 2
 * (with those fields filled in where the commits are in the local repository).
 */
export interface StoreIndex {
  readonly schemaVersion: typeof STORE_INDEX_SCHEMA_VERSION
  readonly tool: 'perfgate'
  readonly entries: readonly StoreIndexEntry[]
}
