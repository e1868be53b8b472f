/**
 * Reading a file that perfgate did not write (a config or results file a user named, a
 * results file in a history folder, a profile the code under test left): only a regular
 * file of bounded size. It is opened without blocking, so a FIFO — or a link swapped for
 * one after any earlier check — is refused instead of hanging a synchronous read that no
 * signal can end, and its type and size are checked on the open file, so a device such as
 * /dev/zero or a huge file is refused before it is read into memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

export interface RegularFileOptions {
  /** Refuse a symbolic link in the last component of the path (O_NOFOLLOW). */
  readonly noFollow?: boolean
}

/**
 * The bytes of `file` when it is a regular file of at most `limit` bytes; otherwise an Error
 * saying why (`it is a directory` with code EISDIR, `not a regular file`, or its size). Errors
 * of opening it (ENOENT, ELOOP for a refused link) are thrown as the system gives them.
 */
export function readRegularFile(
  file: string,
  limit: number,
  options: RegularFileOptions = {}
): Buffer {
  const flags =
    constants.O_RDONLY |
    (constants.O_NONBLOCK ?? 0) |
    (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0)
  const fd = openSync(file, flags)
  try {
    const stat = fstatSync(fd)
    if (stat.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' })
    if (!stat.isFile()) throw new Error('not a regular file')
    if (stat.size > limit) {
      throw new Error(`${sizeText(stat.size)}, larger than expected (at most ${sizeText(limit)})`)
    }
    const buffer = Buffer.alloc(stat.size)
    let read = 0
    while (read < stat.size) {
      const got = readSync(fd, buffer, read, stat.size - read, read)
      if (got === 0) break
      read += got
    }
    return buffer.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

function sizeText(bytes: number): string {
  const mib = bytes / (1024 * 1024)
  return mib >= 1 ? `${mib.toFixed(mib < 10 ? 1 : 0)} MiB` : `${bytes} bytes`
}
