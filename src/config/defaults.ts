/**
 * Defaults of perfgate.yml, of the CLI and of the action, named in one place (docs/config.md
 * "Config reference" lists them; a test checks that action.yml documents the same).
 */

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
/**
 * 0.5 % for instruction counts: five times their noise floor (0.1 %, src/metrics.ts), so a
 * change below about 0.3 % is "unchanged" from one pair, and half of the smallest planted
 * change perfgate's own benchmark must find (a 1 % longer loop reads +0.98 %; ~2 % more
 * handler work per request reads +1.3 %: docs/PERFORMANCE.md, bench:instructions).
 */
export const DEFAULT_INSTRUCTION_THRESHOLD = 0.005
/**
 * What verdicts rest on (`measure`, `--measure`, the action's `measure` input): wall-clock
 * metrics, instruction counts under valgrind, or both (each gated).
 */
export const MEASURE_VALUES = ['time', 'instructions', 'both'] as const
export type Measure = (typeof MEASURE_VALUES)[number]
export const DEFAULT_MEASURE: Measure = 'time'
/**
 * Pairs per look of a benchmark measured on instructions alone: 1, one pair decides
 * "unchanged" and a second confirms a change (src/stats/sequential.ts). Counts
 * repeat within the noise floor (a function's window, and commands and servers whose Node
 * processes run with the repeatability flags: docs/PERFORMANCE.md, bench:instructions), and
 * a count that could not repeat (a Node process started without the flags) is an error,
 * not a number. Should counts still spread, the second look's pairs show it and the metric
 * falls back to the ordinary paired test.
 */
export const DEFAULT_INSTRUCTION_TRIALS = 1
/** What may fail the build: compare.fail-on, the CLI's --fail-on, the action's fail-on. */
export const FAIL_ON_VALUES = ['both', 'budgets', 'regressions', 'none'] as const
export type FailOn = (typeof FAIL_ON_VALUES)[number]
export const DEFAULT_FAIL_ON: FailOn = 'both'
/**
 * The paired tests of A/B runs (compare.test): 20 % trimmed mean with the trimmed t (the
 * default: a few trials slowed as a whole by a busy machine do not wreck it; docs/DESIGN.md,
 * "Robust paired statistics"), paired t-test, exact sign-flip test.
 */
export const PAIRED_TEST_VALUES = ['trimmed', 't', 'sign-flip'] as const
export type PairedTest = (typeof PAIRED_TEST_VALUES)[number]
export const DEFAULT_PAIRED_TEST: PairedTest = 'trimmed'
/**
 * Stop an undecided benchmark at a look once the last look is less than 5 % likely to
 * decide it: a benchmark too noisy to decide by the cap ends inconclusive at an earlier
 * look instead of running every pair (docs/DESIGN.md, "Stopping early for futility").
 */
export const DEFAULT_FUTILITY = 0.05
/** A/B looks happen every `trials` pairs, up to this many looks unless max-pairs says otherwise. */
export const DEFAULT_LOOKS = 3
export const DEFAULT_MAX_COMPARE_TIME_MS = 10 * 60_000
export const DEFAULT_HTTP_CONNECTIONS = 10
/**
 * 1 s of measured load after 0.5 s of warm-up: on a busy 2-core machine, 3 s trials took
 * 1.8× the wall time per pair and were not steadier per unit of wall time (CPU per request:
 * paired SD 22 % → 29 % quiet, 21 % → 15 % with a busy neighbour; a fresh server's own
 * bias dominates, not the window's length); only 1 s trials fit 20 pairs in ~90 s
 * (docs/PERFORMANCE.md, bench:verdict-http).
 */
export const DEFAULT_HTTP_DURATION_MS = 1000
export const DEFAULT_HTTP_WARMUP_MS = 500
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000
export const DEFAULT_READY_TIMEOUT_MS = 30_000
/**
 * A fresh server per trial: one kept alive carries a per-process bias (docs/DESIGN.md,
 * "Trials").
 */
export const DEFAULT_SERVER_RESTART = 'per-trial'
/** Most trials per benchmark (config `trials` and the CLI's `--trials`). */
export const MAX_TRIALS = 10_000

/** Branch of the repository's remote that stores the default branch's results. */
export const DEFAULT_DATA_BRANCH = 'perfgate-data'
/** Tells apart the PR comments of several perfgate steps (and their hidden markers). */
export const DEFAULT_COMMENT_ID = 'default'
/** Where the action writes its files, relative to its working directory. */
export const DEFAULT_OUTPUT_DIR = 'perfgate-output'
/** The files the action writes in its output directory. */
export const OUTPUT_FILES = {
  results: 'results.json',
  report: 'report.md',
  /** Measure mode: the PR a later comment job posts to. */
  pr: 'pr-number.txt'
} as const

/*
 * Bounds: values past them are typos or hostile input, and some would overflow (Node's
 * timers fire at once past 2^31−1 ms) or allocate without limit. docs/config.md,
 * "Bounds", lists them.
 */
/** Longest duration anywhere in the config (24 hours); every duration feeds a timer. */
export const MAX_DURATION_MS = 24 * 60 * 60_000
/** Most base/head pairs per benchmark (`compare.max-pairs`). */
export const MAX_PAIRS = DEFAULT_LOOKS * MAX_TRIALS
/** Most unmeasured runs before each measured run of a command benchmark. */
export const MAX_COMMAND_WARMUP_RUNS = 1000
/** Most concurrent connections of an http benchmark's load generator. */
export const MAX_HTTP_CONNECTIONS = 1000
/** Most requests in flight per connection. */
export const MAX_HTTP_PIPELINING = 100
/** Highest fixed request rate (requests/s). */
export const MAX_HTTP_RATE = 1_000_000
/** Most repetitions of one request in the sequence (`weight`). */
export const MAX_REQUEST_WEIGHT = 1000
/** Longest benchmark name, in characters (names are table cells and log lines). */
export const MAX_NAME_LENGTH = 100
/** Longest config text, in characters (real configs are a few kilobytes). */
export const MAX_CONFIG_LENGTH = 1_000_000
/**
 * Most values (mappings, lists and scalars) a config may hold once YAML aliases are
 * expanded: a generous bound for real configs that stops alias bombs before they expand.
 */
export const MAX_CONFIG_VALUES = 100_000
