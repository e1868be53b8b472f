// Written for tinybench; perfgate runs it as it is.
import { Bench } from 'tinybench'
import { busyWork } from '../src/work.js'

const bench = new Bench({ time: 100, warmupTime: 20 })
bench.add('busy sum', () => busyWork() + 1)

await bench.run()
console.table(bench.table())
