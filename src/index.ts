/**
 * Entry of the GitHub Action (action.yml runs dist/index.js). The secrets leave the start
 * environment first, before the rest of the action (a large bundle that takes a while to
 * load) is imported: a process already running beside the action, left by an earlier step,
 * could read them in /proc/<pid>/environ for as long as they stay there.
 */
import { takeSecrets } from './process/start-env.js'

const secrets = takeSecrets()
const { run } = await import('./main.js')
const { installSignalCleanup } = await import('./process/signals.js')

installSignalCleanup((text) => process.stdout.write(text))
void run(secrets)
