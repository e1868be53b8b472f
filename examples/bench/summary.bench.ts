// Benchmark: revenue per customer over 5,000 parsed orders (a TypeScript bench file).
import { bench } from 'perfgate'
import { makeOrdersCsv, parseCsv } from '../src/orders.js'
import { revenueByCustomer, type Order } from '../src/summary.ts'

let orders: Order[] = []

bench('revenue by customer', () => revenueByCustomer(orders), {
  setup: () => {
    orders = parseCsv(makeOrdersCsv(5000)) as unknown as Order[]
  }
})
