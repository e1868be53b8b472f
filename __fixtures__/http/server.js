// A node:http server for HTTP runner tests. Behaviour by argument:
//   ok            GET /health, GET /ok (200), GET /fail (500), GET /hang (never answers)
//   exit-early    writes an error and exits before listening
//   never-ready   listens, but /health answers 503 forever
//   crash-after N exits with code 3 after N requests
// Port: --port N, else PORT. With CPUS_FILE set, the CPUs it may run on (Linux) go there.
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'

const mode = process.argv[2] ?? 'ok'
const portFlag = process.argv.indexOf('--port')
const port = Number(portFlag === -1 ? process.env.PORT : process.argv[portFlag + 1])

if (process.env.CPUS_FILE) {
  const status = readFileSync('/proc/self/status', 'utf8')
  writeFileSync(process.env.CPUS_FILE, /^Cpus_allowed_list:\s*(.+)$/m.exec(status)[1])
}

if (mode === 'exit-early') {
  console.error('fatal: DATABASE_URL is not set')
  process.exit(1)
}

let served = 0
const crashAfter = mode === 'crash-after' ? Number(process.argv[3]) : Infinity

const server = http.createServer((req, res) => {
  served++
  if (served > crashAfter) {
    console.error(`crashing after ${crashAfter} requests`)
    process.exit(3)
  }
  if (req.url === '/health') {
    if (mode === 'never-ready') {
      res.writeHead(503).end('warming up')
      return
    }
    res.end('ok')
  } else if (req.url === '/ok') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello')
  } else if (req.url === '/fail') {
    res.writeHead(500).end('database unavailable')
  } else if (req.url === '/hang') {
    // never answers
  } else {
    res.writeHead(404).end()
  }
})
server.listen(port, '127.0.0.1', () => {
  if (mode === 'never-ready') console.error('warming caches…')
})
