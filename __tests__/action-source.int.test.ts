// The action run from its TypeScript sources, as contributors run it: with tsx, and the way
// @github/local-action loads it (module URLs with a query). Function benchmarks must find
// their worker and the bench-file API among the sources, not next to a bundle.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseResults } from '../src/results/format.js'
import { runsFromSource } from '../src/runtime-files.js'
import { BUILD_DIR } from './helpers/build.js'
import { scratchDir } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const QUERY_HOOKS = new URL('./helpers/query-hooks.js', import.meta.url).href

describe('runsFromSource', () => {
  it('knows the sources by their files, whatever query a loader adds to the URL', () => {
    const source = pathToFileURL(path.join(ROOT, 'src/runtime-files.ts')).href
    expect(runsFromSource(source)).toBe(true)
    expect(runsFromSource(`${source}?__quibble=1`)).toBe(true)
    // Transpiled in place (no .ts in the URL): still the sources, the worker is not beside it.
    expect(runsFromSource(pathToFileURL(path.join(ROOT, 'src/runtime-files.js')).href)).toBe(true)
  })

  it('knows a bundle by the worker beside it', () => {
    const bundle = pathToFileURL(path.join(BUILD_DIR, 'index.js')).href
    expect(runsFromSource(bundle)).toBe(false)
    expect(runsFromSource(`${bundle}?v=2`)).toBe(false)
    const empty = scratchDir('perfgate-nothing-')
    expect(runsFromSource(pathToFileURL(path.join(empty, 'index.js')).href)).toBe(false)
  })
})

/** A committed copy of the A/B fixture project, with a short function benchmark. */
function makeProject(): string {
  const dir = scratchDir('perfgate-source-')
  cpSync(path.join(ROOT, '__fixtures__/projects/ab'), dir, { recursive: true })
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    'trials: 2\nbenchmarks:\n  - name: busy work\n    function: { file: bench/work.bench.js, time: 30ms, warmup: 10ms }\n'
  )
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@localhost', ...args], {
      cwd: dir
    })
  git('init', '--quiet', '--initial-branch=main')
  git('add', '.')
  git('commit', '--quiet', '-m', 'project')
  return dir
}

describe('the action from source (src/index.ts)', () => {
  it.each([
    ['with tsx', [`--import=${TSX}`]],
    [
      'as @github/local-action loads it',
      [
        `--import=${TSX}`,
        `--import=data:text/javascript,import{register}from'node:module';register(${JSON.stringify(QUERY_HOOKS)})`
      ]
    ]
  ])('measures a function benchmark and writes its outputs, %s', async (_, nodeArgs) => {
    const dir = makeProject()
    const files = {
      output: path.join(dir, 'github-output.txt'),
      summary: path.join(dir, 'summary.md')
    }
    writeFileSync(files.output, '')
    writeFileSync(files.summary, '')
    const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'src/index.ts')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        GITHUB_REPOSITORY: 'octo/orders',
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        INPUT_CONFIG: 'perfgate.yml',
        INPUT_BASELINE: 'none',
        INPUT_COMMENT: 'never'
      }
    })
    let log = ''
    child.stdout.on('data', (d: Buffer) => (log += d.toString()))
    child.stderr.on('data', (d: Buffer) => (log += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))

    const outputs: Record<string, string> = {}
    const text = readFileSync(files.output, 'utf8')
    for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['verdict', 'exit-code', 'results', 'report'])
    )
    const results = parseResults(readFileSync(outputs.results!, 'utf8'), outputs.results!)
    const bench = results.benchmarks[0]!
    if (bench.state !== 'ok') throw new Error(`busy work was not measured:\n${log}`)
    expect(bench.trials).toHaveLength(2)
    expect(bench.trials[0]!.metrics.p50).toBeGreaterThan(0)
    // Whatever the budgets say, nothing errored: the run ends with a verdict, not an error.
    expect(outputs.verdict).not.toBe('error')
    expect(String(code)).toBe(outputs['exit-code'])
    expect(readFileSync(files.summary, 'utf8')).toMatch(
      /^<!-- perfgate:report id=default -->\n### .+ perfgate — /
    )
  })
})
