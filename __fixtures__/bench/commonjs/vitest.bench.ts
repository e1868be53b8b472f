// A vitest bench file in a CommonJS package: its import of vitest becomes require('vitest').
import { bench, describe } from 'vitest'

describe('strings', () => {
  bench('join', () => {
    Array.from({ length: 50 }, (_, i) => `w${i}`).join(',')
  })
})
