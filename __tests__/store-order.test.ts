// newestFirst: the order retention keeps stored commits by.
import { newestFirst, type OrderedEntry } from '../src/store/order.js'

const sha = (c: string) => c.repeat(40)
const entry = (commit: string, parts: Partial<OrderedEntry> = {}): OrderedEntry => ({
  commit: sha(commit),
  createdAt: '2026-01-01T00:00:00.000Z',
  ...parts
})
/** The order as a string of the commits' letters. */
const order = (entries: OrderedEntry[], rank: Record<string, number> = {}) =>
  newestFirst(entries, new Map(Object.entries(rank).map(([c, r]) => [sha(c), r])))
    .map((e) => e.commit[0])
    .join('')

describe('newestFirst', () => {
  const day = (d: number) => `2026-01-0${d}T00:00:00.000Z`

  it('orders by committer time when nothing else is known, newest first', () => {
    const entries = [
      entry('a', { committedAt: day(3) }),
      entry('b', { committedAt: day(2) }),
      entry('c', { committedAt: day(4) })
    ]
    expect(order(entries)).toBe('cab')
  })

  it('puts a commit before the stored commits it descends from by recorded parents', () => {
    // Clocks running backwards: time alone would say c, d, b, a.
    const entries = [
      entry('a', { committedAt: day(1), parent: sha('b') }),
      entry('b', { committedAt: day(2), parent: sha('f') }), // f: not stored
      entry('c', { committedAt: day(4) }),
      entry('d', { committedAt: day(3), parent: sha('c') })
    ]
    expect(order(entries)).toBe('dcab')
  })

  it('trusts the local history above the clocks', () => {
    const entries = [
      entry('a', { committedAt: day(4) }),
      entry('b', { committedAt: day(2) }),
      entry('c', { committedAt: day(3) }),
      entry('d', { committedAt: day(1) })
    ]
    expect(order(entries, { b: 0, d: 1, a: 2 })).toBe('cbda')
    // c is not in the local repository: its place among the others comes from its time,
    // consistently (never "c before b, b before a, a before c").
    expect(order(entries, { b: 0, a: 1 })).toBe('cbad')
  })

  it('falls back to the measurement time, then to the sha, and survives a parent loop', () => {
    const entries = [
      entry('b', { createdAt: day(5) }), // written before committer times were recorded
      entry('e', { committedAt: day(4), parent: sha('f') }),
      entry('f', { committedAt: day(4), parent: sha('e') }), // a loop: corrupt, no conclusion
      entry('d', { committedAt: day(4) })
    ]
    expect(order(entries)).toBe('bdef')
    expect(order([...entries].reverse())).toBe('bdef')
  })
})
