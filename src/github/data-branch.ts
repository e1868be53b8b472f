/**
 * A push to the default branch: the judged results stored on the data branch as main's,
 * then main's history reported (src/github/history.ts: new change points, the dashboard).
 * A failed store is a warning, never a failed step.
 */
import * as core from '@actions/core'
import path from 'node:path'
import type { Publisher } from '../app/pr-run.js'
import { BranchStore } from '../store/branch-store.js'
import { reportMainHistory } from './history.js'
import type { ActionInputs } from './inputs.js'
import type { ActionLog } from './log.js'
import type { ActionOutputs } from './outputs.js'
import type { ActionEvent } from './plan.js'

/** The data branch of the `data-branch` input, in the checkout `cwd`. */
export function dataBranch(cwd: string, inputs: ActionInputs, log: ActionLog): BranchStore {
  return new BranchStore({
    cwd,
    branch: inputs.dataBranch,
    retention: inputs.retention,
    log: (m) => log.info(m)
  })
}

/** Stores the results as `event.sha`'s, then reports main's history. */
export function dataBranchPublisher(
  store: BranchStore,
  inputs: ActionInputs,
  event: ActionEvent,
  io: { readonly log: ActionLog; readonly outputs: ActionOutputs }
): Publisher {
  return {
    publish: async ({ results }) => {
      try {
        const saved = await store.save(results, event.sha)
        if (saved.stored) {
          io.log.info(
            `perfgate: results of ${event.sha.slice(0, 7)} stored on ${inputs.dataBranch}`
          )
        }
      } catch (error) {
        core.warning(
          `perfgate: could not store the results on ${inputs.dataBranch}: ${(error as Error).message}`
        )
      }
      await reportMainHistory(path.resolve(inputs.workingDirectory), inputs, event, store, io)
    }
  }
}
