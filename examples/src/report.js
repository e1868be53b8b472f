#!/usr/bin/env node
// Command-line report: generate N orders, parse them, print the top customers.
// Usage: node src/report.js [--rows N]
import { makeOrdersCsv, parseCsv } from './orders.js'

const rowsFlag = process.argv.indexOf('--rows')
const rows = rowsFlag === -1 ? 10000 : Number(process.argv[rowsFlag + 1])
const orders = parseCsv(makeOrdersCsv(rows))
const totals = new Map()
for (const order of orders) {
  const revenue = Number(order.quantity) * Number(order.unit_price)
  totals.set(order.customer, (totals.get(order.customer) ?? 0) + revenue)
}
const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 5)
for (const [customer, revenue] of top) console.log(`${customer.padEnd(14)} ${revenue.toFixed(2)}`)
