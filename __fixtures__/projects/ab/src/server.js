// An HTTP service whose per-request cost follows src/work.js (tests plant slowdowns there).
import http from 'node:http'
import { work } from './work.js'

const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok')
  let x = 0
  for (let i = 0; i < 5; i++) x += work()
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ x }))
})
server.listen(Number(process.env.PORT), '127.0.0.1')
