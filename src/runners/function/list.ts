/**
 * The benches a bench file registers, whatever harness it is written for: the file is
 * loaded in a worker process, as a trial would load it, and nothing is measured.
 */
import path from 'node:path'
import { describeExit, startChild } from '../../process/children.js'
import { sanitizeChildText } from '../../process/text.js'
import { API_URL, HARNESS_URLS, workerNode } from '../../runtime-files.js'
import type { ListedBench, ListRequest, WorkerReply } from './protocol.js'
import { workerArgs } from './runner.js'

export type Listing =
  | { readonly ok: true; readonly benches: readonly ListedBench[] }
  | { readonly ok: false; readonly message: string }

/** Loads `file` (absolute) in a fresh worker and lists its benches; `timeoutMs` bounds it. */
export async function listBenches(file: string, timeoutMs = 60_000): Promise<Listing> {
  let args: string[]
  try {
    args = workerArgs(file)
  } catch (error) {
    return { ok: false, message: (error as Error).message }
  }
  const { child, finished } = startChild(workerNode().path, args, {
    cwd: path.dirname(file),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    timeoutMs
  })
  let reply: WorkerReply | undefined
  child.on('message', (message: WorkerReply) => {
    reply ??= message
  })
  child.send(
    {
      type: 'list',
      file,
      apiUrl: API_URL.href,
      harnessUrls: HARNESS_URLS
    } satisfies ListRequest,
    () => undefined
  )
  const end = await finished
  const answer = reply as WorkerReply | undefined
  if (answer?.type === 'listed') return { ok: true, benches: answer.benches }
  if (answer?.type === 'error') return { ok: false, message: sanitizeChildText(answer.message) }
  if (end.timedOut) return { ok: false, message: `loading took over ${timeoutMs / 1000} s` }
  const tail = end.stderr.text()
  return {
    ok: false,
    message: `worker ${describeExit(end)} before listing its benches${tail ? `: ${sanitizeChildText(tail)}` : ''}`
  }
}
