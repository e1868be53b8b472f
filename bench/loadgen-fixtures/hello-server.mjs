/**
 * The server for `npm run bench:loadgen`: a minimal node:http "hello" server, plain
 * JavaScript (no loader) so that only Node itself runs in it. Started with an IPC channel:
 * it listens on a port the OS picks, sends `{ type: 'ready', port }` to the parent, and
 * exits as soon as the parent goes away (the channel closes), so it cannot outlive the
 * bench even if the bench is killed with SIGKILL.
 */
import { createServer } from 'node:http'

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' })
  response.end('hello')
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' ? address?.port : 0 })
})

process.on('disconnect', () => process.exit(0))
