// Starts a detached child (its own session) that outlives the worker unless stopped.
import { spawn } from 'node:child_process'
import { bench } from 'perfgate'

const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300000)'], {
  detached: true,
  stdio: 'ignore'
})
child.unref()

bench('detached', () => {})
