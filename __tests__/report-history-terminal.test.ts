import { historyOf } from '../src/app/history.js'
import { renderHistoryTerminal, sparkline } from '../src/report/history-terminal.js'
import { createRandom } from '../src/stats/random.js'
import { fakeSha, functionResult, hoursAfterStart, resultsOf } from './helpers/history.js'

describe('sparkline', () => {
  it('scales each value between the smallest and the largest', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█')
    expect(sparkline([10, 30, 20])).toBe('▁█▅')
    expect(sparkline([5, 5, 5])).toBe('▄▄▄')
    expect(sparkline([])).toBe('')
  })
})

describe('renderHistoryTerminal', () => {
  it('says when there is nothing to show', () => {
    expect(renderHistoryTerminal({ series: [], changePoints: [] })).toBe(
      'perfgate history: 0 commits, 0 benchmarks, 0 change points (0 confirmed)\nno stored results to show\n'
    )
  })

  it('shows the last N medians, and never passes control characters of a name through', () => {
    const random = createRandom(5)
    const entries = Array.from({ length: 12 }, (_, i) => ({
      commit: fakeSha(i),
      results: resultsOf(fakeSha(i), hoursAfterStart(i), [
        functionResult('evil\u001b[31mname', 1 + i, 0, 1, random)
      ])
    }))
    const text = renderHistoryTerminal(historyOf(entries, { maxP: 1e-300 }), 8)
    expect(text).toContain('\nevil?[31mname\n')
    expect(text).not.toContain('\u001b')
    expect(text).toContain('  time/op p50      ▁▂▃▄▅▆▇█  12.0 ms at 0000000c00\n')
    const odd = renderHistoryTerminal(
      historyOf([{ commit: '\u001b]0;x\u0007', results: entries[0]!.results }])
    )
    expect(odd).toContain(' at ?]0;x?\n')
  })
})
