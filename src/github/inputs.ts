/** The action's inputs (names as in action.yml), read and checked in one place. */
import * as core from '@actions/core'
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
  dashboard: 'dashboard'
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
  dashboard: 'true'
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
}

export class InputError extends Error {}

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name).trim() || fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`input ${name}: expected one of ${allowed.join(', ')}, got "${value}"`)
  }
  return value as T
}

function booleanInput(name: string, fallback = false): boolean {
  const value = core.getInput(name).trim().toLowerCase()
  if (value === '') return fallback
  if (value === 'false') return false
  if (value === 'true') return true
  throw new InputError(`input ${name}: expected true or false, got "${value}"`)
}

function shardInput(): ShardSpec | undefined {
  const text = core.getInput(Inputs.shard).trim()
  if (text === '') return undefined
  try {
    return parseShard(text, `input ${Inputs.shard}`)
  } catch (error) {
    throw new InputError((error as Error).message)
  }
}

export function readInputs(): ActionInputs {
  const retentionText = core.getInput(Inputs.retention).trim()
  const retention = retentionText === '' ? undefined : Number(retentionText)
  if (retention !== undefined && !(Number.isInteger(retention) && retention > 0)) {
    throw new InputError(
      `input retention: expected a whole number of commits above 0, got "${retentionText}"`
    )
  }
  const commentId = core.getInput(Inputs.commentId).trim() || INPUT_DEFAULTS.commentId
  if (!/^[\w.-]+$/.test(commentId)) {
    throw new InputError(
      `input comment-id: expected letters, digits, '.', '-' or '_', got "${commentId}"`
    )
  }
  return {
    config: core.getInput(Inputs.config).trim() || INPUT_DEFAULTS.config,
    workingDirectory:
      core.getInput(Inputs.workingDirectory).trim() || INPUT_DEFAULTS.workingDirectory,
    token: core.getInput(Inputs.token).trim(),
    mode: choice(Inputs.mode, INPUT_CHOICES.mode, INPUT_DEFAULTS.mode),
    baseline: choice(Inputs.baseline, INPUT_CHOICES.baseline, INPUT_DEFAULTS.baseline),
    failOn: choice(Inputs.failOn, INPUT_CHOICES.failOn, INPUT_DEFAULTS.failOn),
    measure: choice(Inputs.measure, INPUT_CHOICES.measure, INPUT_DEFAULTS.measure),
    comment: choice(Inputs.comment, INPUT_CHOICES.comment, INPUT_DEFAULTS.comment),
    commentId,
    dataBranch: core.getInput(Inputs.dataBranch).trim() || INPUT_DEFAULTS.dataBranch,
    retention,
    outputDir: core.getInput(Inputs.outputDir).trim() || INPUT_DEFAULTS.outputDir,
    shard: shardInput(),
    shardResults: core.getInput(Inputs.shardResults).trim() || INPUT_DEFAULTS.shardResults,
    allowPullRequestTarget: booleanInput(Inputs.allowPrTarget),
    changePointIssues: booleanInput(Inputs.changePointIssues),
    dashboard: booleanInput(Inputs.dashboard, INPUT_DEFAULTS.dashboard === 'true')
  }
}
