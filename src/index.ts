/** Entry of the GitHub Action (action.yml runs dist/index.js). */
import { run } from './main.js'

void run()
