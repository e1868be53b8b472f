/** The action's inputs (names as in action.yml), read and checked in one place. */
import * as core from '@actions/core'
import { parseShard, type ShardSpec } from '../app/shards.js'

export const Inputs = {
  config: 'config',
  workingDirectory: 'working-directory',
  token: 'token',
  mode: 'mode',
  baseline: 'baseline',
  failOn: 'fail-on',
  comment: 'comment',
  commentId: 'comment-id',
  dataBranch: 'data-branch',
  retention: 'retention',
  outputDir: 'output-dir',
  shard: 'shard',
  shardResults: 'shard-results',
  allowPrTarget: 'allow-pull-request-target'
} as const

export type Mode = 'auto' | 'measure' | 'comment' | 'merge'
export type BaselineSource = 'auto' | 'merge-base' | 'stored' | 'none'
export type CommentPolicy = 'always' | 'on-change' | 'never'

export interface ActionInputs {
  readonly config: string
  readonly workingDirectory: string
  readonly token: string
  readonly mode: Mode
  readonly baseline: BaselineSource
  readonly failOn: 'config' | 'both' | 'budgets' | 'regressions' | 'none'
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
}

export class InputError extends Error {}

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name).trim() || fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`input ${name}: expected one of ${allowed.join(', ')}, got "${value}"`)
  }
  return value as T
}

function booleanInput(name: string): boolean {
  const value = core.getInput(name).trim().toLowerCase()
  if (value === '' || value === 'false') return false
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
  const commentId = core.getInput(Inputs.commentId).trim() || 'default'
  if (!/^[\w.-]+$/.test(commentId)) {
    throw new InputError(
      `input comment-id: expected letters, digits, '.', '-' or '_', got "${commentId}"`
    )
  }
  return {
    config: core.getInput(Inputs.config).trim() || 'perfgate.yml',
    workingDirectory: core.getInput(Inputs.workingDirectory).trim() || '.',
    token: core.getInput(Inputs.token).trim(),
    mode: choice(Inputs.mode, ['auto', 'measure', 'comment', 'merge'], 'auto'),
    baseline: choice(Inputs.baseline, ['auto', 'merge-base', 'stored', 'none'], 'auto'),
    failOn: choice(Inputs.failOn, ['config', 'both', 'budgets', 'regressions', 'none'], 'config'),
    comment: choice(Inputs.comment, ['always', 'on-change', 'never'], 'always'),
    commentId,
    dataBranch: core.getInput(Inputs.dataBranch).trim() || 'perfgate-data',
    retention,
    outputDir: core.getInput(Inputs.outputDir).trim() || 'perfgate-output',
    shard: shardInput(),
    shardResults: core.getInput(Inputs.shardResults).trim() || 'perfgate-shards',
    allowPullRequestTarget: booleanInput(Inputs.allowPrTarget)
  }
}
