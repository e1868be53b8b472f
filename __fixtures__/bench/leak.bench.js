// Keeps a 1 MiB Buffer from every call (a leak outside the V8 heap). Each call also spins
// for 1 ms, so a short trial makes a few dozen calls and retains a few dozen MiB.
import { bench } from 'perfgate'

export const MIB = 1024 * 1024
const kept = []

bench('leak', () => {
  kept.push(Buffer.alloc(MIB, 1))
  const end = performance.now() + 1
  while (performance.now() < end) {
    // spin
  }
  return kept.length
})
