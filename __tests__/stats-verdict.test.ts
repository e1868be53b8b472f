import { classify, type VerdictInput } from '../src/stats/verdict.js'

const defaults = { alpha: 0.05, threshold: 0.05, higherIsBetter: false }

function verdict(input: Partial<VerdictInput> & Pick<VerdictInput, 'ratio' | 'ciLow' | 'ciHigh'>) {
  return classify({ pAdjusted: 0.01, ...defaults, ...input })
}

describe('classify: significant and past the threshold, or inside the band', () => {
  it.each([
    // time metric (lower is better), threshold 5 %: band [1/1.05, 1.05] = [0.9524, 1.05]
    [
      'significant and past +5 %: regression',
      { ratio: 1.08, ciLow: 1.03, ciHigh: 1.13 },
      'regression'
    ],
    ['exactly at the threshold counts', { ratio: 1.05, ciLow: 1.01, ciHigh: 1.09 }, 'regression'],
    [
      'significant and past -5 % (1/1.05): improvement',
      { ratio: 0.9, ciLow: 0.85, ciHigh: 0.95 },
      'improvement'
    ],
    [
      'the improvement bound is 1/(1 + threshold) = 0.9524, not 1 - threshold = 0.95',
      { ratio: 0.952, ciLow: 0.9, ciHigh: 0.99 },
      'improvement'
    ],
    ['just short of 1/(1 + threshold)', { ratio: 0.953, ciLow: 0.9, ciHigh: 0.99 }, 'inconclusive'],
    [
      'significant but small, interval inside the band: unchanged',
      { ratio: 1.02, ciLow: 1.01, ciHigh: 1.03 },
      'unchanged'
    ],
    [
      'not significant, interval inside the band: unchanged',
      { ratio: 1.0, ciLow: 0.97, ciHigh: 1.03, pAdjusted: 0.8 },
      'unchanged'
    ],
    [
      'not significant, wide interval: inconclusive',
      { ratio: 1.1, ciLow: 0.9, ciHigh: 1.3, pAdjusted: 0.2 },
      'inconclusive'
    ],
    [
      'significant, estimate below threshold, interval beyond: inconclusive',
      { ratio: 1.03, ciLow: 1.01, ciHigh: 1.06 },
      'inconclusive'
    ],
    [
      'past the threshold but not significant after Holm: inconclusive',
      { ratio: 1.2, ciLow: 0.99, ciHigh: 1.45, pAdjusted: 0.06 },
      'inconclusive'
    ],
    [
      'interval touching the band edge is not inside',
      { ratio: 1.0, ciLow: 0.96, ciHigh: 1.05, pAdjusted: 0.9 },
      'inconclusive'
    ],
    [
      'NaN estimate (no data): inconclusive',
      { ratio: NaN, ciLow: 0, ciHigh: Infinity, pAdjusted: 1 },
      'inconclusive'
    ]
  ] as const)('%s', (_, input, expected) => {
    expect(verdict(input)).toBe(expected)
  })

  it('mirrors the directions for throughput (higher is better)', () => {
    const rps = { higherIsBetter: true }
    expect(verdict({ ...rps, ratio: 1 / 1.05, ciLow: 0.9, ciHigh: 0.98 })).toBe('regression')
    expect(verdict({ ...rps, ratio: 0.96, ciLow: 0.93, ciHigh: 0.99 })).toBe('inconclusive')
    expect(verdict({ ...rps, ratio: 1.1, ciLow: 1.06, ciHigh: 1.14 })).toBe('improvement')
    expect(verdict({ ...rps, ratio: 1.0, ciLow: 0.98, ciHigh: 1.02, pAdjusted: 0.5 })).toBe(
      'unchanged'
    )
  })

  it('a ratio and its inverse get mirrored verdicts across metric directions', () => {
    for (const [ratio, ciLow, ciHigh, pAdjusted] of [
      [1.07, 1.02, 1.12, 0.001],
      [0.93, 0.9, 0.97, 0.02],
      [1.01, 0.99, 1.03, 0.4],
      [1.04, 0.95, 1.15, 0.3]
    ] as const) {
      const time = verdict({ ratio, ciLow, ciHigh, pAdjusted })
      const rate = verdict({
        ratio: 1 / ratio,
        ciLow: 1 / ciHigh,
        ciHigh: 1 / ciLow,
        pAdjusted,
        higherIsBetter: true
      })
      expect(rate).toBe(time)
    }
  })

  it('with threshold 0 every significant change counts', () => {
    expect(verdict({ ratio: 1.001, ciLow: 1.0005, ciHigh: 1.0015, threshold: 0 })).toBe(
      'regression'
    )
    expect(verdict({ ratio: 1.0, ciLow: 0.99, ciHigh: 1.01, threshold: 0, pAdjusted: 0.9 })).toBe(
      'inconclusive'
    )
  })

  it('rejects a bad alpha or threshold', () => {
    expect(() => verdict({ ratio: 1, ciLow: 1, ciHigh: 1, alpha: 0 })).toThrow(/alpha/)
    expect(() => verdict({ ratio: 1, ciLow: 1, ciHigh: 1, threshold: -0.1 })).toThrow(/threshold/)
    expect(() => verdict({ ratio: 1, ciLow: 1, ciHigh: 1, threshold: NaN })).toThrow(/threshold/)
  })
})
