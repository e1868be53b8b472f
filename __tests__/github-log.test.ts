// Text from benchmarks never becomes a workflow command in the action's log.
import { createActionLog, neutralizeCommandLine } from '../src/github/log.js'

/** What the runner would take as a command: a line starting with '::' or holding '##['. */
const isCommand = (line: string) => line.trimStart().startsWith('::') || line.includes('##[')

describe('the action log', () => {
  it.each([
    '::error::forged',
    '  ::add-mask::perfgate',
    '::stop-commands::x',
    'text ##[error]legacy',
    '\t::warning file=a::b'
  ])('neutralizes %j', (line) => {
    const safe = neutralizeCommandLine(line)
    expect(isCommand(safe)).toBe(false)
    expect(safe.replaceAll('\u200b', '')).toBe(line)
  })

  it('neutralizes every line of every write, across pieces and carriage returns', () => {
    const lines: string[] = []
    const log = createActionLog((text) => lines.push(...text.split('\n').slice(0, -1)))
    log.write('[1/2] bench: ✗ errored: boom\n::error::injected\n:')
    log.write(':add-mask::secret\rmore\n')
    log.info('name ::set-output name=x::y')
    log.info('::notice::from a name')
    expect(lines).toHaveLength(6)
    expect(lines.filter(isCommand)).toEqual([])
    expect(lines[0]).toBe('[1/2] bench: ✗ errored: boom')
  })
})
