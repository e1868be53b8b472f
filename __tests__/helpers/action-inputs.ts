// The action's inputs as readInputs() gives them with every input left at its default.
import type { ActionInputs } from '../../src/github/inputs.js'

export function actionInputs(overrides: Partial<ActionInputs> = {}): ActionInputs {
  return {
    config: 'perfgate.yml',
    workingDirectory: '.',
    token: 'test-token',
    mode: 'auto',
    baseline: 'auto',
    failOn: 'config',
    measure: 'config',
    comment: 'always',
    commentId: 'default',
    dataBranch: 'perfgate-data',
    retention: undefined,
    outputDir: 'perfgate-output',
    shard: undefined,
    shardResults: 'perfgate-shards',
    allowPullRequestTarget: false,
    changePointIssues: false,
    dashboard: true,
    // The Check run is on by default; tests of other publishers leave it off.
    check: false,
    ...overrides
  }
}
