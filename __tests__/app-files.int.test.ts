// Output files: checked before measuring, written atomically, symlinks followed, devices
// and pipes written in place, '-' for standard output.
import { execFileSync, spawn } from 'node:child_process'
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { openOutput, OutputError } from '../src/app/files.js'
import { main } from '../src/cli/main.js'
import { okTrial, scriptedRunner } from './helpers/scripted.js'
import { scratchDir } from './helpers/scratch.js'

const stdout = { text: '', write: (t: string) => (stdout.text += t) }
const fresh = () => scratchDir('perfgate-files-')

describe('openOutput', () => {
  it('replaces a regular file atomically and leaves no temporary file', () => {
    const dir = fresh()
    const out = openOutput(dir, 'sub/results.json', stdout)
    out.write('one')
    out.write('two')
    expect(readFileSync(path.join(dir, 'sub/results.json'), 'utf8')).toBe('two')
    expect(readdirSync(path.join(dir, 'sub'))).toEqual(['results.json'])
  })

  it('writes through a symlink, which stays a symlink (also a dangling one)', () => {
    const dir = fresh()
    writeFileSync(path.join(dir, 'real.txt'), 'old')
    symlinkSync('real.txt', path.join(dir, 'link.txt'))
    openOutput(dir, 'link.txt', stdout).write('new')
    expect(lstatSync(path.join(dir, 'link.txt')).isSymbolicLink()).toBe(true)
    expect(readFileSync(path.join(dir, 'real.txt'), 'utf8')).toBe('new')
    symlinkSync('later.txt', path.join(dir, 'dangling.txt'))
    openOutput(dir, 'dangling.txt', stdout).write('made')
    expect(readlinkSync(path.join(dir, 'dangling.txt'))).toBe('later.txt')
    expect(readFileSync(path.join(dir, 'later.txt'), 'utf8')).toBe('made')
  })

  it('writes a pipe in place instead of renaming over it', async () => {
    const dir = fresh()
    const fifo = path.join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    const reader = spawn('cat', [fifo])
    let read = ''
    reader.stdout.on('data', (d) => (read += d))
    const closed = new Promise((resolve) => reader.on('close', resolve))
    openOutput(dir, 'pipe', stdout).write('through the pipe')
    await closed
    expect(read).toBe('through the pipe')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it("takes '-' as standard output", () => {
    const out = openOutput(fresh(), '-', stdout)
    out.write('to stdout')
    expect(out.isStdout).toBe(true)
    expect(stdout.text).toContain('to stdout')
  })

  it('refuses at once what cannot be written, naming the path and why', () => {
    const dir = fresh()
    expect(() => openOutput(dir, '.', stdout)).toThrow(OutputError)
    writeFileSync(path.join(dir, 'file'), '')
    expect(() => openOutput(dir, 'file/results.json', stdout)).toThrow(
      /cannot write file\/results\.json: /
    )
  })
})

describe('perfgate run with an output it cannot write', () => {
  it('exits 2 before measuring anything', async () => {
    const dir = fresh()
    writeFileSync(path.join(dir, 'blocker'), '')
    writeFileSync(
      path.join(dir, 'perfgate.yml'),
      'benchmarks:\n  - name: a\n    command: { run: "true" }\n'
    )
    const runner = scriptedRunner({ a: () => okTrial(1) })
    const err = { text: '', write: (t: string) => (err.text += t) }
    const io = { stdout, stderr: err, cwd: dir, runner }
    expect(await main(['run', '--out', 'blocker/results.json'], io)).toBe(2)
    expect(runner.calls).toEqual([])
    expect(err.text).toContain('cannot write blocker/results.json')
    expect(await main(['run', '--json', '--out', '-'], io)).toBe(2)
    expect(existsSync(path.join(dir, 'blocker'))).toBe(true)
  })

  it("prints the report on stderr when the results go to '-'", async () => {
    const dir = fresh()
    writeFileSync(
      path.join(dir, 'perfgate.yml'),
      'benchmarks:\n  - name: a\n    command: { run: "true" }\n    trials: 2\n'
    )
    const out = { text: '', write: (t: string) => (out.text += t) }
    const err = { text: '', write: (t: string) => (err.text += t) }
    const io = {
      stdout: out,
      stderr: err,
      cwd: dir,
      runner: scriptedRunner({ a: () => okTrial(1) })
    }
    expect(await main(['run', '--out', '-'], io)).toBe(0)
    expect(JSON.parse(out.text).benchmarks[0].name).toBe('a')
    expect(err.text).toContain('perfgate')
  })

  it('prints the report and exits 3 with one line when a write fails late (disk full)', async () => {
    const dir = fresh()
    writeFileSync(
      path.join(dir, 'perfgate.yml'),
      'benchmarks:\n  - name: a\n    command: { run: "true" }\n    trials: 2\n'
    )
    const out = { text: '', write: (t: string) => (out.text += t) }
    const err = { text: '', write: (t: string) => (err.text += t) }
    const runner = scriptedRunner({ a: () => okTrial(1) })
    const io = { stdout: out, stderr: err, cwd: dir, runner }
    // /dev/full accepts the check (a writable device) and fails every write with ENOSPC.
    expect(await main(['run', '--report', '/dev/full', '--out', 'results.json'], io)).toBe(3)
    expect(runner.calls).toHaveLength(2)
    expect(out.text).toContain('budgets') // the terminal report was printed
    expect(err.text).toContain('perfgate: cannot write /dev/full: no space left on device')
    expect(err.text).not.toContain('internal error')
    expect(readdirSync(dir).sort()).toEqual(['perfgate.yml', 'results.json'])
  })
})
