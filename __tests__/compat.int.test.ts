// Data written by released perfgate versions, read by this one (docs/VERSIONING.md, "Old
// data read by a newer perfgate"). Each folder of __fixtures__/compat/ was recorded by its
// release (see the README there): results files as the CLI wrote them, and a repository
// whose data branch the action wrote on three pushes to main. Real figures were recorded,
// so verdicts are not asserted; what is read is.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { HistoryReport } from '../src/app/history.js'
import { judge } from '../src/app/judge.js'
import { main } from '../src/cli/main.js'
import { parseResults } from '../src/results/format.js'
import { RESULTS_SCHEMA_VERSION } from '../src/results/types.js'
import { BranchStore } from '../src/store/branch-store.js'
import { git } from './helpers/git-repos.js'
import { captureIo } from './helpers/io.js'
import { scratchDir } from './helpers/scratch.js'

const COMPAT = fileURLToPath(new URL('../__fixtures__/compat/', import.meta.url))
const VERSIONS = readdirSync(COMPAT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

/** The refs as recorded: name → commit. */
function recordedRefs(version: string): Record<string, string> {
  const text = readFileSync(path.join(COMPAT, version, 'refs.txt'), 'utf8')
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([sha, ref]) => [ref!.replace('refs/heads/', ''), sha!])
  )
}

/** origin: a bare repository restored from the bundle; work: a clone of it on main. */
function restore(version: string): { origin: string; work: string } {
  const top = scratchDir(`perfgate-compat-${version}-`)
  const origin = path.join(top, 'origin.git')
  const work = path.join(top, 'work')
  git(top, 'clone', '--quiet', '--mirror', path.join(COMPAT, version, 'repository.bundle'), origin)
  git(top, 'clone', '--quiet', '--branch', 'main', origin, work)
  return { origin, work }
}

it('has a recorded folder for 0.1.0', () => {
  expect(VERSIONS).toContain('0.1.0')
})

describe.each(VERSIONS)('data written by perfgate %s', (version) => {
  const file = (name: string) => path.join(COMPAT, version, name)
  const refs = recordedRefs(version)

  it('results files are read and judged again from their trials', () => {
    for (const name of ['results.json', 'ab-results.json']) {
      const results = parseResults(readFileSync(file(name), 'utf8'), name)
      expect(results.tool.version).toBe(version)
      expect(results.schemaVersion).toBeLessThanOrEqual(RESULTS_SCHEMA_VERSION)
      expect(results.benchmarks.map((b) => b.name)).toEqual(['busy work'])
    }
    const ab = judge(parseResults(readFileSync(file('ab-results.json'), 'utf8'), 'ab'))
    expect(ab.comparison?.mode).toBe('paired')
    expect(ab.comparison?.benchmarks.map((b) => b.name)).toEqual(['busy work'])
  })

  it('perfgate compare reads two of its results files', async () => {
    const { io, out } = captureIo(COMPAT)
    const code = await main(
      ['compare', file('results.json'), file('ab-results.json'), '--json'],
      io
    )
    expect([0, 1]).toContain(code)
    const compared = JSON.parse(out.stdout) as { comparison: { benchmarks: { name: string }[] } }
    expect(compared.comparison.benchmarks.map((b) => b.name)).toEqual(['busy work'])
  })

  it('its data branch reads as the history of main', async () => {
    const { work } = restore(version)
    const { io, out } = captureIo(work)
    expect(await main(['history', '--json'], io)).toBe(0)
    const report = JSON.parse(out.stdout) as HistoryReport
    const commits = git(work, 'rev-list', '--reverse', 'main').split('\n')
    expect(commits).toHaveLength(3)
    expect(commits[2]).toBe(refs.main)
    const series = report.series.find((s) => s.benchmark === 'busy work')
    expect(series?.points.map((p) => p.commit)).toEqual(commits)
  })

  it("its data branch gives a later commit's stored baseline, and takes new results", async () => {
    const { origin, work } = restore(version)
    git(work, 'checkout', '--quiet', 'feature')
    const store = new BranchStore({ cwd: work, log: () => {} })
    // feature is one commit ahead of main, whose tip was stored: its nearest stored ancestor.
    const baseline = await store.findBaseline(refs.feature!)
    expect(baseline?.commit).toBe(refs.main)
    expect(baseline?.results.benchmarks.map((b) => b.name)).toEqual(['busy work'])

    // This version stores the next commit's results beside the old ones.
    const ab = parseResults(readFileSync(file('ab-results.json'), 'utf8'), 'ab-results.json')
    const saved = await store.save(ab, refs.feature!, { branch: 'main' })
    expect(saved).toMatchObject({ stored: true, replaced: false, removed: [] })
    const files = git(origin, 'ls-tree', '-r', '--name-only', 'perfgate-data').split('\n')
    expect(files).toEqual(expect.arrayContaining(['index.json', `results/${refs.main}.json`]))
    expect(files).toContain(`results/${refs.feature}.json`)
    expect((await store.findBaseline(refs.feature!))?.commit).toBe(refs.feature)
  })
})
