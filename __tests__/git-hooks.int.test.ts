// perfgate's own git calls against a repository whose pull request code installed programs
// for git to run: hooks in .git/hooks or a core.hooksPath, an fsmonitor, a filter driver
// chosen by .git/info/attributes. None may run in the base worktree's checkout, fetches,
// the data branch's writes (update-ref, push) and reads, or the environment's status.
import { chmodSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SAMPLE_RESULTS } from '../__fixtures__/results/sample.js'
import { loadConfigFile } from '../src/app/files.js'
import { prepareBaseCheckout } from '../src/git/base-checkout.js'
import { gitInvocation, gitSync } from '../src/git/run.js'
import { readDataBranch } from '../src/history/read-branch.js'
import { readEnvironment } from '../src/results/environment.js'
import type { Results } from '../src/results/types.js'
import { BranchStore } from '../src/store/branch-store.js'
import { cloneOf, commit, git, makeRemote, removeRemotes } from './helpers/git-repos.js'

const HOOKS = [
  'post-checkout',
  'reference-transaction',
  'post-merge',
  'pre-push',
  'post-index-change',
  'post-rewrite',
  'pre-auto-gc',
  'pre-commit',
  'post-commit'
]

afterAll(() => removeRemotes())

/** A program that appends its name (and whether it saw a token) to `marks`. */
function program(file: string, marks: string, passThrough = false): void {
  const tail = passThrough ? 'exec cat\n' : 'cat >/dev/null 2>&1\nexit 0\n'
  writeFileSync(
    file,
    `#!/bin/sh\necho "$(basename "$0") token=\${INPUT_TOKEN:-none}" >> '${marks}'\n${tail}`
  )
  chmodSync(file, 0o755)
}

/** What pull request code could leave in the clone; returns the file the programs write. */
function installHostilePrograms(dir: string, via: 'hooks' | 'hooksPath'): string {
  const gitDir = path.join(dir, '.git')
  const marks = path.join(dir, '..', `marks-${path.basename(dir)}.txt`)
  const hooks = via === 'hooks' ? path.join(gitDir, 'hooks') : path.join(gitDir, 'pr-hooks')
  mkdirSync(hooks, { recursive: true })
  for (const hook of HOOKS) program(path.join(hooks, hook), marks)
  if (via === 'hooksPath') git(dir, 'config', 'core.hooksPath', hooks)
  program(path.join(gitDir, 'fsmonitor'), marks)
  git(dir, 'config', 'core.fsmonitor', path.join(gitDir, 'fsmonitor'))
  program(path.join(gitDir, 'filter'), marks, true)
  git(dir, 'config', 'filter.pr.smudge', path.join(gitDir, 'filter'))
  git(dir, 'config', 'filter.pr.clean', path.join(gitDir, 'filter'))
  mkdirSync(path.join(gitDir, 'info'), { recursive: true })
  writeFileSync(path.join(gitDir, 'info', 'attributes'), '* filter=pr\n')
  return marks
}

function marksIn(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}

/** A repository with a perfgate config on main, pushed, and a clone of it. */
function project(): { dir: string; main: string } {
  const remote = makeRemote()
  const dir = cloneOf(remote)
  git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main')
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    'benchmarks:\n  - name: noop\n    command: { run: "true" }\n'
  )
  git(dir, 'add', 'perfgate.yml')
  commit(dir, 'main 1')
  const main = commit(dir, 'main 2')
  git(dir, 'push', '--quiet', 'origin', 'main')
  return { dir, main }
}

function resultsAt(sha: string): Results {
  return {
    ...SAMPLE_RESULTS,
    environment: {
      ...SAMPLE_RESULTS.environment,
      git: { commit: sha, branch: 'main', dirty: false }
    }
  }
}

const saved = process.env.INPUT_TOKEN
beforeAll(() => (process.env.INPUT_TOKEN = 'ghs_secret'))
afterAll(() => {
  if (saved === undefined) delete process.env.INPUT_TOKEN
  else process.env.INPUT_TOKEN = saved
})

describe("perfgate's git runs none of the repository's programs", () => {
  it('a filter configured only for worktrees (includeIf gitdir) does not run in the base checkout', async () => {
    const { dir } = project()
    const gitDir = path.join(dir, '.git')
    const marks = path.join(dir, '..', `marks-include-${path.basename(dir)}.txt`)
    program(path.join(gitDir, 'filter'), marks, true)
    const included = path.join(gitDir, 'worktrees.cfg')
    writeFileSync(
      included,
      `[filter "pr"]\n\tsmudge = ${path.join(gitDir, 'filter')}\n\tclean = ${path.join(gitDir, 'filter')}\n`
    )
    git(dir, 'config', 'includeIf.gitdir:**/worktrees/**.path', included)
    mkdirSync(path.join(gitDir, 'info'), { recursive: true })
    writeFileSync(path.join(gitDir, 'info', 'attributes'), '* filter=pr\n')

    const base = await prepareBaseCheckout(loadConfigFile(dir, undefined), 'HEAD~1', () => {}, {
      mergeBase: false
    })
    expect(readFileSync(path.join(base.root, 'work.txt'), 'utf8')).toBe('main 1\n')
    base.remove()
    expect(marksIn(marks)).toEqual([])
  })

  it.each(['hooks', 'hooksPath'] as const)(
    'worktree add and remove, fetch, data branch save and read, status (%s)',
    async (via) => {
      const { dir, main } = project()
      const marks = installHostilePrograms(dir, via)
      // A tracked file whose time changed: status must look at its content (clean filter).
      const later = new Date(Date.now() + 60_000)
      utimesSync(path.join(dir, 'work.txt'), later, later)

      const base = await prepareBaseCheckout(loadConfigFile(dir, undefined), 'HEAD~1', () => {}, {
        mergeBase: false
      })
      expect(readFileSync(path.join(base.root, 'work.txt'), 'utf8')).toBe('main 1\n')
      base.remove()
      expect(gitSync(dir, ['fetch', '--quiet', '--no-tags', 'origin', main]).ok).toBe(true)
      const store = new BranchStore({ cwd: dir })
      expect((await store.save(resultsAt(main), main)).stored).toBe(true)
      expect((await store.findBaseline(main))?.commit).toBe(main)
      expect(readDataBranch({ cwd: dir, onWarning: () => {} })).toHaveLength(1)
      expect(readEnvironment(dir, 'hash').git?.commit).toBe(main)

      expect(marksIn(marks)).toEqual([])

      // The same programs do run in a plain git of the pull request's: the test can fail.
      git(dir, 'status', '--porcelain')
      git(dir, 'worktree', 'add', '--quiet', '--detach', path.join(dir, '..', `wt-${via}`), main)
      const ran = marksIn(marks).map((line) => line.split(' ')[0])
      expect(ran).toEqual(expect.arrayContaining(['fsmonitor', 'filter', 'post-checkout']))
    }
  )

  it('starts git without the withheld credentials', () => {
    const { env, args } = gitInvocation(process.cwd(), ['status'])
    expect(env.INPUT_TOKEN).toBeUndefined()
    expect(args.slice(-1)).toEqual(['status'])
  })
})
