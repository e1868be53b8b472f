// `perfgate history` on a data branch written by the real BranchStore: a bare origin, a
// clone with main's commits, results stored for each (and for a feature branch's commit,
// which is not on main's first-parent history), read back by a second clone.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { HistoryReport } from '../src/app/history.js'
import { commandHistory } from '../src/cli/history.js'
import { readDataBranch } from '../src/history/read-branch.js'
import { serializeResults } from '../src/results/format.js'
import { createRandom } from '../src/stats/random.js'
import { BranchStore } from '../src/store/branch-store.js'
import {
  cloneOf,
  commit,
  git,
  makeRemote,
  removeRemotes,
  type Remote
} from './helpers/git-repos.js'
import { functionResult, hoursAfterStart, resultsOf } from './helpers/history.js'
import { captureIo } from './helpers/io.js'

const COMMITS = 12
const STEP_AT = 8
const savedEnv = { ...process.env }
let remote: Remote
let main: string[]
let feature: string

beforeAll(async () => {
  const empty = path.join(makeRemote().top, 'empty.gitconfig')
  writeFileSync(empty, '')
  process.env.GIT_CONFIG_GLOBAL = empty
  process.env.GIT_CONFIG_NOSYSTEM = '1'
  remote = makeRemote()
  const dir = cloneOf(remote)
  git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main')
  main = Array.from({ length: COMMITS }, (_, i) => commit(dir, `main ${i}`))
  git(dir, 'push', '--quiet', 'origin', 'main')
  git(dir, 'switch', '--quiet', '-c', 'feature', main[3]!)
  feature = commit(dir, 'feature')
  git(dir, 'switch', '--quiet', 'main')
  const store = new BranchStore({ cwd: dir })
  const random = createRandom(11)
  // Stored in a scrambled order with scrambled times: the order comes from git ancestry.
  const order = [...main.keys()].sort((a, b) => ((a * 5) % COMMITS) - ((b * 5) % COMMITS))
  for (const i of order) {
    const level = i >= STEP_AT ? 1.1 : 1
    const results = resultsOf(main[i]!, hoursAfterStart((i * 7) % COMMITS), [
      functionResult('steps', level * Math.exp(0.01 * random.normal()), 0.02, 10, random)
    ])
    await store.save(results, main[i]!)
  }
  await store.save(
    resultsOf(feature, hoursAfterStart(50), [functionResult('steps', 3, 0.02, 10, random)]),
    feature
  )
}, 60_000)

afterAll(() => {
  process.env = savedEnv
  removeRemotes()
})

describe('history from the data branch', () => {
  it('reads every stored commit of main in first-parent order, skipping the feature commit', () => {
    const reader = cloneOf(remote)
    const warnings: string[] = []
    const entries = readDataBranch({ cwd: reader, onWarning: (m) => warnings.push(m) })
    expect(entries.map((e) => e.commit)).toEqual(main)
    expect(warnings).toEqual([
      `perfgate-data:results/${feature}.json: skipped: commit ${feature} is not on the first-parent history`
    ])
    // The branch was fetched into perfgate's private ref, not into the user's branches.
    expect(git(reader, 'for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/perfgate')).toBe(
      'refs/heads/main\nrefs/perfgate/perfgate-data'
    )
  })

  it('reads only the newest stored commits of main with last, and no other file', () => {
    const reader = cloneOf(remote)
    const warnings: string[] = []
    const entries = readDataBranch({ cwd: reader, last: 4, onWarning: (m) => warnings.push(m) })
    expect(entries.map((e) => e.commit)).toEqual(main.slice(-4))
    // The feature commit's file was not read at all (not even to be skipped).
    expect(warnings).toEqual([])
  })

  it('names the first commit after the step in --json', async () => {
    const { io, out } = captureIo(cloneOf(remote))
    expect(await commandHistory(['--json', '--filter', 'steps'], io)).toBe(0)
    const report = JSON.parse(out.stdout) as HistoryReport
    const p50 = report.changePoints.filter((c) => c.metric === 'p50')
    expect(p50.map((c) => c.commit)).toEqual([main[STEP_AT]])
    expect(p50[0]!.ciLow).toBeGreaterThan(1)
  })

  it('shows the copy fetched before when the remote cannot be reached, and says so', () => {
    const reader = cloneOf(remote)
    readDataBranch({ cwd: reader, onWarning: () => {} })
    git(reader, 'remote', 'set-url', 'origin', path.join(remote.top, 'gone.git'))
    const warnings: string[] = []
    const entries = readDataBranch({ cwd: reader, onWarning: (m) => warnings.push(m) })
    expect(entries.map((e) => e.commit)).toEqual(main)
    expect(warnings[0]).toMatch(
      /^could not fetch perfgate-data from origin \(.*\): showing the copy fetched before$/
    )
  })

  it('refuses a branch that holds no perfgate results, naming it, with exit 2', async () => {
    const writer = cloneOf(remote)
    git(writer, 'switch', '--quiet', '--orphan', 'notes')
    writeFileSync(path.join(writer, 'README.md'), 'not perfgate data\n')
    git(writer, 'add', 'README.md')
    git(writer, 'commit', '--quiet', '-m', 'notes')
    git(writer, 'push', '--quiet', 'origin', 'notes')
    const { io, out } = captureIo(cloneOf(remote))
    expect(await commandHistory(['--data-branch', 'notes'], io)).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr).toBe(
      'perfgate history: notes (fetched from origin) holds no perfgate results ' +
        '(no results/<commit>.json files): is it the branch the action stores into (input data-branch)?\n'
    )
  })

  it('skips a link stored on the branch, naming it, and reads the other files', () => {
    const writer = cloneOf(remote)
    git(writer, 'switch', '--quiet', '--orphan', 'linked')
    mkdirSync(path.join(writer, 'results'))
    const random = createRandom(12)
    writeFileSync(
      path.join(writer, 'results', `${main[0]}.json`),
      serializeResults(
        resultsOf(main[0]!, hoursAfterStart(0), [functionResult('one', 1, 0.01, 3, random)])
      )
    )
    symlinkSync('/dev/zero', path.join(writer, 'results', `${main[1]}.json`))
    git(writer, 'add', 'results')
    git(writer, 'commit', '--quiet', '-m', 'linked')
    git(writer, 'push', '--quiet', 'origin', 'linked')
    const warnings: string[] = []
    const entries = readDataBranch({
      cwd: cloneOf(remote),
      branch: 'linked',
      onWarning: (m) => warnings.push(m)
    })
    expect(entries.map((e) => e.commit)).toEqual([main[0]])
    expect(warnings).toEqual([
      `linked:results/${main[1]}.json: skipped: not a results file (results/<commit>.json)`
    ])
  })

  it('says which branch and remote could not be fetched', async () => {
    const { io, out } = captureIo(cloneOf(remote))
    expect(await commandHistory(['--data-branch', 'nope'], io)).toBe(2)
    expect(out.stderr).toMatch(
      /^perfgate history: could not fetch the data branch nope from origin: /
    )
  })
})
