// Written for `vitest bench`; perfgate runs it as it is.
import { bench, describe } from 'vitest'
import { busyWork } from '../src/work.js'

describe('work', () => {
  bench(
    'busy',
    () => {
      busyWork()
    },
    { time: 100, warmupTime: 20 }
  )
})
