// The counted environment's pure parts: the `node` shim's text and reading valgrind's
// "Command:" lines for a Node process that ran without the repeatability flags; and what
// the flags do to a real Node's collector (its --trace-gc lines).
import { spawnSync } from 'node:child_process'
import {
  isUnflaggedNode,
  loggedCommand,
  nodeShimText,
  REPEATABLE_NODE_FLAGS,
  shellWord,
  unflaggedNodeProblem,
  COUNTED_NODE_FLAGS
} from '../src/runners/instructions/shim.js'

const FLAGS = ['--predictable', '--hash-seed=1']

/** A valgrind log as cachegrind writes it for one process. */
const log = (command: string) =>
  `==4242== Cachegrind, a cache and branch-prediction profiler\n` +
  `==4242== Command: ${command}\n==4242== \n==4242== I   refs:      574,619,920\n`

describe('the node shim', () => {
  it('starts the real node with the flags before the arguments it was given', () => {
    expect(nodeShimText('/usr/bin/node', FLAGS)).toBe(
      "#!/bin/sh\n# perfgate: Node with flags that make its instruction count repeat.\nexec '/usr/bin/node' '--predictable' '--hash-seed=1' \"$@\"\n"
    )
  })

  it('quotes a path with spaces, quotes and shell syntax as one word', () => {
    expect(shellWord(`/opt/my node's $(x)/node`)).toBe(`'/opt/my node'\\''s $(x)/node'`)
  })
})

describe('loggedCommand', () => {
  it('reads the program and arguments, a `\\ ` inside an argument as a space', () => {
    expect(loggedCommand(log('/bin/sh -c node\\ s.mjs\\ out.json'))).toEqual([
      '/bin/sh',
      '-c',
      'node s.mjs out.json'
    ])
  })

  it('is undefined for a log without a Command: line', () => {
    expect(loggedCommand('==1== valgrind: failed to start tool\n')).toBeUndefined()
  })
})

describe('isUnflaggedNode', () => {
  const nodes = ['/opt/node-20/bin/node-20']
  it.each([
    ['/usr/bin/node s.mjs', true],
    ['/usr/bin/nodejs s.mjs', true],
    ['/opt/node-20/bin/node-20 s.mjs', true],
    ['/usr/bin/node --predictable s.mjs', true],
    ['/usr/bin/node --predictable --hash-seed=1 s.mjs', false],
    ['/opt/node-20/bin/node-20 --hash-seed=1 --predictable s.mjs', false],
    ['/bin/sh -c node\\ s.mjs', false],
    ['/usr/bin/python3 node', false],
    ['/home/u/bin/nodemon app.js', false]
  ])('%s: %s', (command, unflagged) => {
    expect(isUnflaggedNode(loggedCommand(log(command))!, nodes, FLAGS)).toBe(unflagged)
  })
})

describe('unflaggedNodeProblem', () => {
  it('names the process and the fix, and keeps its log', () => {
    const logs = [log('/bin/sh -c /usr/bin/node\\ s.mjs'), log('/usr/bin/node s.mjs')]
    const problem = unflaggedNodeProblem(logs, [], FLAGS)
    expect(problem?.error).toContain('(/usr/bin/node s.mjs)')
    expect(problem?.error).toContain('start node through PATH')
    expect(problem?.log).toBe(logs[1])
  })

  it('is undefined when every Node process had the flags', () => {
    const logs = [
      log('/bin/sh -c node\\ s.mjs'),
      log('/usr/bin/node --predictable --hash-seed=1 s.mjs')
    ]
    expect(unflaggedNodeProblem(logs, [], FLAGS)).toBeUndefined()
  })

  it('shows a hostile command line inert', () => {
    const problem = unflaggedNodeProblem([log('/usr/bin/node \x1b]0;title\x07x.mjs')], [], FLAGS)
    expect(problem?.error).toContain('/usr/bin/node \\x1b]0;title\\x07x.mjs')
  })
})

/**
 * A program that allocates in 60 event-loop turns (a server's requests, in small), keeping
 * a quarter of it: young collections, and old-generation growth that starts a full one.
 */
const ALLOCATING = `const keep = []
let n = 0
function chunk() {
  for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; if (i % 4 === 0) keep.push(o) }
  if (++n < 60) setImmediate(chunk)
}
chunk()`

/** The --trace-gc lines of ALLOCATING run by this node with `flags`. */
function gcTrace(flags: readonly string[]): string[] {
  const run = spawnSync(process.execPath, [...flags, '--trace-gc', '-e', ALLOCATING], {
    encoding: 'utf8',
    timeout: 60_000
  })
  if (run.status !== 0) throw new Error(`node exited ${run.status ?? run.signal}: ${run.stderr}`)
  return run.stdout.split('\n').filter((line) => /Scavenge|Mark-Compact/.test(line))
}

/** A collection started by a task, or a full one marked in steps sized by the clock. */
const CLOCKED = /\btask\b|since start of marking/

describe('the collector flags of a counted Node process, on a real node', () => {
  it('collect only when a space is full: no collection by a task, no marking in timed steps', () => {
    const lines = gcTrace(COUNTED_NODE_FLAGS)
    expect(lines.filter((line) => line.includes('Scavenge')).length).toBeGreaterThan(5)
    expect(lines.filter((line) => CLOCKED.test(line))).toEqual([])
  }, 60_000)

  it('without them, the same program collects by task and marks in steps', () => {
    const lines = gcTrace(REPEATABLE_NODE_FLAGS)
    expect(lines.some((line) => /Scavenge.*\btask\b/.test(line))).toBe(true)
    expect(lines.some((line) => /Mark-Compact.*since start of marking/.test(line))).toBe(true)
  }, 60_000)
})
