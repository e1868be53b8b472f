import { bench } from 'perfgate'

bench('throws', () => {
  throw new Error('boom in bench')
})
