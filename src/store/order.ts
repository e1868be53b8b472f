/**
 * Which stored commits are the newest: the order retention keeps by. Pure (no git here):
 * the store passes in what it learned from the local repository.
 *
 * A stored commit is newer than another when, in order of trust:
 *  1. the local history says so: both commits are in the local repository and the
 *     newer comes first in `git rev-list --topo-order` (a descendant always precedes its
 *     ancestors, whatever the clocks say);
 *  2. the recorded first parents say so: following the `parent` fields of the stored
 *     entries from one commit reaches the other (works on a shallow checkout, where the
 *     history is missing, as long as the stored commits are consecutive);
 *  3. its committer time is later (the measurement time `createdAt` for entries written
 *     before committer times were recorded);
 *  4. its sha sorts first — arbitrary, but every job decides the same way.
 */
import type { StoreIndexEntry } from './types.js'

/** What ordering needs of an entry. */
export type OrderedEntry = Pick<StoreIndexEntry, 'commit' | 'createdAt' | 'committedAt' | 'parent'>

/**
 * `entries` sorted newest first (a new array).
 * @param historyRank position of a commit in the local `git rev-list --topo-order` of the
 *   stored commits present locally (0 = newest); commits missing locally are absent
 */
export function newestFirst<E extends OrderedEntry>(
  entries: readonly E[],
  historyRank: ReadonlyMap<string, number>
): E[] {
  const parentOf = new Map<string, string>()
  for (const e of entries) if (e.parent !== undefined) parentOf.set(e.commit, e.parent)
  /** Whether `older` is reached from `newer` by recorded first parents. */
  const descends = (newer: string, older: string): boolean => {
    const seen = new Set<string>()
    for (let at = parentOf.get(newer); at !== undefined; at = parentOf.get(at)) {
      if (at === older) return true
      if (seen.has(at)) return false // a loop is corrupt data: no conclusion
      seen.add(at)
    }
    return false
  }
  return [...entries].sort((a, b) => {
    const ra = historyRank.get(a.commit)
    const rb = historyRank.get(b.commit)
    if (ra !== undefined && rb !== undefined && ra !== rb) return ra - rb
    if (descends(a.commit, b.commit)) return -1
    if (descends(b.commit, a.commit)) return 1
    const ta = timeOf(a)
    const tb = timeOf(b)
    if (ta !== tb) return tb - ta
    return a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0
  })
}

function timeOf(entry: OrderedEntry): number {
  const time = Date.parse(entry.committedAt ?? entry.createdAt)
  return Number.isNaN(time) ? -Infinity : time
}
