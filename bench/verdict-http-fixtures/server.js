// The endpoint of `npm run bench:verdict-http`: a node:http JSON endpoint doing a little
// CPU work per request, like a typical handler: rounds of grouping a small order list and
// a JSON round trip. WORK_FACTOR scales the rounds (20 at 1): 1.05 / 1.1 / 1.2 plant
// exactly +5 / +10 / +20 % more rounds. GET /health answers at once. Port: PORT.
import http from 'node:http'

const rounds = Math.round(20 * Number(process.env.WORK_FACTOR ?? '1'))
const orders = Array.from({ length: 50 }, (_, i) => ({
  id: i,
  customer: `c${i % 7}`,
  total: (i * 37) % 101,
  note: 'x'.repeat(i % 13)
}))

http
  .createServer((req, res) => {
    if (req.url === '/health') return res.end('ok')
    let out
    for (let r = 0; r < rounds; r++) {
      const byCustomer = {}
      for (const o of orders)
        byCustomer[o.customer] = (byCustomer[o.customer] ?? 0) + o.total * (r + 1)
      out = JSON.parse(JSON.stringify({ r, byCustomer, orders: orders.slice(r % 10, 30) }))
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(out))
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
