// The unit project stays fast and deterministic: a unit test file (`*.test.ts`, not
// `*.int.test.ts`) must not reach, through its imports, a module that starts processes,
// opens sockets or calls GitHub. Tests that need those are named `*.int.test.ts`.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const TESTS = fileURLToPath(new URL('.', import.meta.url))
const ROOT = path.dirname(TESTS)

/** Modules whose use makes a test an integration test. */
const INTEGRATION_ONLY =
  /^(?:node:)?(?:child_process|net|http|https|http2|dgram|worker_threads|cluster)$|^autocannon$|^@actions\/(?:github|exec)$/

/** Module specifiers a file imports (type-only imports load nothing and are skipped). */
export function importsOf(source: string): string[] {
  const code = source.replace(/^\s*(?:import|export) type [^;]*?from\s*['"][^'"]+['"]/gm, '')
  return [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

/** A relative specifier as a file: `./x.js` is `./x.ts` when that exists (TypeScript sources). */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const file = path.resolve(path.dirname(from), specifier)
  const ts = file.replace(/\.js$/, '.ts')
  if (ts !== file && existsSync(ts)) return ts
  return existsSync(file) ? file : undefined
}

/** Import chains from `entry` to integration-only modules, e.g. "a.ts > b.ts > node:net". */
export function integrationImports(entry: string): string[] {
  const found: string[] = []
  const seen = new Set<string>()
  const visit = (file: string, chain: string[]): void => {
    if (seen.has(file)) return
    seen.add(file)
    const here = [...chain, path.relative(ROOT, file)]
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (INTEGRATION_ONLY.test(specifier)) found.push([...here, specifier].join(' > '))
      const next = resolveRelative(file, specifier)
      if (next) visit(next, here)
    }
  }
  visit(entry, [])
  return found
}

const unitTests = readdirSync(TESTS, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.test.ts') && !name.endsWith('.int.test.ts'))
  .sort()

describe('unit test files', () => {
  it('are found', () => {
    expect(unitTests).toContain('test-layout.test.ts')
  })

  it.each(unitTests)(
    '%s starts no process and opens no socket (else name it *.int.test.ts)',
    (name) => {
      expect(integrationImports(path.join(TESTS, name))).toEqual([])
    }
  )
})

describe('the import scan', () => {
  it('sees static, side-effect, re-exported and dynamic imports, not type-only ones', () => {
    // Written with ~ and ^ for the quotes, so that the scan of this very file finds nothing.
    const source = [
      'import { spawn } from ~node:child_process~',
      'import ~node:net~',
      'export { x } from ~./x.js~',
      'const m = await import(~autocannon~)',
      'import type { Server } from ~node:http~',
      'import {\n  a,\n  b\n} from ^@actions/github^'
    ]
      .join('\n')
      .replaceAll('~', "'")
      .replaceAll('^', '"')
    expect(importsOf(source)).toEqual([
      'node:child_process',
      'node:net',
      './x.js',
      'autocannon',
      '@actions/github'
    ])
  })

  it('follows relative imports into the sources and names the chain', () => {
    const chains = integrationImports(path.join(ROOT, 'src/runners/command/runner.ts'))
    expect(chains.length).toBeGreaterThan(0)
    expect(chains[0]).toMatch(/^src\/runners\/command\/runner\.ts( > \S+)* > (node:)?\w+/)
  })
})
