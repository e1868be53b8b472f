// A file written for tinybench, unchanged: it runs the bench itself and prints a table.
import { appendFileSync } from 'node:fs'
import { Bench } from 'tinybench'

function log(line: string): void {
  if (process.env.PERFGATE_TEST_LOG) appendFileSync(process.env.PERFGATE_TEST_LOG, line + '\n')
}

const bench = new Bench({ name: 'arrays', time: 200, iterations: 10, setup: () => log('setup') })

let numbers: number[] = []
bench
  .add('sort', () => [...numbers].sort((a, b) => a - b), {
    beforeAll: () => {
      numbers = Array.from({ length: 100 }, (_, i) => (i * 7919) % 101)
      log('beforeAll')
    },
    afterAll: () => log('afterAll')
  })
  .add('reduce', async () => numbers.reduce((a, b) => a + b, 0))

await bench.run()
console.table(bench.table())
