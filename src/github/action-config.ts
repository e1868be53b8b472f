/**
 * The config an action run measures with: the input `config` (a path in the working
 * directory), its `measure` overridden by the input `measure` unless that is 'config'.
 */
import { loadConfigFile } from '../app/files.js'
import type { Config } from '../config/types.js'
import type { ActionInputs } from './inputs.js'

export function actionConfig(cwd: string, inputs: ActionInputs): Config {
  const measure = inputs.measure === 'config' ? undefined : inputs.measure
  return loadConfigFile(cwd, inputs.config, measure)
}
