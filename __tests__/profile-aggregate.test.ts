// Profile aggregation and diff (pure): hand-made profiles with exact numbers, and real
// profiles recorded with node --cpu-prof (__fixtures__/profiles, see the README there).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  aggregateProfiles,
  identify,
  scaleTable,
  packageOf,
  type ProfileTable
} from '../src/profile/aggregate.js'
import {
  parseCpuProfile,
  PROFILE_LIMITS,
  ProfileFormatError,
  type CpuProfile
} from '../src/profile/cpuprofile.js'
import { renderFlameGraph } from '../src/profile/flamegraph.js'
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
      'c.cpuprofile: samples[1]: expected the id of a node'
    )
    const short = { ...handMade(), timeDeltas: [1] }
    expect(() => parseCpuProfile(JSON.stringify(short), 'd')).toThrow(ProfileFormatError)
  })
})

describe('parseCpuProfile on a call tree that is not a tree', () => {
  const withNodes = (edit: (nodes: Record<string, unknown>[]) => void, extra = {}) => {
    const profile = JSON.parse(JSON.stringify(handMade())) as { nodes: Record<string, unknown>[] }
    edit(profile.nodes)
    return JSON.stringify({ ...profile, ...extra })
  }
  const node = (id: number, children?: number[]) => ({
    id,
    callFrame: frame(`f${id}`, 'file:///repo/src/app.js'),
    ...(children ? { children } : {})
  })

  it.each([
    [
      'a node its own child',
      (n) => (n[2]!.children = [4, 6, 3]),
      'nodes[2].children: expected no node as its own child (3)'
    ],
    [
      'a two-node cycle hung off the tree',
      (n) => {
        n[1]!.children = [3, 8]
        n.push(node(8, [9]), node(9, [8]))
      },
      'nodes[8].children: expected one parent per node (node 8 is also a child of nodes[1])'
    ],
    [
      'a cycle apart from the root',
      (n) => n.push(node(8, [9]), node(9, [10]), node(10, [8])),
      'nodes[7]: expected a node reached from the root (node 8 is in a cycle of children)'
    ],
    [
      'every node a child (no root)',
      (n) => (n[6]!.children = [1]),
      'nodes: expected one root node (every node is a child: the call tree has a cycle)'
    ],
    ['two roots', (n) => n.push(node(8)), 'nodes: expected one root node, got 2 (ids 1, 8)'],
    [
      'a child that does not exist',
      (n) => (n[1]!.children = [3, 42]),
      'nodes[1].children: expected ids of nodes (there is no node 42)'
    ],
    [
      'a duplicated id',
      (n) => (n[6]!.id = 2),
      'nodes[6].id: expected a unique id (2 is also nodes[1])'
    ],
    ['a fractional id', (n) => (n[6]!.id = 7.5), 'nodes[6].id: expected an integer'],
    ['a string id', (n) => (n[6]!.id = '7'), 'nodes[6].id: expected an integer'],
    [
      'a string child id',
      (n) => (n[0]!.children = [2, '7']),
      'nodes[0].children: expected an array of node ids'
    ],
    [
      'a negative hit count',
      (n) => (n[3]!.hitCount = -1),
      'nodes[3].hitCount: expected a number >= 0'
    ]
  ] as [string, (nodes: Record<string, unknown>[]) => void, string][])(
    'refuses %s, naming the field',
    (_, edit, message) => {
      expect(() => parseCpuProfile(withNodes(edit), 'x.cpuprofile')).toThrow(
        new ProfileFormatError(`x.cpuprofile: ${message}`)
      )
    }
  )

  it('refuses samples and deltas that do not fit the tree', () => {
    const parse = (extra: object) => () =>
      parseCpuProfile(
        withNodes(() => {}, extra),
        'y'
      )
    expect(parse({ timeDeltas: [1, 1, 1, 1] })).toThrow(
      'y: timeDeltas: expected an array of numbers, one per sample'
    )
    // JSON has no Infinity, but 1e999 parses to it.
    const text = withNodes(() => {}).replace('"timeDeltas":[100', '"timeDeltas":[1e999')
    expect(() => parseCpuProfile(text, 'z')).toThrow('z: timeDeltas[0]: expected a finite number')
    expect(parse({ samples: [4, 5, 6, 7, 4.5] })).toThrow(
      'y: samples[4]: expected the id of a node'
    )
  })

  /** root → 1 → 2 → … → depth, sampled at the deepest node. */
  const chain = (depth: number): string => {
    const nodes = Array.from({ length: depth + 1 }, (_, i) => ({
      id: i + 1,
      callFrame: i === 0 ? frame('(root)', '', -1) : frame(`f${i % 3}`, 'file:///repo/a.js', i % 3),
      ...(i < depth ? { children: [i + 2] } : {})
    }))
    return JSON.stringify({
      nodes,
      startTime: 0,
      endTime: 10,
      samples: [depth + 1],
      timeDeltas: [10]
    })
  }

  it('refuses a tree deeper than the limit', () => {
    expect(() => parseCpuProfile(chain(PROFILE_LIMITS.depth + 1), 'deep')).toThrow(
      `deep: nodes: expected a call tree at most ${PROFILE_LIMITS.depth} deep`
    )
  })

  it('walks a tree as deep as the limit without recursion', () => {
    const profile = parseCpuProfile(chain(PROFILE_LIMITS.depth), 'deep')
    const table = aggregateProfiles([{ profile }], 1, 'op', { root: '/repo' })
    expect(table.cpu).toBe(10)
    expect(table.functions.map((f) => [f.name, f.self, f.total])).toEqual([
      ['f2', 10, 10],
      ['f0', 0, 10],
      ['f1', 0, 10]
    ])
    let depth = 0
    for (let t = table.tree; t.children.length > 0; t = t.children[0]!) depth++
    expect(depth).toBe(PROFILE_LIMITS.depth)
    const scaled = scaleTable(table, 20)
    expect(scaled.tree.total).toBe(20)
    const html = renderFlameGraph({
      title: 'deep',
      unit: 'op',
      base: table.tree,
      head: scaled.tree
    })
    expect(html).toContain(`height="${(PROFILE_LIMITS.depth + 1) * 18}"`)
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
