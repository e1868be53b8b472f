/**
 * Confirmations of steps on main (pure): a candidate step found by the change-point search
 * at commit C is re-measured on one runner as a paired A/B of the stored commit after C
 * against the stored commit before C's parent, so a step anywhere in the search's
 * location error is measured (src/app/confirm.ts), for that benchmark only. The outcome is stored on the data branch
 * as `confirmations/<commit>/<sha256 of the benchmark name>.json`, so it is never measured
 * again, and read back with the checks any stored file gets (size, JSON, shape, and the
 * commit and benchmark its path names).
 */
import { createHash } from 'node:crypto'
import { Ajv } from 'ajv'
import { METRIC_NAMES, type MetricName } from '../metrics.js'

/** One metric of a confirmation's paired A/B: its head against its base. */
export interface ConfirmationMetric {
  readonly metric: MetricName
  /** Head / base, with its interval and the paired test's p. */
  readonly ratio: number
  readonly low: number
  readonly high: number
  readonly p: number
  /** Smallest change that matters for this metric, as a fraction. */
  readonly threshold: number
}

/**
 * A stored confirmation: the paired A/B of the stored commit just after a step's window
 * against the stored commit just before it (src/app/confirm.ts, confirmationWindow).
 */
export interface StepConfirmation {
  readonly schemaVersion: 1
  readonly benchmark: string
  /** Full sha of the step's first commit as the change-point search named it. */
  readonly commit: string
  /** Full sha of its first parent. */
  readonly parent: string
  /**
   * Full sha of the commit measured as base (before the window); absent in records made
   * before the window, which measured the commit against its parent.
   */
  readonly base?: string
  /** Full sha of the commit measured as head (after the window); absent as `base` is. */
  readonly head?: string
  /** When it was measured (ISO 8601). */
  readonly at: string
  /** Pairs measured (0 when it could not be measured). */
  readonly pairs: number
  /** Significance level of the verdicts. */
  readonly alpha: number
  /** The benchmark's metrics as the pairs measured them. */
  readonly metrics: readonly ConfirmationMetric[]
  /** Why the A/B could not be measured (then `metrics` is empty). */
  readonly error?: string
  /**
   * Where in the window the step lies, when the pairs confirmed a step and the window
   * holds more than one commit: a bisection of the window, each probe a paired A/B against
   * the window's base (src/app/confirm.ts). Absent when not tried.
   */
  readonly located?: StepLocation
}

/** The outcome of locating a confirmed step inside its window. */
export interface StepLocation {
  /** Full sha of the step's first commit; absent when the bisection stopped short. */
  readonly commit?: string
  /** Paired A/Bs the bisection measured (0: the window held one commit). */
  readonly probes: number
  /** Why it stopped short, when `commit` is absent. */
  readonly reason?: string
}

/** What a confirmation says about one step. */
export type ConfirmationVerdict = 'confirmed' | 'not-confirmed' | 'unmeasured'

/** A step's confirmation as `--json` shows it. */
export interface ConfirmedStep {
  /** The commits the pairs compared: the step lies between them (base excluded). */
  readonly base: string
  readonly head: string
  /** The step's first commit as the bisection of the window located it, when it did. */
  readonly at?: string
  /**
   * The pairs moved against the direction of the step the stored values showed (the
   * runner's drift reversed it there): the step is the pairs' one, at their ratio.
   */
  readonly opposite: boolean
  readonly ratio: number
  readonly low: number
  readonly high: number
  readonly pairs: number
  readonly verdict: ConfirmationVerdict
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/** The data branch's folder of confirmations. */
export const CONFIRMATIONS_DIR = 'confirmations'

/** Largest confirmation file read: a few hundred bytes per metric. */
export const MAX_CONFIRMATION_BYTES = 64 * 1024

/** The file of a confirmation, relative to the data branch's root. */
export function confirmationPath(commit: string, benchmark: string): string {
  if (!SHA.test(commit)) throw new RangeError(`not a full commit sha: ${JSON.stringify(commit)}`)
  const hash = createHash('sha256').update(benchmark, 'utf8').digest('hex')
  return `${CONFIRMATIONS_DIR}/${commit}/${hash}.json`
}

/** A confirmation's path on the data branch: `confirmations/<sha>/<64 hex>.json`. */
export const CONFIRMATION_FILE = /^confirmations\/([0-9a-f]{40}|[0-9a-f]{64})\/[0-9a-f]{64}\.json$/

const number = { type: 'number' } as const
const SCHEMA = {
  type: 'object',
  required: ['schemaVersion', 'benchmark', 'commit', 'parent', 'at', 'pairs', 'alpha', 'metrics'],
  properties: {
    schemaVersion: { const: 1 },
    benchmark: { type: 'string', minLength: 1, maxLength: 1000 },
    commit: { type: 'string', pattern: SHA.source },
    parent: { type: 'string', pattern: SHA.source },
    base: { type: 'string', pattern: SHA.source },
    head: { type: 'string', pattern: SHA.source },
    at: { type: 'string', maxLength: 100 },
    pairs: { type: 'integer', minimum: 0 },
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    metrics: {
      type: 'array',
      maxItems: METRIC_NAMES.length,
      items: {
        type: 'object',
        required: ['metric', 'ratio', 'low', 'high', 'p'],
        properties: {
          metric: { enum: METRIC_NAMES },
          ratio: number,
          low: number,
          high: number,
          p: number
        }
      }
    },
    error: { type: 'string', maxLength: 2000 },
    located: {
      type: 'object',
      required: ['probes'],
      properties: {
        commit: { type: 'string', pattern: SHA.source },
        probes: { type: 'integer', minimum: 0 },
        reason: { type: 'string', maxLength: 2000 }
      }
    }
  }
} as const

const validate = new Ajv({ allErrors: false, strict: false }).compile<StepConfirmation>(SCHEMA)

/**
 * The commits a confirmation's pairs compared: its base and head, or for a record made
 * before the window (neither stored) the step's commit against its parent.
 */
export function comparedCommits(confirmation: StepConfirmation): {
  readonly base: string
  readonly head: string
} {
  return {
    base: confirmation.base ?? confirmation.parent,
    head: confirmation.head ?? confirmation.commit
  }
}

/**
 * "between 1a2b3c4 and 5d6e7f8": where a confirmation places the step, after its base and
 * at or before its head (short shas; hex only, so safe as markdown and on a terminal).
 */
export function betweenText(compared: { readonly base: string; readonly head: string }): string {
  return `between ${compared.base.slice(0, 7)} and ${compared.head.slice(0, 7)}`
}

/**
 * Where a confirmation places the step: "at 3c4d5e6 (located between 1a2b3c4 and
 * 5d6e7f8)" when the window's bisection found the commit, else `betweenText`; and
 * ", opposite to the stored values" when the pairs moved the other way (short shas and
 * fixed words only: safe as markdown and on a terminal).
 */
export function whereText(confirmed: ConfirmedStep): string {
  const between = betweenText(confirmed)
  const where = confirmed.at ? `at ${confirmed.at.slice(0, 7)} (located ${between})` : between
  return confirmed.opposite ? `${where}, opposite to the stored values` : where
}

/** The commit a step is named at: where its confirmation located it, else where it was found. */
export function stepCommit(step: {
  readonly commit: string
  readonly confirmed: ConfirmedStep | null
}): string {
  return step.confirmed?.at ?? step.commit
}

/** The file's text (stable, trailing newline). */
export function serializeConfirmation(confirmation: StepConfirmation): string {
  return JSON.stringify(confirmation, null, 2) + '\n'
}

/**
 * Parses and checks a stored confirmation; `file` (its path on the data branch) must be
 * the path of the commit and benchmark it names, so no file can stand in for another.
 * Throws an Error naming the file and the problem.
 */
export function parseConfirmation(text: string, file: string): StepConfirmation {
  if (Buffer.byteLength(text) > MAX_CONFIRMATION_BYTES) {
    throw new Error(`${file}: larger than a confirmation can be (${MAX_CONFIRMATION_BYTES} bytes)`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`)
  }
  if (!validate(data)) {
    const error = validate.errors![0]!
    const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'the file'
    throw new Error(`${file}: not a perfgate confirmation: ${where} ${error.message ?? 'invalid'}`)
  }
  if (!file.endsWith(confirmationPath(data.commit, data.benchmark))) {
    throw new Error(
      `${file}: holds the confirmation of ${JSON.stringify(data.benchmark)} at ${data.commit}, ` +
        'not the one its path names'
    )
  }
  return data
}

/**
 * The verdict of a confirmation on a step of `stepRatio` in `metric`: confirmed when the
 * pairs show a significant change (p < alpha) whose estimate is at least the threshold
 * either way (the rule of a PR's regression, on the head against the base); not confirmed
 * otherwise; unmeasured when the A/B failed or lacks the metric. The pairs are the arbiter:
 * the stored values place a step, but drift between stored runs can turn its direction
 * (seen: stored −43 %, pairs +9.0 % [+6.5, +11.6]), so a change against it is a step too,
 * marked `opposite`.
 */
export function confirmationVerdict(
  confirmation: StepConfirmation,
  metric: MetricName,
  stepRatio: number
): ConfirmedStep {
  const measured = confirmation.metrics.find((m) => m.metric === metric)
  const compared = comparedCommits(confirmation)
  if (!measured || confirmation.error !== undefined) {
    return {
      ...compared,
      opposite: false,
      ratio: NaN,
      low: NaN,
      high: NaN,
      pairs: confirmation.pairs,
      verdict: 'unmeasured'
    }
  }
  const upper = 1 + measured.threshold
  const beyond = measured.ratio >= upper || measured.ratio <= 1 / upper
  const confirmed = measured.p < confirmation.alpha && beyond
  const at = confirmed ? confirmation.located?.commit : undefined
  return {
    ...compared,
    ...(at !== undefined ? { at } : {}),
    opposite: confirmed && measured.ratio >= 1 !== stepRatio >= 1,
    ratio: measured.ratio,
    low: measured.low,
    high: measured.high,
    pairs: confirmation.pairs,
    verdict: confirmed ? 'confirmed' : 'not-confirmed'
  }
}
