/**
 * The base side of a same-runner A/B: a git worktree of the merge-base of a ref and HEAD,
 * outside the user's working tree (their files, index and HEAD are never touched), with
 * its dependencies prepared, removed afterwards — also on failure and on Ctrl-C.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BenchmarkConfig, Config } from '../config/types.js'
import { registerCleanup } from '../process/cleanup.js'
import { gitSync } from './run.js'
import { describeExit, startChild } from '../process/children.js'
import { leftoverText } from '../process/leftovers.js'

export class BaseCheckoutError extends Error {
  constructor(
    message: string,
    /** 'usage': the ref or repository is wrong (exit 2); 'runtime': setup failed (exit 3). */
    readonly kind: 'usage' | 'runtime'
  ) {
    super(message)
    this.name = 'BaseCheckoutError'
  }
}

export interface BaseCheckout {
  readonly ref: string
  readonly commit: string
  /** Root of the worktree. */
  readonly root: string
  /** The config's directory inside the worktree (where the base's paths resolve). */
  readonly configDir: string
  /** How the base got its dependencies, for the report. */
  readonly dependencies: string
  /** Removes the worktree (idempotent). */
  remove(): void
}

const git = (cwd: string, args: string[]) => gitSync(cwd, args)

/**
 * Runs a shell command to completion, failing with its output tail. Processes it leaves
 * running outside its process group are stopped like a trial's; the returned warning
 * ("setup left 1 process running …; stopped") says so, for the log.
 */
export async function runSetup(
  command: string,
  cwd: string,
  timeoutMs: number
): Promise<string | undefined> {
  const { finished } = startChild('/bin/sh', ['-c', command], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeoutMs
  })
  const end = await finished
  const left = end.leftovers?.length ? `setup ${leftoverText(end.leftovers)}` : undefined
  if (end.code === 0) return left
  const why = end.timedOut ? `timed out after ${timeoutMs / 1000} s` : describeExit(end)
  const tail = [end.stdout.text(10), end.stderr.text(20)].filter(Boolean).join('\n')
  throw new BaseCheckoutError(
    `setup \`${command}\` in ${cwd} ${why}${left ? ` (${left})` : ''}${tail ? `:\n${tail}` : ''}`,
    'runtime'
  )
}

export const SETUP_TIMEOUT_MS = 30 * 60_000

/**
 * Checks out the merge-base of `ref` and HEAD (or, with `mergeBase: false`, the commit
 * `ref` names itself, which needs no history beyond it) and prepares it. With a `setup`
 * command it runs there; without one, the base shares the head's node_modules when the
 * lockfiles match, and the report says when they do not.
 */
export async function prepareBaseCheckout(
  config: Config,
  ref: string,
  log: (line: string) => void,
  options: {
    readonly mergeBase: boolean
    /** How log lines name this side (default "base"; bisect names each commit). */
    readonly label?: string
  } = { mergeBase: true }
): Promise<BaseCheckout> {
  const label = options.label ?? 'base'
  const top = git(config.dir, ['rev-parse', '--show-toplevel'])
  if (!top.ok) {
    throw new BaseCheckoutError(
      `--base needs a git repository; ${config.dir} is not in one`,
      'usage'
    )
  }
  const repoRoot = top.out
  const base = options.mergeBase
    ? git(repoRoot, ['merge-base', ref, 'HEAD'])
    : git(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  if (!base.ok && !options.mergeBase) {
    throw new BaseCheckoutError(
      `base commit ${ref} is not in this clone (fetch it first, e.g. git fetch --depth 1 origin ${ref})`,
      'usage'
    )
  }
  if (!base.ok) {
    const known = git(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).ok
    throw new BaseCheckoutError(
      known
        ? `--base ${ref}: no merge-base with HEAD (shallow clone? fetch more history, e.g. actions/checkout with fetch-depth: 0)`
        : `--base ${ref}: unknown git ref (fetch it first, e.g. git fetch origin ${ref})`,
      'usage'
    )
  }
  const commit = base.out
  const root = mkdtempSync(path.join(tmpdir(), 'perfgate-base-'))
  const remove = registerCleanup(() => {
    git(repoRoot, ['worktree', 'remove', '--force', root])
    rmSync(root, { recursive: true, force: true })
    git(repoRoot, ['worktree', 'prune'])
  })
  try {
    // Registered first, checked out second, from inside the worktree: the filter drivers
    // whose programs gitInvocation empties are read from the config as the checkout sees
    // it, which a conditional include (`includeIf "gitdir:**/worktrees/**"`) can make
    // differ from the main repository's.
    const added = git(repoRoot, [
      'worktree',
      'add',
      '--detach',
      '--no-checkout',
      '--quiet',
      root,
      commit
    ])
    if (!added.ok) throw new BaseCheckoutError(`git worktree add failed: ${added.err}`, 'runtime')
    const checkedOut = git(root, ['reset', '--hard', '--quiet', commit])
    if (!checkedOut.ok) {
      throw new BaseCheckoutError(`git checkout of ${commit} failed: ${checkedOut.err}`, 'runtime')
    }
    const configDir = path.join(root, path.relative(repoRoot, config.dir))
    log(
      options.mergeBase
        ? `${label}: ${ref} merge-base ${commit.slice(0, 7)} checked out in ${root}`
        : `${label}: commit ${commit.slice(0, 7)} checked out in ${root}`
    )

    let dependencies: string
    if (config.setup) {
      log(`${label}: running setup \`${config.setup}\``)
      const left = await runSetup(config.setup, configDir, SETUP_TIMEOUT_MS)
      if (left) log(`${label}: ${left}`)
      dependencies = `setup \`${config.setup}\``
    } else {
      dependencies = shareNodeModules(repoRoot, root, path.relative(repoRoot, config.dir))
    }
    return { ref, commit, root, configDir, dependencies, remove }
  } catch (error) {
    remove()
    throw error
  }
}

const LOCKFILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock'
]

/**
 * Whether node_modules links back into the repository (npm/yarn/pnpm workspaces, `file:`
 * dependencies): shared with the base, those links would make the base run head's code.
 */
function linksIntoRepo(modules: string, repoRoot: string): boolean {
  const inside = (link: string) => {
    try {
      const target = realpathSync(link)
      return target.startsWith(repoRoot + path.sep) && !target.startsWith(modules)
    } catch {
      return false
    }
  }
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    const full = path.join(modules, entry.name)
    if (entry.isSymbolicLink() && inside(full)) return true
    if (entry.isDirectory() && entry.name.startsWith('@')) {
      for (const scoped of readdirSync(full, { withFileTypes: true })) {
        if (scoped.isSymbolicLink() && inside(path.join(full, scoped.name))) return true
      }
    }
  }
  return false
}

/**
 * Without a setup command: link head's node_modules into the base worktree where every
 * lockfile is identical (the installed packages are then the base's too) and nothing in
 * it points back into the repository.
 */
function shareNodeModules(repoRoot: string, worktree: string, configRel: string): string {
  const dirs = [...new Set(['', configRel])]
  const shared: string[] = []
  const reasons: string[] = []
  for (const rel of dirs) {
    const headModules = path.join(repoRoot, rel, 'node_modules')
    if (!existsSync(headModules)) continue
    const where = rel || '.'
    const read = (root: string, name: string) => {
      const file = path.join(root, rel, name)
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined
    }
    const target = path.join(worktree, rel, 'node_modules')
    if (LOCKFILES.some((name) => read(repoRoot, name) !== read(worktree, name))) {
      reasons.push(`its lockfile differs from head's in ${where}`)
    } else if (linksIntoRepo(headModules, repoRoot)) {
      reasons.push(
        `${where}/node_modules links into the repository (workspaces), which would run head's code`
      )
    } else if (existsSync(path.dirname(target)) && !existsSync(target)) {
      symlinkSync(headModules, target, 'dir')
      shared.push(where)
    }
  }
  if (reasons.length > 0) {
    return `none — ${reasons.join('; ')}; set \`setup\` in perfgate.yml (e.g. npm ci) so the base installs its own`
  }
  if (shared.length > 0) return `head's node_modules (lockfiles identical)`
  return 'none needed (no node_modules in head)'
}

/** The base side's copy of a benchmark's paths, or undefined when the base lacks them. */
export function mapToBase(
  benchmark: BenchmarkConfig,
  headDir: string,
  baseDir: string
): BenchmarkConfig | undefined {
  const move = (p: string) => path.join(baseDir, path.relative(headDir, p))
  const spec = benchmark.spec
  switch (spec.kind) {
    case 'function': {
      const file = move(spec.file)
      return existsSync(file) ? { ...benchmark, spec: { ...spec, file } } : undefined
    }
    case 'command': {
      const cwd = move(spec.cwd)
      return existsSync(cwd) ? { ...benchmark, spec: { ...spec, cwd } } : undefined
    }
    case 'http': {
      const cwd = move(spec.server.cwd)
      return existsSync(cwd)
        ? { ...benchmark, spec: { ...spec, server: { ...spec.server, cwd } } }
        : undefined
    }
  }
}
