// A node:http server whose CPU per request is known from below, for the CPU-cost tests.
// Every request to /work burns at least BURN_MS of CPU time (measured with the burning
// process's own CPU clock, not wall time, so a busy machine cannot shorten it). Modes:
//   inline BURN_MS             the server burns it itself
//   worker BURN_MS             a worker forked at start burns it (the server only relays)
//   fork-per-request BURN_MS   a child process started per request burns it and exits
//   worker-dies-after N        like worker 1, but the worker exits after N requests and
//                              the server then exits with code 4
// GET /health answers at once. Port: PORT.
import { fork } from 'node:child_process'
import http from 'node:http'

/** Spins until this process has used `ms` more CPU (user + system). */
export function burn(ms) {
  const start = process.cpuUsage()
  let x = 0
  for (;;) {
    for (let i = 0; i < 10_000; i++) x = (x * 31 + i) | 0
    const used = process.cpuUsage(start)
    if ((used.user + used.system) / 1000 >= ms) return x
  }
}

if (process.argv[2] === 'child') {
  // A worker: burns per message (or once, then exits, as a per-request child).
  const ms = Number(process.argv[3])
  if (process.argv[4] === 'once') {
    burn(ms)
    process.exit(0)
  }
  let left = process.argv[4] === undefined ? Infinity : Number(process.argv[4])
  process.on('message', (id) => {
    burn(ms)
    process.send(id)
    if (--left <= 0) process.exit(0)
  })
} else {
  const mode = process.argv[2]
  const arg = Number(process.argv[3])
  const self = new URL(import.meta.url).pathname
  let worker
  const pending = new Map()
  let nextId = 0
  if (mode === 'worker' || mode === 'worker-dies-after') {
    const ms = mode === 'worker' ? arg : 1
    worker = fork(self, ['child', String(ms), ...(mode === 'worker' ? [] : [String(arg)])])
    worker.on('message', (id) => pending.get(id)?.())
    worker.on('exit', () => {
      console.error('worker exited; shutting down')
      process.exit(4)
    })
  }
  const server = http.createServer((req, res) => {
    if (req.url === '/health') return res.end('ok')
    const done = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('done')
    if (mode === 'inline') {
      burn(arg)
      done()
    } else if (worker) {
      const id = nextId++
      pending.set(id, () => {
        pending.delete(id)
        done()
      })
      worker.send(id)
    } else if (mode === 'fork-per-request') {
      fork(self, ['child', String(arg), 'once']).on('exit', done)
    } else {
      res.writeHead(404).end()
    }
  })
  server.listen(Number(process.env.PORT), '127.0.0.1')
}
