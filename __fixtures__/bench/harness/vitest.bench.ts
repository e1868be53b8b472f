// A file written for `vitest bench`, unchanged: describe blocks, hooks and bench options.
import { appendFileSync } from 'node:fs'
import { afterAll, beforeAll, bench, describe } from 'vitest'

function log(line: string): void {
  if (process.env.PERFGATE_TEST_LOG) appendFileSync(process.env.PERFGATE_TEST_LOG, line + '\n')
}

let words: string[] = []

describe('strings', () => {
  beforeAll(() => {
    words = Array.from({ length: 200 }, (_, i) => `word${i}`)
    log('beforeAll')
  })
  afterAll(() => log('afterAll'))

  bench('join', () => {
    words.join(',')
  })

  bench(
    'split',
    () => {
      'a,b,c,d,e,f'.split(',')
    },
    { time: 1500, iterations: 50, setup: () => log('setup'), teardown: () => log('teardown') }
  )
})

bench('async sum', async () => {
  await Promise.resolve(words.length)
})

bench.skip('never', () => undefined)
