// A node:http server whose /work answers spend their time in one named helper two calls
// below the handler (profiled-trial tests). GET /health answers at once. Port: PORT.
import http from 'node:http'

function hotHelper(n) {
  let s = 0
  for (let i = 0; i < n; i++) s += Math.sqrt(i)
  return s
}

function renderWork() {
  return String(hotHelper(20000))
}

http
  .createServer((req, res) => {
    if (req.url === '/work') res.end(renderWork())
    else res.end('ok')
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
