/**
 * Which stored commits are the newest: the order retention keeps by. Pure (no git here):
 * the store passes in what it learned from the local repository.
 *
 * Hard facts first: a commit comes before
 *  - the stored commits after it in the local `git rev-list --topo-order`, where both are
 *    in the local repository (a descendant always precedes its ancestors, whatever the
 *    clocks say);
 *  - its stored first parent, as recorded in the index (this works on a shallow checkout,
 *    where the history is missing, as long as stored commits are consecutive).
 * Among the commits these facts leave free, the later committer time comes first (the
 * measurement time `createdAt` for entries written before committer times were
 * recorded), then the smaller sha — arbitrary, but every job decides the same way.
 */
import type { StoreIndexEntry } from './types.js'

/** What ordering needs of an entry. */
export type OrderedEntry = Pick<StoreIndexEntry, 'commit' | 'createdAt' | 'committedAt' | 'parent'>

/**
 * `entries` (one per commit) sorted newest first, in a new array.
 * @param historyRank position of a commit in the local `git rev-list --topo-order` of the
 *   stored commits present locally (0 = newest); commits missing locally are absent
 */
export function newestFirst<E extends OrderedEntry>(
  entries: readonly E[],
  historyRank: ReadonlyMap<string, number>
): E[] {
  const byCommit = new Map(entries.map((e) => [e.commit, e]))
  /** newer → the commits known to be older than it; and how many known-newer each has. */
  const olderThan = new Map<string, Set<string>>(entries.map((e) => [e.commit, new Set()]))
  const newerCount = new Map<string, number>(entries.map((e) => [e.commit, 0]))
  const knownOlder = (newer: string, older: string): void => {
    const set = olderThan.get(newer)!
    if (newer === older || set.has(older)) return
    set.add(older)
    newerCount.set(older, newerCount.get(older)! + 1)
  }
  const ranked = entries
    .filter((e) => historyRank.has(e.commit))
    .sort((a, b) => historyRank.get(a.commit)! - historyRank.get(b.commit)!)
  for (let i = 1; i < ranked.length; i++) knownOlder(ranked[i - 1]!.commit, ranked[i]!.commit)
  for (const e of entries) {
    if (e.parent !== undefined && byCommit.has(e.parent)) knownOlder(e.commit, e.parent)
  }

  const freeFirst = (a: E, b: E): number => {
    const ta = timeOf(a)
    const tb = timeOf(b)
    if (ta !== tb) return tb - ta
    return a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0
  }
  const order: E[] = []
  const left = new Set(byCommit.keys())
  while (left.size > 0) {
    const all = [...left].map((c) => byCommit.get(c)!)
    const free = all.filter((e) => newerCount.get(e.commit) === 0)
    // Contradicting facts (corrupt parents) leave none free: then time decides.
    const next = (free.length > 0 ? free : all).sort(freeFirst)[0]!
    order.push(next)
    left.delete(next.commit)
    for (const older of olderThan.get(next.commit)!) {
      newerCount.set(older, newerCount.get(older)! - 1)
    }
  }
  return order
}

function timeOf(entry: OrderedEntry): number {
  const time = Date.parse(entry.committedAt ?? entry.createdAt)
  return Number.isNaN(time) ? -Infinity : time
}
