// A file written for mitata, unchanged: groups, a summary, a generator with setup.
import { bench, do_not_optimize, group, run, summary } from 'mitata'

group('math', () => {
  summary(() => {
    bench('sqrt', () => do_not_optimize(Math.sqrt(2)))
    bench('hypot', () => do_not_optimize(Math.hypot(3, 4)))
  })
})

bench('with setup', function* () {
  const data = Array.from({ length: 64 }, (_, i) => i)
  yield () => do_not_optimize(data.indexOf(63))
})

await run()
