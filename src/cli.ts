/** Entry of the perfgate command line (bin/perfgate.js runs the bundled copy). */
import { main } from './cli/main.js'
import { cleanUpEverything, guardOutput, installSignalCleanup } from './process/signals.js'

const stdout = guardOutput(process.stdout)
const stderr = guardOutput(process.stderr)
installSignalCleanup((text) => stderr.write(text))

main(process.argv.slice(2), { stdout, stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    cleanUpEverything()
    stderr.write(`perfgate: internal error: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 3
  }
)
