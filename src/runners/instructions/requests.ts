/**
 * The requests a counted server gets: the benchmark's sequence, in order, one at a time on
 * one keep-alive connection of perfgate's own (node:http, one socket), so the server does
 * the same work in every count. A server under valgrind is 30-60× slower, and on a busy
 * machine it can sit for seconds between writing an answer and reading the next request;
 * if its keep-alive timer (Node's default: 5 s) fires first, it closes the connection with
 * the request unread, and the request fails with ECONNRESET before any answer ("fetch
 * failed" when this was sent with fetch). That request is sent once more on a fresh
 * connection: only a request sent on a reused connection that ended before any response
 * byte (Node's `reusedSocket` rule), never one the server answered or failed on a new
 * connection. The server did not handle the lost request (it closed the connection
 * instead); what the count gains is one connection's accept and close (tens of thousands
 * of instructions against ~200 M for the requests), and the retries are recorded with the
 * count.
 */
import { Agent, request as httpRequest, type ClientRequest } from 'node:http'
import type { HttpSpec } from '../../config/types.js'
import { requestSequence } from '../http/load.js'

/** Connection errors that mean the server closed a kept-alive connection before reading. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/** A request that failed on a reused connection before any answer: safe to send again. */
export function isLostOnReuse(
  request: Pick<ClientRequest, 'reusedSocket'>,
  error: NodeJS.ErrnoException,
  answered: boolean
): boolean {
  return !answered && request.reusedSocket && CONNECTION_LOST.has(error.code ?? '')
}

interface OneRequest {
  readonly method?: string | undefined
  readonly path?: string | undefined
  readonly headers?: Record<string, unknown> | undefined
  readonly body?: string | Buffer | undefined
}

/** Sends one request; its status, or 'lost' (see isLostOnReuse). */
function sendOne(agent: Agent, origin: URL, one: OneRequest): Promise<number | 'lost'> {
  return new Promise((resolve, reject) => {
    let answered = false
    const request = httpRequest(
      {
        agent,
        hostname: origin.hostname,
        port: origin.port,
        method: one.method ?? 'GET',
        path: one.path ?? '/',
        headers: one.headers as Record<string, string>
      },
      (response) => {
        answered = true
        response.resume()
        response.once('end', () => resolve(response.statusCode ?? 0))
        response.once('error', reject)
      }
    )
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (isLostOnReuse(request, error, answered)) resolve('lost')
      else reject(error)
    })
    request.end(one.body)
  })
}

/** perfgate's connection to a counted server (countedClient). */
export interface CountedClient {
  send(count: number): Promise<{ retries: number }>
  close(): void
}

/**
 * A connection for a counted server's requests: `send` sends the next `count` requests of
 * the benchmark's sequence, carrying on where the last call stopped (throwing on a status
 * of 400 or more), `close` ends the connection (after the server has stopped, so its count
 * does not depend on when the close arrives).
 */
export function countedClient(spec: HttpSpec, port: number): CountedClient {
  const { origin, requests } = requestSequence(spec, port)
  const url = new URL(origin)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let sent = 0
  return {
    async send(count) {
      let retries = 0
      for (let n = 0; n < count; n++) {
        const i = sent++
        const one = requests[i % requests.length]!
        let status = await sendOne(agent, url, one)
        if (status === 'lost') {
          retries++
          status = await sendOne(agent, url, one)
        }
        const what = `request ${i + 1} (${one.method ?? 'GET'} ${one.path})`
        if (status === 'lost') throw new Error(`${what}: the connection was closed twice`)
        if (status >= 400) throw new Error(`${what} answered ${status}`)
      }
      return { retries }
    },
    close: () => agent.destroy()
  }
}
