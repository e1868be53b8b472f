// Benchmark: parsing a 1,000-order CSV export.
import { bench } from 'perfgate'
import { makeOrdersCsv, parseCsv } from '../src/orders.js'

const csv = makeOrdersCsv(1000)

bench('parse orders CSV', () => parseCsv(csv))
