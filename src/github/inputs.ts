/** The action's inputs (names as in action.yml), read and checked in one place. */
import { parseShard, type ShardSpec } from '../app/shards.js'
import {
  DEFAULT_COMMENT_ID,
  DEFAULT_CONFIG_FILE,
  DEFAULT_DATA_BRANCH,
  DEFAULT_OUTPUT_DIR,
  FAIL_ON_VALUES,
  MEASURE_VALUES,
  type FailOn,
  type Measure
} from '../config/defaults.js'
import { quote } from '../config/errors.js'
import { parseWholeNumber } from '../config/units.js'

export const Inputs = {
  config: 'config',
  workingDirectory: 'working-directory',
  token: 'token',
  mode: 'mode',
  baseline: 'baseline',
  failOn: 'fail-on',
  measure: 'measure',
  comment: 'comment',
  commentId: 'comment-id',
  dataBranch: 'data-branch',
  retention: 'retention',
  outputDir: 'output-dir',
  shard: 'shard',
  shardResults: 'shard-results',
  allowPrTarget: 'allow-pull-request-target',
  changePointIssues: 'change-point-issues',
  dashboard: 'dashboard',
  check: 'check'
} as const

/** The allowed values of the inputs that take one of a list (action.yml lists the same). */
export const INPUT_CHOICES = {
  mode: ['auto', 'measure', 'comment', 'merge'],
  baseline: ['auto', 'merge-base', 'stored', 'none'],
  failOn: ['config', ...FAIL_ON_VALUES],
  measure: ['config', ...MEASURE_VALUES],
  comment: ['always', 'on-change', 'never']
} as const

export type Mode = (typeof INPUT_CHOICES.mode)[number]
export type BaselineSource = (typeof INPUT_CHOICES.baseline)[number]
export type CommentPolicy = (typeof INPUT_CHOICES.comment)[number]

/** What an input left empty means (action.yml documents the same defaults). */
export const INPUT_DEFAULTS = {
  config: DEFAULT_CONFIG_FILE,
  workingDirectory: '.',
  mode: 'auto',
  baseline: 'auto',
  /** The config's compare.fail-on. */
  failOn: 'config',
  /** The config's measure (per benchmark, default time). */
  measure: 'config',
  comment: 'always',
  commentId: DEFAULT_COMMENT_ID,
  dataBranch: DEFAULT_DATA_BRANCH,
  outputDir: DEFAULT_OUTPUT_DIR,
  shardResults: 'perfgate-shards',
  dashboard: 'true',
  check: 'true'
} as const satisfies Partial<Record<keyof typeof Inputs, string>>

export interface ActionInputs {
  readonly config: string
  readonly workingDirectory: string
  readonly token: string
  readonly mode: Mode
  readonly baseline: BaselineSource
  readonly failOn: 'config' | FailOn
  /** Overrides the config's `measure` unless 'config'. */
  readonly measure?: 'config' | Measure
  readonly comment: CommentPolicy
  readonly commentId: string
  readonly dataBranch: string
  readonly retention: number | undefined
  readonly outputDir: string
  /** This job's share of the suite in a job matrix. */
  readonly shard: ShardSpec | undefined
  /** mode: merge — the directory holding the shards' results (searched recursively). */
  readonly shardResults: string
  readonly allowPullRequestTarget: boolean
  /** On a push to main: open or update one issue per new step change. */
  readonly changePointIssues: boolean
  /** On a push to main: write the history dashboard onto the data branch. */
  readonly dashboard: boolean
  /**
   * On a pull request (and in the fork recipe's comment workflow): post a Check run with the
   * verdict and annotations, when there is a token.
   */
  readonly check: boolean
}

export class InputError extends Error {}

/** The variables holding the inputs: the process's, or those perfgate took out of it at start. */
type InputSource = Readonly<Record<string, string | undefined>>

/** An input's value as the runner passes it (`INPUT_<NAME>`, as @actions/core reads it), trimmed. */
function inputOf(source: InputSource, name: string): string {
  return (source[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

function choice<T extends string>(
  source: InputSource,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const value = inputOf(source, name) || fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`input ${name}: expected one of ${allowed.join(', ')}, got "${value}"`)
  }
  return value as T
}

function booleanInput(source: InputSource, name: string, fallback = false): boolean {
  const value = inputOf(source, name).toLowerCase()
  if (value === '') return fallback
  if (value === 'false') return false
  if (value === 'true') return true
  throw new InputError(`input ${name}: expected true or false, got "${value}"`)
}

function shardInput(source: InputSource): ShardSpec | undefined {
  const text = inputOf(source, Inputs.shard)
  if (text === '') return undefined
  try {
    return parseShard(text, `input ${Inputs.shard}`)
  } catch (error) {
    throw new InputError((error as Error).message)
  }
}

/**
 * The inputs from `source`: the process's environment by default; the action passes the
 * variables it took out of its environment at start (src/process/start-env.ts).
 */
export function readInputs(source: InputSource = process.env): ActionInputs {
  const input = (name: string) => inputOf(source, name)
  const retentionText = input(Inputs.retention)
  const parsed = retentionText === '' ? undefined : parseWholeNumber(retentionText)
  if (parsed !== undefined && !(parsed.ok && parsed.value > 0)) {
    throw new InputError(
      `input retention: expected a whole number of commits above 0 in decimal digits, got ${quote(retentionText)}`
    )
  }
  const retention = parsed?.ok ? parsed.value : undefined
  const commentId = input(Inputs.commentId) || INPUT_DEFAULTS.commentId
  if (!/^[\w.-]+$/.test(commentId)) {
    throw new InputError(
      `input comment-id: expected letters, digits, '.', '-' or '_', got "${commentId}"`
    )
  }
  return {
    config: input(Inputs.config) || INPUT_DEFAULTS.config,
    workingDirectory: input(Inputs.workingDirectory) || INPUT_DEFAULTS.workingDirectory,
    token: input(Inputs.token),
    mode: choice(source, Inputs.mode, INPUT_CHOICES.mode, INPUT_DEFAULTS.mode),
    baseline: choice(source, Inputs.baseline, INPUT_CHOICES.baseline, INPUT_DEFAULTS.baseline),
    failOn: choice(source, Inputs.failOn, INPUT_CHOICES.failOn, INPUT_DEFAULTS.failOn),
    measure: choice(source, Inputs.measure, INPUT_CHOICES.measure, INPUT_DEFAULTS.measure),
    comment: choice(source, Inputs.comment, INPUT_CHOICES.comment, INPUT_DEFAULTS.comment),
    commentId,
    dataBranch: input(Inputs.dataBranch) || INPUT_DEFAULTS.dataBranch,
    retention,
    outputDir: input(Inputs.outputDir) || INPUT_DEFAULTS.outputDir,
    shard: shardInput(source),
    shardResults: input(Inputs.shardResults) || INPUT_DEFAULTS.shardResults,
    allowPullRequestTarget: booleanInput(source, Inputs.allowPrTarget),
    changePointIssues: booleanInput(source, Inputs.changePointIssues),
    dashboard: booleanInput(source, Inputs.dashboard, INPUT_DEFAULTS.dashboard === 'true'),
    check: booleanInput(source, Inputs.check, INPUT_DEFAULTS.check === 'true')
  }
}
