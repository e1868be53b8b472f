/** Defaults of perfgate.yml, named in one place (README "Config reference" lists them). */

export const DEFAULT_CONFIG_FILE = 'perfgate.yml'
export const DEFAULT_TRIALS = 10
export const DEFAULT_TRIAL_TIMEOUT_MS = 120_000
export const DEFAULT_FUNCTION_TIME_MS = 500
export const DEFAULT_FUNCTION_WARMUP_MS = 100
export const DEFAULT_COMMAND_WARMUP_RUNS = 1
/**
 * 4 %: with "significant AND estimate past the threshold", a true change right at the
 * threshold is flagged only half the time; 4 % finds +5 % changes ≥ 88 % of the time at
 * the noise of typical function benchmarks (docs/PERFORMANCE.md, bench:verdict).
 */
export const DEFAULT_THRESHOLD = 0.04
export const DEFAULT_ALPHA = 0.05
export const DEFAULT_FAIL_ON = 'both'
export const DEFAULT_PAIRED_TEST = 't'
/** A/B looks happen every `trials` pairs, up to this many looks unless max-pairs says otherwise. */
export const DEFAULT_LOOKS = 3
export const DEFAULT_MAX_COMPARE_TIME_MS = 10 * 60_000
export const DEFAULT_HTTP_CONNECTIONS = 10
export const DEFAULT_HTTP_DURATION_MS = 3000
export const DEFAULT_HTTP_WARMUP_MS = 1000
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000
export const DEFAULT_READY_TIMEOUT_MS = 30_000
/**
 * A fresh server per trial: one kept alive carries a per-process bias (docs/DESIGN.md,
 * "Trials").
 */
export const DEFAULT_SERVER_RESTART = 'per-trial'
// MERGE: these two come from the config and constants work; keep theirs.
export const FAIL_ON_VALUES = ['both', 'budgets', 'regressions', 'none'] as const
export const MAX_TRIALS = 10_000
