// Starts a grandchild process, records its pid, then never finishes a batch: the trial
// times out and perfgate must kill the worker and the grandchild.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { bench } from 'perfgate'

const child = spawn('sleep', ['300'], { stdio: 'ignore' })
writeFileSync(process.env.PERFGATE_TEST_PIDFILE, String(child.pid))

bench('hang', () => {
  for (;;) {
    // spin
  }
})
