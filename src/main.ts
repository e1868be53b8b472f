/**
 * The action's wiring: inputs → runAction → outputs, with the one setFailed for errors
 * that escape it.
 */
import * as core from '@actions/core'
import { runAction } from './github/action.js'
import { readInputs } from './github/inputs.js'
import { cleanUpEverything } from './process/signals.js'

export async function run(): Promise<void> {
  try {
    await runAction(readInputs())
  } catch (error) {
    cleanUpEverything()
    core.setFailed(`perfgate: ${(error as Error).message}`)
  }
}
