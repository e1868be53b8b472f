/**
 * The action's wiring: inputs and event → runAction → outcome; the outputs are set and the
 * step fails (the one setFailed) on every path, also for errors that escape the run.
 */
import * as core from '@actions/core'
import { EXIT, outcomeOfError, type Outcome } from './app/outcome.js'
import { runAction } from './github/action.js'
import { readActionEvent } from './github/event.js'
import { InputError, readInputs } from './github/inputs.js'
import { createActionLog, type ActionLog } from './github/log.js'
import { ActionOutputs } from './github/outputs.js'
import { cleanUpEverything } from './process/signals.js'
import { takeSecrets, type StartEnvironment, type TakenSecrets } from './process/start-env.js'

/**
 * Runs the action. `secrets` are the variables src/index.ts took out of the start
 * environment before loading this module; taken here when the caller did not.
 */
export async function run(secrets: TakenSecrets = takeSecrets()): Promise<void> {
  const log = createActionLog((text) => void process.stdout.write(text))
  reportStartEnvironment(secrets.start, log)
  const outputs = new ActionOutputs()
  let outcome: Outcome
  try {
    outcome = await runAction(readInputs(secrets.values), readActionEvent(), { log, outputs })
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

function reportStartEnvironment(start: StartEnvironment, log: ActionLog): void {
  if (start.state === 'exposed') {
    core.warning(
      `perfgate: could not erase ${start.names.join(', ')} from its start environment ` +
        `(${start.reason}): the processes it starts can read them in /proc`
    )
  } else if (start.state === 'unchecked') {
    log.info(
      `perfgate: on ${start.platform} the processes it starts may be able to read its start environment (the token)`
    )
  }
}
