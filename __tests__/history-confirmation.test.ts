// Stored confirmations of steps on main: read back with the checks of any stored file (a
// file that names another commit or benchmark than its path, bad JSON, a wrong shape, an
// oversized file are refused with the file named), and judged per metric in the step's
// direction against the threshold.
import {
  confirmationPath,
  confirmationVerdict,
  MAX_CONFIRMATION_BYTES,
  parseConfirmation,
  serializeConfirmation,
  type StepConfirmation
} from '../src/history/confirmation.js'

const commit = 'a'.repeat(40)
const record: StepConfirmation = {
  schemaVersion: 1,
  benchmark: 'parse <b>',
  commit,
  parent: 'b'.repeat(40),
  at: '2026-12-07T00:00:00.000Z',
  pairs: 20,
  alpha: 0.05,
  metrics: [
    { metric: 'wall', ratio: 1.08, low: 1.06, high: 1.1, p: 0.0001, threshold: 0.04 },
    { metric: 'p99', ratio: 1.03, low: 1.01, high: 1.05, p: 0.001, threshold: 0.04 }
  ]
}
const file = `perfgate-data:${confirmationPath(commit, record.benchmark)}`

describe('stored confirmations', () => {
  it('round-trips through its file, at the path of its commit and benchmark hash', () => {
    expect(confirmationPath(commit, record.benchmark)).toMatch(
      new RegExp(`^confirmations/${commit}/[0-9a-f]{64}\\.json$`)
    )
    expect(parseConfirmation(serializeConfirmation(record), file)).toEqual(record)
    expect(() => confirmationPath('HEAD', 'x')).toThrow('not a full commit sha')
  })

  it('refuses a file that names another step than its path, bad JSON, a bad shape, an oversized file', () => {
    const other = `perfgate-data:${confirmationPath(commit, 'other')}`
    expect(() => parseConfirmation(serializeConfirmation(record), other)).toThrow(
      `${other}: holds the confirmation of "parse <b>" at ${commit}, not the one its path names`
    )
    expect(() => parseConfirmation('{', file)).toThrow(`${file}: not valid JSON`)
    const wrong = { ...record, pairs: -1 }
    expect(() => parseConfirmation(JSON.stringify(wrong), file)).toThrow(
      `${file}: not a perfgate confirmation: pairs must be >= 0`
    )
    const metric = { ...record, metrics: [{ ...record.metrics[0]!, metric: 'bogus' }] }
    expect(() => parseConfirmation(JSON.stringify(metric), file)).toThrow(
      `${file}: not a perfgate confirmation: metrics.0.metric`
    )
    expect(() => parseConfirmation(' '.repeat(MAX_CONFIRMATION_BYTES + 1), file)).toThrow(
      'larger than a confirmation can be'
    )
  })

  it('confirms a metric whose pairs moved significantly, past the threshold, in the step direction', () => {
    expect(confirmationVerdict(record, 'wall', 1.09)).toEqual({
      ratio: 1.08,
      low: 1.06,
      high: 1.1,
      pairs: 20,
      verdict: 'confirmed'
    })
    // The step was down; the pairs went up: not confirmed.
    expect(confirmationVerdict(record, 'wall', 0.92).verdict).toBe('not-confirmed')
    // Significant, but smaller than the threshold.
    expect(confirmationVerdict(record, 'p99', 1.1).verdict).toBe('not-confirmed')
    // Not measured by the pairs, or the A/B failed.
    expect(confirmationVerdict(record, 'p50', 1.1).verdict).toBe('unmeasured')
    const failed = { ...record, metrics: [], pairs: 0, error: 'no parent' }
    expect(confirmationVerdict(failed, 'wall', 1.1)).toMatchObject({ verdict: 'unmeasured' })
  })
})
