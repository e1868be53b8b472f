// A small orders library: parse a CSV export and summarize revenue per customer.

/**
 * Parses CSV text with a header row into objects. Handles quoted fields with commas and
 * doubled quotes ("a ""b"" c").
 * @param {string} text
 * @returns {Record<string, string>[]}
 */
export function parseCsv(text) {
  const rows = []
  let field = ''
  let row = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') {
        quoted = false
      } else {
        field += ch
      }
    } else if (ch === '"') {
      quoted = true
    } else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else if (ch !== '\r') {
      field += ch
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  const [header, ...body] = rows
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])))
}

/**
 * Makes a deterministic CSV export of `count` orders (for benchmarks and the CLI demo).
 * @param {number} count
 */
export function makeOrdersCsv(count) {
  const lines = ['id,customer,sku,quantity,unit_price,note']
  let seed = 42
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let i = 1; i <= count; i++) {
    const customer = `customer-${Math.floor(next() * 500)}`
    const quantity = 1 + Math.floor(next() * 9)
    const price = (1 + next() * 99).toFixed(2)
    const note = next() < 0.1 ? '"gift, wrap ""please"""' : ''
    lines.push(`${i},${customer},SKU-${Math.floor(next() * 2000)},${quantity},${price},${note}`)
  }
  return lines.join('\n') + '\n'
}
