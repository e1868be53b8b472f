// The `/perfgate accept` command as written in comments: names, bounds, reasons, several
// commands, hostile text, and the command the report offers read back.
import {
  acceptCommandFor,
  BOUND_MISSING,
  parseAcceptCommands,
  REASON_MAX
} from '../src/compare/accept-command.js'

describe('parseAcceptCommands', () => {
  it('reads a bare name, a bound and a reason', () => {
    expect(parseAcceptCommands('/perfgate accept render +9% new layout engine')).toEqual([
      { ok: true, benchmark: 'render', bound: 0.09, reason: 'new layout engine' }
    ])
  })

  it('reads quoted names with escapes, `all`, and bounds with decimals and a space', () => {
    const body = [
      '/perfgate accept "parse \\"orders\\" CSV" +9.5 % slower but correct',
      '/perfgate accept all 12% whole suite pays for logging',
      '/perfgate accept "all" +1% the benchmark named all',
      '/perfgate accept "back\\\\slash" +2% ok'
    ].join('\n')
    expect(parseAcceptCommands(body)).toEqual([
      { ok: true, benchmark: 'parse "orders" CSV', bound: 0.095, reason: 'slower but correct' },
      { ok: true, benchmark: '*', bound: 0.12, reason: 'whole suite pays for logging' },
      { ok: true, benchmark: 'all', bound: 0.01, reason: 'the benchmark named all' },
      { ok: true, benchmark: 'back\\slash', bound: 0.02, reason: 'ok' }
    ])
  })

  it('takes the reason on to the next blank line or command, in one line', () => {
    const body = [
      'LGTM.',
      '/perfgate accept render +9% the new engine',
      'is worth it, see the design doc',
      '',
      'unrelated text',
      '/perfgate accept parse +3% second'
    ].join('\r\n')
    expect(parseAcceptCommands(body)).toEqual([
      {
        ok: true,
        benchmark: 'render',
        bound: 0.09,
        reason: 'the new engine is worth it, see the design doc'
      },
      { ok: true, benchmark: 'parse', bound: 0.03, reason: 'second' }
    ])
  })

  it('says what is missing or wrong', () => {
    const errors = (body: string) => parseAcceptCommands(body).map((c) => (c.ok ? 'ok' : c.error))
    expect(errors('/perfgate accept render because it is worth it')).toEqual([BOUND_MISSING])
    expect(errors('/perfgate accept render +9%')).toEqual(['give a reason after the bound'])
    expect(errors('/perfgate accept')).toEqual(['name a benchmark (or all) after /perfgate accept'])
    expect(errors('/perfgate accept "render +9% why')).toEqual([
      'the quoted benchmark name has no closing "'
    ])
    expect(errors('/perfgate accept "render"+9% why')).toEqual([
      'put a space after the quoted benchmark name'
    ])
    expect(errors('/perfgate accept "" +9% why')).toEqual(['the benchmark name is empty'])
    expect(errors('/perfgate accept render +0% why')).toEqual([
      'the bound must be above 0 % and at most 1000 %'
    ])
    expect(errors(`/perfgate accept render +9% ${'x'.repeat(REASON_MAX + 1)}`)).toEqual([
      `the reason is longer than ${REASON_MAX} characters`
    ])
    expect(errors(`/perfgate accept render +9% ${'x'.repeat(REASON_MAX)}`)).toEqual(['ok'])
  })

  it('reads only lines that start with the command, outside code fences', () => {
    const body = [
      '> /perfgate accept render +9% quoted reply',
      'please run /perfgate accept render +9% later',
      ' /perfgate accept render +9% indented',
      '/perfgate acceptance render +9% other word',
      '```',
      '/perfgate accept render +9% an example',
      '```',
      '/perfgate accept render +9% real'
    ].join('\n')
    expect(parseAcceptCommands(body)).toEqual([
      { ok: true, benchmark: 'render', bound: 0.09, reason: 'real' }
    ])
  })

  it('keeps hostile reasons to one line of text without controls', () => {
    const [command] = parseAcceptCommands(
      '/perfgate accept x +9% a\u202eb\u0007c\u2028::error::d\n@team <img src=x> [link](y)'
    )
    expect(command).toEqual({
      ok: true,
      benchmark: 'x',
      bound: 0.09,
      reason: 'a b c ::error::d @team <img src=x> [link](y)'
    })
  })
})

describe('acceptCommandFor', () => {
  it('quotes names that are not plain words, and reads back as the same acceptance', () => {
    expect(acceptCommandFor('render', '+9%')).toBe('/perfgate accept render +9% <reason>')
    for (const name of ['parse orders CSV', 'all', 'say "hi" \\ there', '+9%', 'GET /api']) {
      const command = acceptCommandFor(name, '+9.5%').replace('<reason>', 'because')
      expect(parseAcceptCommands(command)).toEqual([
        { ok: true, benchmark: name, bound: 0.095, reason: 'because' }
      ])
    }
  })
})
