// Loads and warms up fine, then the worker dies 400 ms after loading: during sampling
// (or earlier on a slow machine), before any result.
import { bench } from 'perfgate'

const loaded = performance.now()

bench('dies later', () => {
  if (performance.now() - loaded > 400) {
    console.error('fatal: gave up mid-sampling')
    process.exit(9)
  }
  let x = 0
  for (let i = 0; i < 20_000; i++) x += i % 7
  return x
})
