/**
 * The action's wiring: inputs and event → runAction → outcome; the outputs are set and the
 * step fails (the one setFailed) on every path, also for errors that escape the run.
 */
import * as core from '@actions/core'
import { EXIT, outcomeOfError, type Outcome } from './app/outcome.js'
import { readActionEvent, runAction } from './github/action.js'
import { InputError, readInputs } from './github/inputs.js'
import { createActionLog } from './github/log.js'
import { ActionOutputs } from './github/outputs.js'
import { cleanUpEverything } from './process/signals.js'

export async function run(): Promise<void> {
  const log = createActionLog((text) => void process.stdout.write(text))
  const outputs = new ActionOutputs()
  let outcome: Outcome
  try {
    outcome = await runAction(readInputs(), readActionEvent(), { log, outputs })
  } catch (error) {
    cleanUpEverything()
    outcome =
      error instanceof InputError
        ? outcomeOfError(EXIT.usage, error.message)
        : outcomeOfError(EXIT.runtime, `internal error: ${(error as Error)?.message ?? error}`)
    if (!(error instanceof InputError)) log.write(`${(error as Error)?.stack ?? error}\n`)
  }
  outputs.set(outcome)
  if (outcome.exitCode !== EXIT.passed) core.setFailed(`perfgate: ${outcome.reasons.join('; ')}`)
}
