// Profile aggregation and diff (pure): hand-made profiles with exact numbers, and real
// profiles recorded with node --cpu-prof (__fixtures__/profiles, see the README there).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  aggregateProfiles,
  identify,
  packageOf,
  type ProfileTable
} from '../src/profile/aggregate.js'
import { parseCpuProfile, ProfileFormatError, type CpuProfile } from '../src/profile/cpuprofile.js'
import { diffProfiles } from '../src/profile/diff.js'

const FIXTURES = fileURLToPath(new URL('../__fixtures__/profiles/', import.meta.url))
const RECORDED_ROOT = '/tmp/perfgate-profile-fixture'

function recorded(side: 'base' | 'head'): ProfileTable {
  const file = path.join(FIXTURES, `${side}.cpuprofile`)
  const profile = parseCpuProfile(readFileSync(file, 'utf8'), file)
  const ops = Number(readFileSync(path.join(FIXTURES, `${side}.ops`), 'utf8'))
  return aggregateProfiles([{ profile }], ops, 'op', { root: `${RECORDED_ROOT}/${side}` })
}

const frame = (functionName: string, url: string, lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0
})

/**
 * root → main (app.js) → outer (app.js) → inner (app.js) → outer again (recursion), plus
 * a dependency and (idle). Samples every 100 µs.
 */
function handMade(): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1), children: [2, 7] },
      { id: 2, callFrame: frame('main', 'file:///repo/src/app.js', 0), children: [3] },
      { id: 3, callFrame: frame('outer', 'file:///repo/src/app.js', 9), children: [4, 6] },
      { id: 4, callFrame: frame('inner', 'file:///repo/src/app.js', 19), children: [5] },
      { id: 5, callFrame: frame('outer', 'file:///repo/src/app.js', 9) },
      {
        id: 6,
        callFrame: frame('format', 'file:///repo/node_modules/@scope/fmt/lib/index.js', 3)
      },
      { id: 7, callFrame: frame('(idle)', '', -1) }
    ],
    startTime: 1_000,
    endTime: 1_600,
    // at 1100: inner, 1200: outer (recursive), 1300: format, 1400: idle, 1500: inner
    samples: [4, 5, 6, 7, 4],
    timeDeltas: [100, 100, 100, 100, 100]
  }
}

describe('parseCpuProfile', () => {
  it('reads a recorded profile', () => {
    const file = path.join(FIXTURES, 'base.cpuprofile')
    const profile = parseCpuProfile(readFileSync(file, 'utf8'), file)
    expect(profile.nodes.length).toBeGreaterThan(10)
    expect(profile.samples!.length).toBe(profile.timeDeltas!.length)
  })

  it('names the source and the field of a malformed profile', () => {
    expect(() => parseCpuProfile('{', 'a.cpuprofile')).toThrow(/^a\.cpuprofile: not JSON/)
    expect(() => parseCpuProfile('{"nodes":[]}', 'b.cpuprofile')).toThrow(
      'b.cpuprofile: nodes: expected a non-empty array'
    )
    const bad = { ...handMade(), samples: [4, 99], timeDeltas: [1, 1] }
    expect(() => parseCpuProfile(JSON.stringify(bad), 'c.cpuprofile')).toThrow(
      'c.cpuprofile: samples: expected an array of node ids'
    )
    const short = { ...handMade(), timeDeltas: [1] }
    expect(() => parseCpuProfile(JSON.stringify(short), 'd')).toThrow(ProfileFormatError)
  })
})

describe('identify', () => {
  const options = { root: '/repo', groups: [{ dir: '/opt/perfgate/dist', label: '(harness)' }] }
  it('names code by file relative to the repository, dependencies by package', () => {
    expect(identify(frame('f', 'file:///repo/src/a%20b.js', 4), options)).toEqual({
      key: 'code:src/a b.js:f',
      name: 'f',
      file: 'src/a b.js',
      line: 5,
      kind: 'code'
    })
    expect(identify(frame('', '/repo/src/x.js', 0), options)?.name).toBe('(anonymous)')
    expect(
      identify(frame('g', 'file:///repo/node_modules/a/node_modules/@s/b/i.js'), options)
    ).toMatchObject({ key: 'dep:@s/b', name: '@s/b', kind: 'dependency' })
    expect(identify(frame('h', 'node:internal/fs/utils'), options)).toMatchObject({
      name: '(node internals)',
      kind: 'node'
    })
    expect(identify(frame('JSON.parse', ''), options)).toMatchObject({ kind: 'native' })
    expect(identify(frame('(idle)', ''), options)).toBeNull()
    expect(identify(frame('(garbage collector)', ''), options)?.kind).toBe('vm')
    expect(identify(frame('loop', 'file:///opt/perfgate/dist/worker.js'), options)?.name).toBe(
      '(harness)'
    )
  })

  it('finds the package of a path under node_modules', () => {
    expect(packageOf('/a/node_modules/lodash/fp.js')).toBe('lodash')
    expect(packageOf('/a/node_modules/@types/node/x.d.ts')).toBe('@types/node')
    expect(packageOf('/a/src/x.js')).toBeUndefined()
  })
})

describe('aggregateProfiles', () => {
  it('sums self time per function and total time once per stack, per unit of work', () => {
    const table = aggregateProfiles([{ profile: handMade() }], 2, 'op', { root: '/repo' })
    const byName = Object.fromEntries(table.functions.map((f) => [f.name, f]))
    // 4 samples of 100 µs on CPU (idle left out), over 2 operations.
    expect(table.cpu).toBe(200)
    expect(table.samples).toBe(5)
    expect(byName.inner).toMatchObject({ self: 100, total: 150, file: 'src/app.js', line: 20 })
    // outer: self in one sample, on the stack of all but idle, counted once when recursive.
    expect(byName.outer).toMatchObject({ self: 50, total: 200 })
    expect(byName.main).toMatchObject({ self: 0, total: 200 })
    expect(byName['@scope/fmt']).toMatchObject({ self: 50, total: 50, kind: 'dependency' })
    expect(byName['(idle)']).toBeUndefined()
    expect(table.functions[0]!.name).toBe('inner')
    expect(table.tree.total).toBe(200)
    expect(table.tree.children.map((c) => c.id.name)).toEqual(['main'])
  })

  it('keeps only the samples inside a window', () => {
    const table = aggregateProfiles(
      [{ profile: handMade(), windows: [{ fromUs: 1_150, toUs: 1_350 }] }],
      1,
      'request',
      { root: '/repo' }
    )
    expect(table.samples).toBe(2)
    expect(table.cpu).toBe(200)
    expect(table.functions.map((f) => f.name).sort()).toEqual([
      '@scope/fmt',
      'inner',
      'main',
      'outer'
    ])
  })

  it('keeps the samples of every slice of an interleaved pair, not those between', () => {
    // Slices 1050-1150 (inner) and 1450-1550 (inner); outer, format and idle fall between.
    const table = aggregateProfiles(
      [
        {
          profile: handMade(),
          windows: [
            { fromUs: 1_050, toUs: 1_150 },
            { fromUs: 1_450, toUs: 1_550 }
          ]
        }
      ],
      1,
      'request',
      { root: '/repo' }
    )
    expect(table.samples).toBe(2)
    expect(table.cpu).toBe(200)
    expect(table.functions.find((f) => f.name === 'inner')!.self).toBe(200)
    expect(table.functions.find((f) => f.name === 'outer')!.self).toBe(0)
  })

  it('adds up several profiles of one side', () => {
    const one = aggregateProfiles([{ profile: handMade() }], 2, 'op', { root: '/repo' })
    const two = aggregateProfiles([{ profile: handMade() }, { profile: handMade() }], 4, 'op', {
      root: '/repo'
    })
    expect(two.cpu).toBe(one.cpu)
    expect(two.samples).toBe(2 * one.samples)
  })

  it('groups a recorded profile: own code by file, the package, Node internals, GC', () => {
    const head = recorded('head')
    const names = head.functions.map((f) => f.name)
    expect(names).toEqual(
      expect.arrayContaining(['slowHelper', 'middle', 'handle', 'extraStep', '@acme/pad'])
    )
    expect(names).toContain('(node internals)')
    expect(head.functions.find((f) => f.name === 'slowHelper')).toMatchObject({
      file: 'work.js',
      line: 8,
      kind: 'code'
    })
    // Nothing from the package leaks out as its own function or path.
    expect(head.functions.filter((f) => f.file?.includes('node_modules'))).toEqual([])
    expect(head.functions.every((f) => f.total >= f.self)).toBe(true)
    const selfSum = head.functions.reduce((sum, f) => sum + f.self, 0)
    expect(selfSum).toBeCloseTo(head.cpu, 6)
  })
})

/**
 * An HTTP server's request: handler (app.js) → JSON.stringify (a V8 builtin), and Node's
 * socket write: writeGeneric (node:internal) → writev (native). Samples every 100 µs.
 */
function serverProfile(writevSamples: number): CpuProfile {
  const samples = [3, 3, 4, ...Array<number>(writevSamples).fill(6), 5]
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1), children: [2, 5] },
      { id: 2, callFrame: frame('handler', 'file:///repo/src/app.js', 4), children: [3] },
      { id: 3, callFrame: frame('stringify', '', -1), children: [4] },
      { id: 4, callFrame: frame('(garbage collector)', '', -1) },
      {
        id: 5,
        callFrame: frame('writeGeneric', 'node:internal/stream_base_commons', 9),
        children: [6]
      },
      { id: 6, callFrame: frame('writev', '', -1) }
    ],
    startTime: 0,
    endTime: 100 * samples.length,
    samples,
    timeDeltas: samples.map(() => 100)
  }
}

describe("Node's own machinery", () => {
  it('takes the native calls Node makes (a socket write), not those the application makes', () => {
    const table = aggregateProfiles([{ profile: serverProfile(2) }], 1, 'request', {
      root: '/repo'
    })
    const byName = Object.fromEntries(table.functions.map((f) => [f.name, f]))
    expect(byName.writev).toBeUndefined()
    // writeGeneric's own sample and writev's two.
    expect(byName['(node internals)']).toMatchObject({ self: 300, kind: 'node' })
    expect(byName.stringify).toMatchObject({ self: 200, kind: 'native' })
    expect(byName['(garbage collector)']).toMatchObject({ self: 100 })
  })

  it('is given beside the ranking, not in it', () => {
    const base = aggregateProfiles([{ profile: serverProfile(2) }], 1, 'request', { root: '/repo' })
    const head = aggregateProfiles([{ profile: serverProfile(9) }], 1, 'request', { root: '/repo' })
    const diff = diffProfiles(base, head)
    expect(diff.grew).toEqual([])
    expect(diff.node).toEqual({ base: 300, head: 1000 })
    const none = aggregateProfiles([{ profile: handMade() }], 1, 'op', { root: '/repo' })
    expect(diffProfiles(none, none).node).toBeUndefined()
  })
})

describe('diffProfiles', () => {
  it('ranks the planted helper first and marks a function base does not have as new', () => {
    const diff = diffProfiles(recorded('base'), recorded('head'))
    expect(diff.unit).toBe('op')
    expect(diff.grew[0]).toMatchObject({ name: 'slowHelper', file: 'work.js', isNew: false })
    expect(diff.grew[0]!.head).toBeGreaterThan(diff.grew[0]!.base)
    const extra = diff.grew.find((c) => c.name === 'extraStep')
    expect(extra).toMatchObject({ isNew: true, base: 0 })
    const deltas = diff.grew.map((c) => c.delta)
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a))
    // Shares are of the whole change in CPU time per op.
    const change = diff.headCpu - diff.baseCpu
    expect(diff.grew[0]!.share).toBeCloseTo(diff.grew[0]!.delta / change, 9)
  })

  it('lists nothing when nothing grew past the noise floor', () => {
    const table = aggregateProfiles([{ profile: handMade() }], 2, 'op', { root: '/repo' })
    const diff = diffProfiles(table, table)
    expect(diff.grew).toEqual([])
  })

  it('gives exact figures on hand-made profiles', () => {
    const base = aggregateProfiles([{ profile: handMade() }], 4, 'op', { root: '/repo' })
    const head = aggregateProfiles([{ profile: handMade() }], 2, 'op', { root: '/repo' })
    const diff = diffProfiles(base, head)
    // Everything doubled per op: 100 → 200 µs; inner 50 → 100 is half of the change.
    expect(diff.baseCpu).toBe(100)
    expect(diff.headCpu).toBe(200)
    expect(diff.grew.map((c) => [c.name, c.base, c.head, c.share])).toEqual([
      ['inner', 50, 100, 0.5],
      // a tie: by key, own code before dependencies
      ['outer', 25, 50, 0.25],
      ['@scope/fmt', 25, 50, 0.25]
    ])
  })
})
