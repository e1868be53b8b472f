/** Entry of the perfgate command line (bin/perfgate.js runs the bundled copy). */
import { main } from './cli/main.js'
import { cleanUpEverything, guardOutput, installSignalCleanup } from './process/signals.js'
import { sanitizeChildText } from './process/text.js'

const stdout = guardOutput(process.stdout)
const stderr = guardOutput(process.stderr)
installSignalCleanup((text) => stderr.write(text))

main(process.argv.slice(2), { stdout, stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    cleanUpEverything()
    const text = (error as Error)?.stack ?? String(error)
    stderr.write(`perfgate: internal error: ${sanitizeChildText(text)}\n`)
    process.exitCode = 3
  }
)
