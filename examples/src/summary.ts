// Revenue summaries over parsed orders (TypeScript: perfgate runs .ts bench files too).

export interface Order {
  customer: string
  quantity: string
  unit_price: string
}

export interface CustomerTotal {
  customer: string
  orders: number
  revenue: number
}

/** Revenue per customer, highest first. */
export function revenueByCustomer(orders: readonly Order[]): CustomerTotal[] {
  const totals = new Map<string, CustomerTotal>()
  for (const order of orders) {
    const revenue = Number(order.quantity) * Number(order.unit_price)
    const total = totals.get(order.customer)
    if (total) {
      total.orders++
      total.revenue += revenue
    } else {
      totals.set(order.customer, { customer: order.customer, orders: 1, revenue })
    }
  }
  return [...totals.values()].sort((a, b) => b.revenue - a.revenue)
}
