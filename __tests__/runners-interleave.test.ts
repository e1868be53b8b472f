import { sliceSide } from '../src/runners/interleave.js'
import type { Side } from '../src/runners/types.js'

/** The sides of slices in order until neither wants one, with per-side quotas. */
function order(first: Side, quota: Record<Side, number>, stopAt = 100): string {
  const done = { base: 0, head: 0 }
  const out: string[] = []
  for (let k = 0; k < stopAt; k++) {
    const side = sliceSide(k, first, (s) => done[s] < quota[s])
    if (!side) break
    done[side]++
    out.push(side === 'base' ? 'B' : 'H')
  }
  return out.join('')
}

describe('sliceSide', () => {
  it('alternates first, second, second, first from the drawn first side', () => {
    expect(order('base', { base: 4, head: 4 })).toBe('BHHBBHHB')
    expect(order('head', { base: 3, head: 3 })).toBe('HBBHHB')
  })

  it('gives the remaining slices to the side that still wants them', () => {
    expect(order('base', { base: 2, head: 5 })).toBe('BHHBHHH')
    expect(order('head', { base: 0, head: 3 })).toBe('HHH')
  })

  it('is undefined when neither side wants a slice', () => {
    expect(sliceSide(0, 'base', () => false)).toBeUndefined()
  })
})
