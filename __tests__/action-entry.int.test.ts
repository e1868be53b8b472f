// The action's entry takes the secrets out of its start environment before it loads the
// rest of the action: everything the bundled entry imports statically (and so loads before
// its first line runs) must be small, and the action itself must come by a dynamic import.
// A process left running by an earlier step of the job could otherwise read the token in
// /proc/<pid>/environ while the whole action loads.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { BUILD_DIR } from './helpers/build.js'

/** The relative modules a bundled file imports statically (`import … from './x.js'`). */
function staticImports(file: string): string[] {
  const text = readFileSync(path.join(BUILD_DIR, file), 'utf8')
  return [...text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?'(\.\/[^']+)';?$/gm)].map((m) =>
    path.posix.normalize(m[1]!)
  )
}

/** The entry and every bundled file it loads before running, with their sizes. */
function loadedBeforeRunning(entry: string): Map<string, number> {
  const loaded = new Map<string, number>()
  const pending = [entry]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (loaded.has(file)) continue
    loaded.set(file, readFileSync(path.join(BUILD_DIR, file)).length)
    pending.push(...staticImports(file))
  }
  return loaded
}

describe("the action's entry", () => {
  it('loads only the code that takes the secrets before it imports the action', () => {
    const loaded = loadedBeforeRunning('index.js')
    expect([...loaded.keys()]).toContain('chunk-start-env.js')
    const bytes = [...loaded.values()].reduce((sum, size) => sum + size, 0)
    // The whole action is over 3 MB; what runs first is a few kilobytes.
    expect(bytes).toBeLessThan(64 * 1024)
    const entry = readFileSync(path.join(BUILD_DIR, 'index.js'), 'utf8')
    expect(entry.indexOf('takeSecrets()')).toBeGreaterThan(0)
    expect(entry.indexOf('takeSecrets()')).toBeLessThan(entry.indexOf('await import('))
  })

  it('is checked by a test that can fail: the CLI loads everything up front', () => {
    const bytes = [...loadedBeforeRunning('cli.js').values()].reduce((sum, size) => sum + size, 0)
    expect(bytes).toBeGreaterThan(64 * 1024)
  })
})
