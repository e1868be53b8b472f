/** What the profile use case hands the report (pure data). */
import type { ProfileDiff } from './diff.js'

/** What profiling found for one benchmark. */
export type BenchmarkProfile =
  | {
      readonly benchmark: string
      readonly status: 'profiled'
      readonly diff: ProfileDiff
      /** Profiled trials per side that gave a profile. */
      readonly trials: { readonly base: number; readonly head: number }
      /** Files written (absolute), when an output directory was given. */
      readonly files?: {
        readonly base: readonly string[]
        readonly head: readonly string[]
        readonly flameGraph: string
      }
    }
  | {
      readonly benchmark: string
      readonly status: 'unavailable'
      /** Why no profile: not Node, or the profiled trial failed. */
      readonly message: string
    }
