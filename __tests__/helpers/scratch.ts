// Scratch directories for tests: made under the system's temp directory and removed after
// the test file's last test, so test runs do not pile up repositories and results in /tmp.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const made: string[] = []

/** A fresh directory `<tmp>/<prefix>XXXXXX`, removed with its contents after the file's tests. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

// Registered when a test file first imports this module, so it may run before the file's
// own afterAll hooks stop what still writes there: a directory that cannot be removed yet
// is left to the system's temp cleaning rather than failing the tests.
afterAll(() => {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
    } catch {
      // left in place
    }
  }
})
