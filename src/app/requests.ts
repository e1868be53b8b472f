/**
 * What the front ends ask of the application layer. The CLI turns argv into these, the
 * action turns its event and inputs into them; neither knows the other.
 */
import type { Config, FailOn, ProfileMode } from '../config/types.js'
import type { Results } from '../results/types.js'
import type { ShardSpec } from './shards.js'

/** Errors in a request (bad flag values, a filter matching nothing): exit 2. */
export class RequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RequestError'
  }
}

/** What head is compared with. */
export type Baseline =
  | { readonly kind: 'none' }
  /** Same-runner A/B against the merge-base of `ref` and HEAD. */
  | { readonly kind: 'merge-base'; readonly ref: string }
  /**
   * Same-runner A/B against exactly this commit (the action's pull request base: the first
   * parent of the merge commit GitHub checks out), with no walk through history.
   */
  | { readonly kind: 'commit'; readonly commit: string }
  /** Results stored by an earlier run (a file, or the data branch), compared across runs. */
  | { readonly kind: 'stored'; readonly results: Results; readonly source: string }

export interface RunRequest {
  /** The validated config; its `compare.failOn` is the one the run is judged by. */
  readonly config: Config
  /** Only benchmarks whose name matches (all when undefined). */
  readonly filter?: RegExp
  readonly baseline: Baseline
  /** Overrides every benchmark's trial count. */
  readonly trials?: number
  /** Seed of the pair order in A/B runs (recorded in the results). */
  readonly seed: number
  /** Overrides the config's fail-on policy. */
  readonly failOn?: FailOn
  /** Runs the config's `setup` in the working tree before measuring head. */
  readonly setupHead: boolean
  /** Measure only this shard of the (filtered) suite. */
  readonly shard?: ShardSpec
  /** Overrides compare.max-duration: the time budget of an A/B run, in ms. */
  readonly maxDurationMs?: number
  /** Overrides the config's `profile` (the --profile flag: always). */
  readonly profile?: ProfileMode
}
