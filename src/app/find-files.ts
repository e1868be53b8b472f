/**
 * Finding files by name under a directory whose contents perfgate did not write (the
 * shards' downloaded artifacts). The walk stays inside the directory: symbolic links are
 * never followed (a link to `..` would loop, a link to `/etc` would walk it), FIFOs,
 * sockets and devices are never opened, and depth and entry count are bounded. Whatever
 * is skipped is said in one line naming it.
 */
import { lstatSync, readdirSync, type Dirent } from 'node:fs'
import path from 'node:path'
import { printable } from '../config/errors.js'

/** Bounds of a walk: artifacts unpack one or two folders deep, with a few files each. */
export const FIND_LIMITS = { depth: 8, entries: 10_000 } as const

export interface FindOptions {
  /** One line per thing skipped, naming it (relative to the directory). */
  readonly onSkip: (line: string) => void
  readonly maxDepth?: number
  readonly maxEntries?: number
}

/** What a directory entry is, without following it (lstat when the type is unknown). */
function kindOf(entry: Dirent, full: string): string {
  if (entry.isFile()) return 'file'
  if (entry.isDirectory()) return 'directory'
  if (entry.isSymbolicLink()) return 'a symbolic link (not followed)'
  if (entry.isFIFO()) return 'a FIFO'
  if (entry.isSocket()) return 'a socket'
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device'
  try {
    const stat = lstatSync(full)
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'not a regular file'
  } catch (error) {
    return `unreadable (${(error as Error).message})`
  }
}

/**
 * Regular files named `name` under `dir` (sorted), breadth first. A `dir` that does not
 * exist or is not a directory gives none.
 */
export function findFilesNamed(dir: string, name: string, options: FindOptions): string[] {
  const maxDepth = options.maxDepth ?? FIND_LIMITS.depth
  const maxEntries = options.maxEntries ?? FIND_LIMITS.entries
  const shown = (full: string) => printable(path.relative(dir, full) || '.')
  const found: string[] = []
  let seen = 0
  let level = [dir]
  for (let depth = 0; level.length > 0; depth++) {
    const next: string[] = []
    for (const folder of level) {
      let entries: Dirent[]
      try {
        entries = readdirSync(folder, { withFileTypes: true })
      } catch (error) {
        if (folder !== dir) options.onSkip(`skipping ${shown(folder)}: ${(error as Error).message}`)
        continue
      }
      for (const entry of entries) {
        if (++seen > maxEntries) {
          options.onSkip(`stopped searching after ${maxEntries} entries`)
          return found.sort()
        }
        const full = path.join(folder, entry.name)
        const kind = kindOf(entry, full)
        if (kind === 'directory') {
          if (depth + 1 < maxDepth) next.push(full)
          else options.onSkip(`skipping ${shown(full)}: deeper than ${maxDepth} levels`)
        } else if (kind === 'file') {
          if (entry.name === name) found.push(full)
        } else {
          options.onSkip(`skipping ${shown(full)}: ${kind}`)
        }
      }
    }
    level = next
  }
  return found.sort()
}
