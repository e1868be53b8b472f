// Untrusted names on their way to the terminal, through the real CLI (bundled from the
// current sources, as a process): file names with terminal escapes, C1 controls and
// bidirectional overrides in every error that names a path, and a 5,000-character
// benchmark name from a results file, are printed inert and cut.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { serializeResults } from '../src/results/format.js'
import type { Results } from '../src/results/types.js'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { BUILD_DIR } from './helpers/build.js'
import { scratchDir } from './helpers/scratch.js'

/** Clear screen, a window title (OSC … BEL), C1 CSI, a carriage return, a bidi override. */
const HOSTILE = 'x\u001b[2J\u001b]0;owned\u0007\u009b31m\r\u202eabc'
/** The same, as the terminal must show it. */
const SHOWN = 'x\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\x0d\\u202eabc'
/** Any control character but tab and newline, and every bidirectional control. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/

const dir = scratchDir('perfgate-hostile-')

function perfgate(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(BUILD_DIR, 'cli.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000
  })
  return { code: run.status, out: run.stdout + run.stderr }
}

const results = (name: string): Results => ({
  ...SAMPLE_RESULTS,
  benchmarks: SAMPLE_RESULTS.benchmarks.map((b, i) => (i === 0 ? { ...b, name } : b))
})

const valid = path.join(dir, 'valid.json')
writeFileSync(valid, serializeResults(SAMPLE_RESULTS))
const notResults = path.join(dir, `${HOSTILE}.json`)
writeFileSync(notResults, '{ "tool": "something else" }')
const missing = `missing-${HOSTILE}.json`
const config = path.join(dir, `${HOSTILE}.yml`)
writeFileSync(config, 'benchmarks:\n  - name: t\n    command: { run: "true" }\n')
writeFileSync(path.join(dir, 'a-file-not-a-dir.json'), '')
// bisect reads refs from a repository.
spawnSync('git', ['init', '--quiet'], { cwd: dir })

describe.each([
  ['compare, a missing file', ['compare', missing, 'valid.json'], 2],
  ['compare, not a results file', ['compare', 'valid.json', notResults], 2],
  ['merge, a missing shard', ['merge', 'valid.json', missing], 2],
  ['merge, not a results file', ['merge', notResults], 2],
  ['run --baseline', ['run', '--config', config, '--baseline', missing], 2],
  ['run --config', ['run', '--config', `nope-${HOSTILE}.yml`], 2],
  ['validate --config', ['validate', '--config', `nope-${HOSTILE}.yml`], 2],
  [
    'run --out into a directory',
    ['run', '--config', config, '--out', path.join('a-file-not-a-dir.json', HOSTILE, 'x.json')],
    2
  ],
  ['bisect --good', ['bisect', '--config', config, '--good', HOSTILE, '--bad', 'HEAD'], 2],
  ['an unknown command', [HOSTILE], 2]
])('%s', (_what, args, exitCode) => {
  it('names the path or value with its characters escaped, nothing raw', () => {
    const { code, out } = perfgate(...(args as string[]))
    expect(code).toBe(exitCode)
    expect(out).not.toMatch(RAW)
    expect(out).toMatch(/x\\x1b\[2J|x\\u001b\[2J/)
  })
})

it('validate prints a hostile config path inert', () => {
  const { code, out } = perfgate('validate', '--config', config)
  expect(code).toBe(0)
  expect(out).toContain(`${SHOWN}.yml: valid`)
  expect(out).not.toMatch(RAW)
})

it('compare: a 5,000-character hostile benchmark name is cut and inert, the files named inert', () => {
  const long = `${HOSTILE} ${'n'.repeat(5000)}`
  const base = path.join(dir, `base-${HOSTILE}.json`)
  writeFileSync(base, serializeResults(results(long)))
  writeFileSync(path.join(dir, 'head.json'), serializeResults(results(long)))
  const { code, out } = perfgate('compare', base, 'head.json')
  // The sample holds an errored benchmark: exit 3, with the report printed.
  expect(code).toBe(3)
  expect(out).not.toMatch(RAW)
  expect(out).toContain(`${SHOWN} nnn`)
  expect(out).toContain(`… (${[...long].length} characters)`)
  expect(out).not.toContain('n'.repeat(200))
  expect(out).toContain(`base-${SHOWN}.json`)
  for (const line of out.split('\n')) expect(line.length).toBeLessThan(1000)
})
