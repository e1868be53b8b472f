/**
 * The action's wiring: inputs → runAction → outputs, with the one setFailed for errors
 * that escape it.
 */
import * as core from '@actions/core'
import { runAction } from './github/action.js'
import { readInputs } from './github/inputs.js'
import { killAllChildren } from './process/children.js'
import { runCleanups } from './process/cleanup.js'

export async function run(): Promise<void> {
  try {
    await runAction(readInputs())
  } catch (error) {
    killAllChildren()
    runCleanups()
    core.setFailed(`perfgate: ${(error as Error).message}`)
  }
}
