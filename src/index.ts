/** Entry of the GitHub Action (action.yml runs dist/index.js). */
import { run } from './main.js'
import { installSignalCleanup } from './process/signals.js'

installSignalCleanup((text) => process.stdout.write(text))
void run()
