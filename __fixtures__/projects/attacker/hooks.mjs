// "Pull request code" run by setup: makes git run this project's scanner from every place
// a repository can name a program — hooks in .git/hooks, a core.hooksPath directory, an
// fsmonitor, a smudge/clean filter selected by .git/info/attributes. Each records a scan
// named `hook-<name>`, so a test sees whether perfgate's own git calls ran any of them.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const scanner = new URL('./scan.mjs', import.meta.url).pathname
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim()
const common = path.resolve(git('rev-parse', '--git-common-dir'))
const program = (name) =>
  `#!/bin/sh\nnode '${scanner}' hook-${name} >/dev/null 2>&1\ncat >/dev/null 2>&1 || true\nexit 0\n`
const HOOKS = [
  'post-checkout',
  'reference-transaction',
  'post-merge',
  'pre-push',
  'post-rewrite',
  'pre-auto-gc',
  'post-index-change',
  'push-to-checkout'
]

function install(dir, tag) {
  mkdirSync(dir, { recursive: true })
  for (const hook of HOOKS) {
    writeFileSync(path.join(dir, hook), program(`${tag}-${hook}`))
    chmodSync(path.join(dir, hook), 0o755)
  }
}

install(path.join(common, 'hooks'), 'hooks')
if (process.argv[2] === 'hooks-path') {
  install(path.join(common, 'pr-hooks'), 'hooks-path')
  git('config', 'core.hooksPath', path.join(common, 'pr-hooks'))
}
const monitor = path.join(common, 'pr-fsmonitor')
writeFileSync(monitor, program('fsmonitor'))
chmodSync(monitor, 0o755)
git('config', 'core.fsmonitor', monitor)
// A filter's program runs on checkout (smudge) and when git compares the work tree (clean).
const filter = path.join(common, 'pr-filter')
writeFileSync(filter, `#!/bin/sh\nnode '${scanner}' hook-filter >/dev/null 2>&1\nexec cat\n`)
chmodSync(filter, 0o755)
git('config', 'filter.pr.smudge', filter)
git('config', 'filter.pr.clean', filter)
mkdirSync(path.join(common, 'info'), { recursive: true })
writeFileSync(path.join(common, 'info', 'attributes'), '* filter=pr\n')
