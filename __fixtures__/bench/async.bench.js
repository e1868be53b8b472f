import { bench } from 'perfgate'

bench('async tick', async () => {
  await new Promise((resolve) => setImmediate(resolve))
})
