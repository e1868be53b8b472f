/** Entry of the perfgate command line (bin/perfgate.js runs the bundled copy). */
import { main } from './cli/main.js'
import { cleanUpEverything, installSignalCleanup } from './process/signals.js'

installSignalCleanup((text) => process.stderr.write(text))

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd()
}).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    cleanUpEverything()
    process.stderr.write(`perfgate: internal error: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 3
  }
)
