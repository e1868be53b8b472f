// The orders service: a small fastify API over the orders library.
// Listens on PORT (perfgate picks a free one) on 127.0.0.1.
import Fastify from 'fastify'
import { makeOrdersCsv, parseCsv } from './orders.js'

const orders = parseCsv(makeOrdersCsv(5000))

/** Revenue per customer over all orders, highest first. */
function topCustomers(limit) {
  const totals = new Map()
  for (const order of orders) {
    const revenue = Number(order.quantity) * Number(order.unit_price)
    totals.set(order.customer, (totals.get(order.customer) ?? 0) + revenue)
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([customer, revenue]) => ({ customer, revenue: Math.round(revenue * 100) / 100 }))
}

const app = Fastify({ logger: false })
app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
  done(null, body)
)

app.get('/health', async () => ({ ok: true }))

app.get('/customers/top', async (request) => {
  const limit = Math.min(100, Number(request.query.limit ?? 10))
  return { customers: topCustomers(limit) }
})

app.post('/orders/parse', async (request, reply) => {
  if (typeof request.body !== 'string') return reply.code(415).send({ error: 'send text/csv' })
  const parsed = parseCsv(request.body)
  const revenue = parsed.reduce((sum, o) => sum + Number(o.quantity) * Number(o.unit_price), 0)
  return { orders: parsed.length, revenue: Math.round(revenue * 100) / 100 }
})

const port = Number(process.env.PORT ?? 3000)
await app.listen({ port, host: '127.0.0.1' })

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => app.close().then(() => process.exit(0)))
}
