// One call takes about 30 ms, longer than a slice of an interleaved pair.
import { bench } from 'perfgate'

bench('slow', () => {
  const end = performance.now() + 30
  let spins = 0
  while (performance.now() < end) spins++
  return spins
})
