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
  /** Tries it took: more than 1 when other jobs pushed to the data branch first. */
  readonly attempts: number
  /** Whether results already stored for this commit were replaced. */
  readonly replaced: boolean
  /** Commits whose results retention removed in the same data-branch commit. */
  readonly removed: readonly string[]
}

export interface ResultsStore {
  /** Stores `results` as the results of `commit` (replacing that commit's own earlier results). */
  save(results: Results, commit: string, options?: SaveOptions): Promise<SaveOutcome>
  /** The stored results of `commit`, else of its nearest stored ancestor, else undefined. */
  findBaseline(commit: string): Promise<StoredResults | undefined>
}

export const STORE_INDEX_SCHEMA_VERSION = 1

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
}

/**
 * `index.json` on the data branch (schemaVersion 1):
 *
 *     { "schemaVersion": 1, "tool": "perfgate",
 *       "entries": [ { "commit": "<sha>", "file": "results/<sha>.json",
 *                      "createdAt": "<ISO time>", "branch": "main",
 *                      "benchmarks": ["name", …] }, … ] }
 *
 * Entries are in the order commits were first stored (oldest first, one per commit);
 * storing a commit again replaces its entry in place. Retention keeps the last N entries.
 * Push order is not commit order when jobs race, so history views order by git ancestry.
 */
export interface StoreIndex {
  readonly schemaVersion: typeof STORE_INDEX_SCHEMA_VERSION
  readonly tool: 'perfgate'
  readonly entries: readonly StoreIndexEntry[]
}
