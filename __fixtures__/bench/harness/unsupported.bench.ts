// vitest's describe.each is not something perfgate runs: the error names it.
import { bench, describe } from 'vitest'

describe.each([1, 2])('size %i', (size) => {
  bench('fill', () => {
    new Array(size).fill(0)
  })
})
