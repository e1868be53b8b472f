import { bench } from 'perfgate'
import { scan } from '../scan.mjs'

scan('function')
bench('scan function', () => JSON.stringify({ a: [1, 2, 3] }))
