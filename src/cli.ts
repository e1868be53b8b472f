/** Entry of the perfgate command line (bin/perfgate.js runs the bundled copy). */
import { main } from './cli/main.js'
import { killAllChildren } from './process/children.js'
import { runCleanups } from './process/cleanup.js'

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren()
    runCleanups()
    process.stderr.write(`\nperfgate: interrupted (${signal}); benchmark processes stopped\n`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd()
}).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    killAllChildren()
    runCleanups()
    process.stderr.write(`perfgate: internal error: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 3
  }
)
