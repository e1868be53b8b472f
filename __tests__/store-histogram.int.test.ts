// What the data branch stores of a results file: everything but the HTTP trials' HDR
// histograms (large, incompressible from commit to commit, read by no comparison or
// history view). Branches written before, with histograms, stay readable by the store and
// the history reader. Real git: a bare origin and clones.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { readDataBranch } from '../src/history/read-branch.js'
import { serializeResults } from '../src/results/format.js'
import type { Results } from '../src/results/types.js'
import { BranchStore, serializeStoreIndex, storedText } from '../src/store/branch-store.js'
import { cloneOf, commit, git, makeRemote, pushBranch, removeRemotes } from './helpers/git-repos.js'

const BRANCH = 'perfgate-data'
const savedEnv = { ...process.env }
const HISTOGRAM = 'HISTFAAAAPd4nDWQsUoDQRCGZ7/ZdVmO4ziOY4szHIdYHClEQjhCKovYpLJIkcLCZ7DwBWytgoW9jVj6'

beforeAll(() => {
  const empty = path.join(makeRemote().top, 'empty.gitconfig')
  writeFileSync(empty, '')
  process.env.GIT_CONFIG_GLOBAL = empty
  process.env.GIT_CONFIG_NOSYSTEM = '1'
})
afterAll(() => {
  process.env = savedEnv
  removeRemotes()
})

/** SAMPLE_RESULTS at `sha`, its first benchmark's trials carrying load-test details. */
function resultsAt(sha: string, histogram = true): Results {
  const [first, ...rest] = SAMPLE_RESULTS.benchmarks
  return {
    ...SAMPLE_RESULTS,
    environment: {
      ...SAMPLE_RESULTS.environment,
      git: { commit: sha, branch: 'main', dirty: false }
    },
    benchmarks: [
      {
        ...first!,
        trials: first!.trials.map((trial, i) => ({
          ...trial,
          details: {
            responses: 100 + i,
            loadgenSaturated: false,
            ...(histogram ? { histogram: HISTOGRAM } : {})
          }
        }))
      },
      ...rest
    ]
  }
}

function project() {
  const remote = makeRemote()
  const dir = cloneOf(remote)
  git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main')
  const sha = commit(dir, 'main 1')
  git(dir, 'push', '--quiet', 'origin', 'main')
  return { remote, dir, sha }
}

describe('results on the data branch', () => {
  it('are stored without histograms, every other field kept', async () => {
    const { remote, dir, sha } = project()
    const store = new BranchStore({ cwd: dir, branch: BRANCH, log: () => {} })
    await store.save(resultsAt(sha), sha)
    const text = git(remote.origin, 'show', `${BRANCH}:results/${sha}.json`)
    expect(text).not.toContain('histogram')
    expect(text + '\n').toBe(serializeResults(resultsAt(sha, false)))
    expect(text + '\n').toBe(storedText(resultsAt(sha)))
    expect(await store.findBaseline(sha)).toEqual({ commit: sha, results: resultsAt(sha, false) })
    const [entry] = readDataBranch({ cwd: cloneOf(remote), branch: BRANCH, onWarning: () => {} })
    expect(entry!.results).toEqual(resultsAt(sha, false))
  })

  it('leaves results without histograms as they are', () => {
    const results = resultsAt('a'.repeat(40), false)
    expect(storedText(results)).toBe(serializeResults(results))
  })

  it('written with histograms by an earlier version stay readable', async () => {
    const { remote, dir, sha } = project()
    const old = resultsAt(sha)
    pushBranch(remote, BRANCH, {
      'index.json': serializeStoreIndex({
        schemaVersion: 2,
        tool: 'perfgate',
        entries: [
          {
            commit: sha,
            file: `results/${sha}.json`,
            createdAt: old.createdAt,
            branch: 'main',
            benchmarks: old.benchmarks.map((b) => b.name)
          }
        ]
      }),
      [`results/${sha}.json`]: serializeResults(old)
    })
    const store = new BranchStore({ cwd: dir, branch: BRANCH, log: () => {} })
    expect(await store.findBaseline(sha)).toEqual({ commit: sha, results: old })
    const [entry] = readDataBranch({ cwd: dir, branch: BRANCH, onWarning: () => {} })
    expect(entry!.results).toEqual(old)
  })
})
