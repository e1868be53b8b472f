// BranchStore against real git: a bare repository as origin, clones of it as the jobs.
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { serializeResults } from '../src/results/format.js'
import type { Results } from '../src/results/types.js'
import { BranchStore, StoreError, type BranchStoreOptions } from '../src/store/branch-store.js'
import type { StoreIndex } from '../src/store/types.js'
import {
  branchFiles,
  cloneOf,
  git,
  importCommits,
  makeRemote,
  pushBranch,
  removeRemotes,
  shallowCloneOf,
  visibleState,
  type Remote
} from './helpers/git-repos.js'

const BRANCH = 'perfgate-data'
const savedEnv = { ...process.env }

beforeAll(() => {
  // No user or system git config: the store must not need an identity (or obey signing).
  const empty = path.join(makeRemote().top, 'empty.gitconfig')
  writeFileSync(empty, '')
  process.env.GIT_CONFIG_GLOBAL = empty
  process.env.GIT_CONFIG_NOSYSTEM = '1'
})

afterAll(() => {
  process.env = savedEnv
  removeRemotes()
})

/** SAMPLE_RESULTS as measured at `sha`. */
function resultsAt(sha: string, seed = SAMPLE_RESULTS.seed): Results {
  return {
    ...SAMPLE_RESULTS,
    seed,
    environment: {
      ...SAMPLE_RESULTS.environment,
      git: { commit: sha, branch: 'main', dirty: false }
    }
  }
}

/**
 * origin with `count` commits on main, and a clone that also has a local `feature`
 * branch forked from main's second commit (not an ancestor of main's later commits).
 */
function makeHistory(count = 4): { remote: Remote; dir: string; main: string[]; feature: string } {
  const remote = makeRemote()
  const dir = cloneOf(remote)
  git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main')
  const shas = importCommits(dir, [
    ...Array.from({ length: count }, (_, i) => ({
      ref: 'refs/heads/main',
      message: `main ${i + 1}`
    })),
    { ref: 'refs/heads/feature', message: 'feature 1', from: 1 }
  ])
  git(dir, 'push', '--quiet', 'origin', 'main')
  git(dir, 'reset', '--quiet', '--hard')
  return { remote, dir, main: shas.slice(0, count), feature: shas[count]! }
}

/** origin with `count` commits on main made at the given committer times (seconds). */
function makeDatedHistory(times: readonly number[]): { remote: Remote; main: string[] } {
  const remote = makeRemote()
  const main = importCommits(
    remote.origin,
    times.map((seconds, i) => ({ ref: 'refs/heads/main', message: `main ${i + 1}`, seconds }))
  )
  return { remote, main }
}

/** The numbers 0 … count-1 in a random order. */
function shuffled(count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

function storedCommits(remote: Remote): string[] {
  return indexOn(remote)
    .entries.map((e) => e.commit)
    .sort()
}

function storeIn(dir: string, options: Partial<BranchStoreOptions> = {}): BranchStore {
  return new BranchStore({ cwd: dir, ...options })
}

function indexOn(remote: Remote): StoreIndex {
  return JSON.parse(git(remote.origin, 'show', `${BRANCH}:index.json`)) as StoreIndex
}

/** A commit's committer time as the index records it (ISO, UTC). */
function committedAt(dir: string, sha: string): string {
  return new Date(Number(git(dir, 'show', '-s', '--format=%ct', sha)) * 1000).toISOString()
}

function tipOf(remote: Remote): string {
  return git(remote.origin, 'rev-parse', `refs/heads/${BRANCH}`)
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('BranchStore save and findBaseline', () => {
  it('round-trips results without touching the working tree, index or HEAD', async () => {
    const { remote, dir, main } = makeHistory()
    const c2 = main[1]!
    // Work in progress that must survive: a staged change and an untracked file.
    writeFileSync(path.join(dir, 'work.txt'), 'staged\n')
    git(dir, 'add', 'work.txt')
    writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n')
    const before = visibleState(dir)

    const outcome = await storeIn(dir).save(resultsAt(c2), c2)
    expect(outcome).toEqual({
      commit: c2,
      dataCommit: tipOf(remote),
      attempts: 1,
      replaced: false,
      removed: [],
      stored: true
    })
    expect(branchFiles(remote, BRANCH)).toEqual(['index.json', `results/${c2}.json`])
    expect(indexOn(remote)).toEqual({
      schemaVersion: 2,
      tool: 'perfgate',
      entries: [
        {
          commit: c2,
          file: `results/${c2}.json`,
          createdAt: SAMPLE_RESULTS.createdAt,
          branch: 'main',
          benchmarks: ['parse orders CSV', 'report CLI', 'broken <b>bench</b>'],
          committedAt: committedAt(dir, c2),
          parent: main[0]
        }
      ]
    })
    expect(git(remote.origin, 'log', '-1', '--format=%an <%ae>|%cn|%P|%s', BRANCH)).toBe(
      `perfgate <perfgate@users.noreply.github.com>|perfgate||perfgate: store results of ${c2}`
    )
    expect(git(remote.origin, 'show', `${BRANCH}:results/${c2}.json`) + '\n').toBe(
      serializeResults(resultsAt(c2))
    )

    expect(await storeIn(dir).findBaseline(c2)).toEqual({ commit: c2, results: resultsAt(c2) })
    expect(visibleState(dir)).toEqual(before)
    // Another job, in its own clone, reads the same.
    expect(await storeIn(cloneOf(remote)).findBaseline(c2)).toEqual({
      commit: c2,
      results: resultsAt(c2)
    })
  })

  it('finds the stored results of the commit or its nearest stored ancestor, never others', async () => {
    const { dir, main, feature } = makeHistory()
    const [c1, c2, c3, c4] = main as [string, string, string, string]
    const store = storeIn(dir)
    expect(await store.findBaseline(c4)).toBeUndefined() // no data branch yet

    await store.save(resultsAt(c2), c2)
    await store.save(resultsAt(feature), feature) // stored last, but not an ancestor of main
    expect((await store.findBaseline(c2))?.commit).toBe(c2)
    expect((await store.findBaseline(c3))?.commit).toBe(c2)
    expect((await store.findBaseline(c4))?.commit).toBe(c2)
    expect((await store.findBaseline('main'))?.commit).toBe(c2)
    expect((await store.findBaseline(feature))?.results).toEqual(resultsAt(feature))
    expect(await store.findBaseline(c1)).toBeUndefined()

    await store.save(resultsAt(c3), c3)
    expect((await store.findBaseline(c4))?.commit).toBe(c3)
    expect((await store.findBaseline(c2))?.commit).toBe(c2)

    const unknown = 'f'.repeat(40)
    expect(await errorOf(store.findBaseline(unknown))).toBe(
      `commit ${unknown} is not in the local repository: stored results are matched by walking ` +
        `its history, which must be fetched (actions/checkout with fetch-depth: 0)`
    )
  })

  it("replaces a commit's results only with that commit's own results", async () => {
    const { remote, dir, main } = makeHistory()
    const [, c2, c3] = main as [string, string, string]
    const store = storeIn(dir)
    await store.save(resultsAt(c2, 1), c2)
    await store.save(resultsAt(c3, 1), c3)
    const again = await store.save(resultsAt(c2, 2), c2)
    expect(again).toMatchObject({ replaced: true, removed: [] })
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual([c2, c3]) // replaced in place
    expect((await store.findBaseline(c2))?.results.seed).toBe(2)
    expect(git(remote.origin, 'log', '-1', '--format=%s', BRANCH)).toBe(
      `perfgate: replace results of ${c2}`
    )

    const tip = tipOf(remote)
    const same = await store.save(resultsAt(c2, 2), c2)
    expect(same).toMatchObject({ dataCommit: undefined, replaced: true })
    expect(tipOf(remote)).toBe(tip)

    expect(await errorOf(store.save(resultsAt(c3), c2))).toBe(
      `results measured at ${c3} cannot be stored as the results of ${c2}: ` +
        `a commit's entry holds only that commit's own results`
    )
    expect(tipOf(remote)).toBe(tip)
  })

  it('keeps the newest N commits with retention, removing old files in the same commit', async () => {
    const { remote, dir, main } = makeHistory(5)
    const store = storeIn(dir, { retention: 3 })
    const outcomes = []
    for (const sha of main) outcomes.push(await store.save(resultsAt(sha), sha))
    expect(outcomes.map((o) => o.removed)).toEqual([[], [], [], [main[0]], [main[1]]])
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual(main.slice(2))
    expect(branchFiles(remote, BRANCH)).toEqual(
      ['index.json', ...main.slice(2).map((sha) => `results/${sha}.json`)].sort()
    )
    // The commit that stored main[4] also deleted main[1]'s results.
    const lastChange = git(
      remote.origin,
      'diff-tree',
      '-r',
      '--name-status',
      '--no-commit-id',
      BRANCH
    )
    expect(lastChange.split('\n').sort()).toEqual(
      [`A\tresults/${main[4]}.json`, `D\tresults/${main[1]}.json`, 'M\tindex.json'].sort()
    )
    expect(await store.findBaseline(main[1]!)).toBeUndefined()

    // Without retention nothing is deleted.
    await storeIn(dir).save(resultsAt(main[0]!), main[0]!)
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual([...main.slice(2), main[0]])
  })
})

describe('BranchStore savePage', () => {
  const page = (text: string) => [
    { path: 'index.html', content: text },
    { path: '.nojekyll', content: '' }
  ]

  it('writes pages beside the results in one commit, never first, never unchanged twice', async () => {
    const { remote, dir, main } = makeHistory()
    const store = storeIn(dir)
    expect(await store.savePage(page('<p>1</p>'), 'perfgate: page')).toBe('no branch')
    expect(git(remote.origin, 'branch', '--list', BRANCH)).toBe('')

    await store.save(resultsAt(main[0]!), main[0]!)
    const before = visibleState(dir)
    expect(await store.savePage(page('<p>1</p>'), 'perfgate: page')).toBe('written')
    expect(branchFiles(remote, BRANCH)).toEqual([
      '.nojekyll',
      'index.html',
      'index.json',
      `results/${main[0]}.json`
    ])
    expect(git(remote.origin, 'show', `${BRANCH}:index.html`)).toBe('<p>1</p>')
    expect(git(remote.origin, 'log', '-1', '--format=%s', BRANCH)).toBe('perfgate: page')
    expect(await store.savePage(page('<p>1</p>'), 'perfgate: page')).toBe('unchanged')
    // The next save keeps the page; the next page keeps the results.
    await store.save(resultsAt(main[1]!), main[1]!)
    expect(await storeIn(cloneOf(remote)).savePage(page('<p>2</p>'), 'perfgate: page')).toBe(
      'written'
    )
    expect(git(remote.origin, 'show', `${BRANCH}:index.html`)).toBe('<p>2</p>')
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual([main[0], main[1]])
    expect(git(remote.origin, 'rev-list', '--count', BRANCH)).toBe('4')
    expect(visibleState(dir)).toEqual(before)
  })

  it('refuses a foreign branch and any path but a page at the root', async () => {
    const { remote, dir } = makeHistory()
    pushBranch(remote, BRANCH, { 'README.md': 'not ours\n' })
    const tip = tipOf(remote)
    const store = storeIn(dir)
    expect(await errorOf(store.savePage(page('x'), 'perfgate: page'))).toContain(
      'it is not a perfgate data branch'
    )
    for (const bad of ['index.json', 'results/x.html', '../x.html', 'a b.html', 'x.js']) {
      expect(await errorOf(store.savePage([{ path: bad, content: 'x' }], 'perfgate: page'))).toBe(
        `${bad}: not a page file perfgate writes onto origin/${BRANCH}`
      )
    }
    expect(tipOf(remote)).toBe(tip)
  })
})

describe('BranchStore with corrupt or foreign data', () => {
  const index = (entries: unknown[], extra: object = {}) =>
    JSON.stringify({ schemaVersion: 1, tool: 'perfgate', entries, ...extra })

  it('refuses a corrupt index.json and pushes nothing', async () => {
    const { remote, dir, main } = makeHistory()
    const c2 = main[1]!
    const store = storeIn(dir)
    const cases: [Record<string, string>, string][] = [
      [
        { 'index.json': '{ "schemaVersion": 1, "tool"' },
        `origin/${BRANCH}:index.json: not valid JSON`
      ],
      [
        { 'index.json': index([{ commit: 'abc', file: 'results/abc.json' }]) },
        `origin/${BRANCH}:index.json: corrupt index at entries[0].commit: expected a full commit sha`
      ],
      [
        {
          'index.json': index([
            { commit: c2, file: '../../etc/passwd', createdAt: '', benchmarks: [] }
          ])
        },
        `origin/${BRANCH}:index.json: corrupt index at entries[0].file: expected "results/${c2}.json"`
      ],
      [
        {
          'index.json': index(
            [
              {
                commit: c2,
                file: `results/${c2}.json`,
                createdAt: '',
                benchmarks: [],
                committedAt: 'soon'
              }
            ],
            { schemaVersion: 2 }
          )
        },
        `origin/${BRANCH}:index.json: corrupt index at entries[0].committedAt: expected an ISO date`
      ],
      [
        {
          'index.json': index(
            [
              {
                commit: c2,
                file: `results/${c2}.json`,
                createdAt: '',
                benchmarks: [],
                parent: 'HEAD~1'
              }
            ],
            { schemaVersion: 2 }
          )
        },
        `origin/${BRANCH}:index.json: corrupt index at entries[0].parent: expected a full commit sha`
      ],
      [
        { 'index.json': index([], { schemaVersion: 3 }) },
        `origin/${BRANCH}:index.json: written by a newer perfgate (schemaVersion 3); ` +
          'this perfgate reads schemaVersion 1 to 2: upgrade perfgate'
      ],
      [
        { 'index.json': JSON.stringify({ entries: [] }) },
        `origin/${BRANCH}:index.json: not a perfgate data-branch index (expected "tool": "perfgate")`
      ],
      [
        { 'README.md': 'my own branch\n' },
        `origin/${BRANCH} has no readable index.json (fatal: path 'index.json' does not exist in`
      ]
    ]
    for (const [files, message] of cases) {
      const tip = pushBranch(remote, BRANCH, files)
      const saving = await errorOf(store.save(resultsAt(c2), c2))
      expect(saving.startsWith(message)).toBe(true)
      expect(tipOf(remote)).toBe(tip)
      expect(await errorOf(store.findBaseline(c2))).toBe(saving)
    }
  })

  it('refuses corrupt stored results, naming the branch and file', async () => {
    const { remote, dir, main } = makeHistory()
    const c2 = main[1]!
    const entry = { commit: c2, file: `results/${c2}.json`, createdAt: 'x', benchmarks: [] }
    pushBranch(remote, BRANCH, { 'index.json': index([entry]), [entry.file]: '{"tool": 1}' })
    const store = storeIn(dir)
    await expect(store.findBaseline(main[3]!)).rejects.toThrow(
      `origin/${BRANCH}:results/${c2}.json: not a perfgate results file (expected "tool": { "name": "perfgate" })`
    )
    pushBranch(remote, BRANCH, {
      'index.json': index([entry]),
      [entry.file]: serializeResults(resultsAt(main[0]!))
    })
    await expect(store.findBaseline(c2)).rejects.toThrow(
      new StoreError(
        `origin/${BRANCH}:results/${c2}.json: holds results measured at ${main[0]}, not at ${c2}: refusing to use them`
      )
    )
    pushBranch(remote, BRANCH, { 'index.json': index([entry]) })
    await expect(store.findBaseline(c2)).rejects.toThrow(
      `origin/${BRANCH}:results/${c2}.json: listed in index.json but missing on the branch`
    )
  })

  it('explains an unreachable remote', async () => {
    const { dir, main } = makeHistory()
    const store = storeIn(dir, { remote: 'nowhere' })
    expect(await errorOf(store.save(resultsAt(main[0]!), main[0]!))).toMatch(
      /^could not fetch perfgate-data from nowhere: fatal: 'nowhere' does not appear to be a git repository/
    )
  })
})

describe('BranchStore under concurrent jobs', () => {
  it('loses nothing when 8 jobs store results at once', async () => {
    const { remote, main } = makeHistory(8)
    const jobs = main.map(() => cloneOf(remote))
    const outcomes = await Promise.all(
      jobs.map((dir, i) => storeIn(dir).save(resultsAt(main[i]!), main[i]!))
    )
    const attempts = outcomes.map((o) => o.attempts)
    // They really raced: at least one job lost a push and redid its commit.
    expect(Math.max(...attempts)).toBeGreaterThan(1)
    expect(Math.max(...attempts)).toBeLessThanOrEqual(10)

    expect(
      indexOn(remote)
        .entries.map((e) => e.commit)
        .sort()
    ).toEqual([...main].sort())
    expect(branchFiles(remote, BRANCH)).toEqual(
      ['index.json', ...main.map((sha) => `results/${sha}.json`)].sort()
    )
    // One linear history, one commit per job.
    expect(git(remote.origin, 'rev-list', '--count', BRANCH)).toBe('8')
    expect(git(remote.origin, 'rev-list', '--max-parents=0', BRANCH).split('\n')).toHaveLength(1)
    for (const [i, dir] of jobs.entries()) {
      expect(await storeIn(dir).findBaseline(main[i]!)).toEqual({
        commit: main[i],
        results: resultsAt(main[i]!)
      })
    }
  })
})

describe('BranchStore creating the data branch under concurrent jobs', () => {
  it('starts over when the data branch appears between its fetch and its probe', async () => {
    const { remote, dir, main } = makeHistory()
    const [c1, c2] = main as [string, string]
    await storeIn(cloneOf(remote)).save(resultsAt(c1), c1)
    const created = tipOf(remote)
    git(remote.origin, 'update-ref', '-d', `refs/heads/${BRANCH}`)
    // This job's first fetch finds no data branch; right after it, "another job" creates
    // it (the server side recreates the branch once that first upload-pack is done).
    const script = path.join(remote.top, 'upload-pack.sh')
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        'git upload-pack "$@"',
        'code=$?',
        `if [ ! -e "$0.done" ]; then`,
        '  : > "$0.done"',
        `  git --git-dir="${remote.origin}" update-ref refs/heads/${BRANCH} ${created}`,
        'fi',
        'exit $code',
        ''
      ].join('\n')
    )
    chmodSync(script, 0o755)
    git(dir, 'config', 'remote.origin.uploadpack', script)

    const logs: string[] = []
    const outcome = await storeIn(dir, { log: (line) => logs.push(line) }).save(resultsAt(c2), c2)
    expect(outcome).toMatchObject({ attempts: 2, stored: true, replaced: false })
    expect(logs[0]).toBe(
      `perfgate: origin/${BRANCH} changed while writing (the fetch failed as the branch ` +
        `changed: fatal: couldn't find remote ref refs/heads/${BRANCH}); starting over from ` +
        `its new tip (attempt 2 of 20)`
    )
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual([c1, c2])
    expect(git(remote.origin, 'rev-parse', `${BRANCH}^`)).toBe(created)
  })

  it('loses nothing when 8 jobs create the data branch at once, round after round', async () => {
    for (let round = 1; round <= 3; round++) {
      const { remote, main } = makeHistory(8)
      const jobs = main.map(() => cloneOf(remote))
      const outcomes = await Promise.all(
        jobs.map((dir, i) => storeIn(dir).save(resultsAt(main[i]!), main[i]!))
      )
      expect(outcomes.map((o) => o.stored)).toEqual(main.map(() => true))
      expect(storedCommits(remote)).toEqual([...main].sort())
      expect(branchFiles(remote, BRANCH)).toEqual(
        ['index.json', ...main.map((sha) => `results/${sha}.json`)].sort()
      )
      expect(git(remote.origin, 'rev-list', '--count', BRANCH)).toBe('8')
      expect(git(remote.origin, 'rev-list', '--max-parents=0', BRANCH).split('\n')).toHaveLength(1)
    }
  }, 240_000)
})

describe('BranchStore retention by ancestry', () => {
  it('never lets an old commit measured again evict newer ones', async () => {
    const { remote, dir, main } = makeHistory(5)
    const [c1, c2, c3, c4, c5] = main as [string, string, string, string, string]
    const logs: string[] = []
    const store = storeIn(dir, { retention: 2, log: (line) => logs.push(line) })
    // Pushed out of order: the newest commit's job finished first.
    await store.save(resultsAt(c5), c5)
    await store.save(resultsAt(c4), c4)
    const tip = tipOf(remote)

    for (const old of [c3, c2, c1]) {
      expect(await store.save(resultsAt(old), old)).toEqual({
        commit: old,
        dataCommit: undefined,
        attempts: 1,
        replaced: false,
        removed: [],
        stored: false
      })
      expect(logs.at(-1)).toBe(
        `perfgate: retention 2: results of ${old.slice(0, 7)} not stored: ` +
          `origin/${BRANCH} holds the results of 2 newer commit(s)`
      )
    }
    expect(tipOf(remote)).toBe(tip)
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual([c5, c4])

    // Measured again within retention: replaced, nothing evicted.
    expect(await store.save(resultsAt(c4, 7), c4)).toMatchObject({
      stored: true,
      replaced: true,
      removed: []
    })
    expect(indexOn(remote).entries.map((e) => e.commit)).toEqual([c5, c4])
    expect((await store.findBaseline(c5))?.commit).toBe(c5)
    expect((await store.findBaseline(c4))?.results.seed).toBe(7)
    expect(await store.findBaseline(c3)).toBeUndefined()
  })

  it('orders by the history, not by the clocks, when the history is at hand', async () => {
    // Committer clocks running backwards: by time alone, c1 would be the newest.
    const { remote, main } = makeDatedHistory(
      Array.from({ length: 5 }, (_, i) => 1_900_000_000 - i * 60)
    )
    const [c1, , c3, , c5] = main as [string, string, string, string, string]
    const store = storeIn(cloneOf(remote), { retention: 2 })
    for (const sha of [c5, c1]) await store.save(resultsAt(sha), sha)
    // No stored commit is another's parent: only the history tells c3 from c1.
    expect(await store.save(resultsAt(c3), c3)).toMatchObject({ stored: true, removed: [c1] })
    expect(storedCommits(remote)).toEqual([c3, c5].sort())
    expect(await store.save(resultsAt(c1), c1)).toMatchObject({ stored: false })
  })

  it('keeps exactly the newest 3 of 9 commits stored at once in random order', async () => {
    for (let round = 1; round <= 2; round++) {
      const { remote, main } = makeHistory(9)
      const order = shuffled(main.length)
      const outcomes = await Promise.all(
        order.map((i) =>
          storeIn(cloneOf(remote), { retention: 3 }).save(resultsAt(main[i]!), main[i]!)
        )
      )
      const newest = main.slice(6)
      expect({ order, stored: storedCommits(remote) }).toEqual({
        order,
        stored: [...newest].sort()
      })
      expect(branchFiles(remote, BRANCH)).toEqual(
        ['index.json', ...newest.map((sha) => `results/${sha}.json`)].sort()
      )
      for (const [j, i] of order.entries()) {
        if (i >= 6) expect(outcomes[j]!.stored).toBe(true)
      }
      const dir = cloneOf(remote)
      expect((await storeIn(dir).findBaseline(main[8]!))?.commit).toBe(main[8])
      expect(await storeIn(dir).findBaseline(main[5]!)).toBeUndefined()
    }
  }, 240_000)

  it('orders by recorded parents on shallow checkouts, whatever the clocks say', async () => {
    // Clocks running backwards, and every job sees only its own commit (depth 1).
    const { remote, main } = makeDatedHistory(
      Array.from({ length: 6 }, (_, i) => 1_900_000_000 - i * 60)
    )
    const job = (sha: string) => {
      const dir = shallowCloneOf(remote, sha)
      expect(git(dir, 'rev-parse', '--is-shallow-repository')).toBe('true')
      return storeIn(dir, { retention: 3 })
    }
    for (const sha of main.slice(0, 5)) await job(sha).save(resultsAt(sha), sha)
    expect(storedCommits(remote)).toEqual(main.slice(2, 5).sort())
    expect(indexOn(remote).entries.map((e) => e.parent)).toEqual(main.slice(1, 4))

    expect(await job(main[1]!).save(resultsAt(main[1]!), main[1]!)).toMatchObject({
      stored: false
    })
    expect(await job(main[5]!).save(resultsAt(main[5]!), main[5]!)).toMatchObject({
      stored: true,
      removed: [main[2]]
    })
    expect(storedCommits(remote)).toEqual(main.slice(3).sort())
  })

  it('keeps the newest 3 of 9 commits stored at once from shallow checkouts', async () => {
    const { remote, main } = makeDatedHistory(
      Array.from({ length: 9 }, (_, i) => 1_700_000_000 + i * 60)
    )
    const order = shuffled(main.length)
    const jobs = order.map((i) => shallowCloneOf(remote, main[i]!))
    await Promise.all(
      order.map((i, j) => storeIn(jobs[j]!, { retention: 3 }).save(resultsAt(main[i]!), main[i]!))
    )
    expect({ order, stored: storedCommits(remote) }).toEqual({
      order,
      stored: main.slice(6).sort()
    })
  }, 240_000)

  it('reads a schemaVersion 1 index and writes it back as version 2', async () => {
    const { remote, dir, main } = makeHistory(3)
    const [c1, c2, c3] = main as [string, string, string]
    const old = {
      commit: c1,
      file: `results/${c1}.json`,
      createdAt: SAMPLE_RESULTS.createdAt,
      branch: 'main',
      benchmarks: SAMPLE_RESULTS.benchmarks.map((b) => b.name)
    }
    pushBranch(remote, BRANCH, {
      'index.json': JSON.stringify({ schemaVersion: 1, tool: 'perfgate', entries: [old] }),
      [old.file]: serializeResults(resultsAt(c1))
    })
    const store = storeIn(dir, { retention: 2 })
    expect(await store.findBaseline(c3)).toEqual({ commit: c1, results: resultsAt(c1) })

    await store.save(resultsAt(c2), c2)
    expect(indexOn(remote)).toEqual({
      schemaVersion: 2,
      tool: 'perfgate',
      entries: [
        { ...old, committedAt: committedAt(dir, c1) }, // a root commit: no parent
        {
          ...old,
          commit: c2,
          file: `results/${c2}.json`,
          committedAt: committedAt(dir, c2),
          parent: c1
        }
      ]
    })
    expect((await store.findBaseline(c3))?.commit).toBe(c2)
    expect((await store.findBaseline(c1))?.results).toEqual(resultsAt(c1))
  })
})
