// Files a user names on the command line (the config, a baseline, the results to compare or
// merge) that are no regular file: a FIFO with no writer, a link to /dev/zero, a huge sparse
// file. The CLI (bundled from the current sources, as a real process) refuses each with one
// line naming the file, at once: a synchronous read of a FIFO would block it where no signal
// ends it, and /dev/zero or a huge file would be read into memory whole.
import { execFileSync, spawnSync } from 'node:child_process'
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BUILD_DIR } from './helpers/build.js'
import { scratchDir } from './helpers/scratch.js'

const CONFIG = 'benchmarks:\n  - name: noop\n    command: { run: "true" }\n'

function perfgate(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [path.join(BUILD_DIR, 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL'
  })
  return { code: run.status, signal: run.signal, stderr: run.stderr, stdout: run.stdout }
}

const describeUnix = process.platform === 'win32' ? describe.skip : describe

describeUnix('files that are not regular files', () => {
  let dir: string
  beforeAll(() => {
    dir = scratchDir('perfgate-special-')
    writeFileSync(path.join(dir, 'perfgate.yml'), CONFIG)
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')])
    symlinkSync('/dev/zero', path.join(dir, 'zero.json'))
    writeFileSync(path.join(dir, 'huge.json'), '')
    truncateSync(path.join(dir, 'huge.json'), 3 * 1024 ** 3)
  })

  it.each([
    ['--config', ['validate', '--config', 'fifo.json'], 'fifo.json', 'not a regular file'],
    ['--config', ['validate', '--config', 'zero.json'], 'zero.json', 'not a regular file'],
    ['--config', ['validate', '--config', 'huge.json'], 'huge.json', 'larger than expected'],
    ['compare', ['compare', 'fifo.json', 'zero.json'], 'fifo.json', 'not a regular file'],
    ['compare', ['compare', 'huge.json', 'fifo.json'], 'huge.json', 'larger than expected'],
    ['merge', ['merge', 'zero.json', 'fifo.json'], 'zero.json', 'not a regular file'],
    ['--baseline', ['run', '--baseline', 'fifo.json'], 'fifo.json', 'not a regular file']
  ])('%s %j: refused at once, naming the file', (_, args, file, why) => {
    const run = perfgate(dir, args)
    expect(run.signal).toBeNull()
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(file)
    expect(run.stderr).toContain(why)
  })
})
