// The action's inputs: action.yml documents the defaults and choices the code uses, and
// readInputs() applies them.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { FAIL_ON_VALUES, OUTPUT_FILES } from '../src/config/defaults.js'
import { INPUT_CHOICES, INPUT_DEFAULTS, Inputs, readInputs } from '../src/github/inputs.js'

interface ActionInput {
  description: string
  default?: string
}
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, ActionInput>
}

const inputEnv = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

describe('action.yml', () => {
  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
  })

  it.each(Object.entries(INPUT_DEFAULTS))('documents the default of %s', (key, value) => {
    const input = action.inputs[Inputs[key as keyof typeof Inputs]]!
    expect(input.default).toBe(value)
  })

  it.each(Object.entries(INPUT_CHOICES))('lists every choice of %s', (key, choices) => {
    const { description } = action.inputs[Inputs[key as keyof typeof Inputs]]!
    for (const choice of choices) {
      expect(description).toMatch(new RegExp(`(^|[\\s'(,])${choice}[\\s:,.)]`))
    }
  })

  it('offers the fail-on values of the config, plus config', () => {
    expect(INPUT_CHOICES.failOn).toEqual(['config', ...FAIL_ON_VALUES])
  })

  it('names the files written to output-dir', () => {
    const { description } = action.inputs[Inputs.outputDir]!
    for (const file of Object.values(OUTPUT_FILES)) expect(description).toContain(file)
  })
})

describe('readInputs', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })
  const clear = () => {
    for (const name of Object.values(Inputs)) delete process.env[inputEnv(name)]
  }

  it('applies the defaults to inputs left empty', () => {
    clear()
    const inputs = readInputs()
    for (const [key, value] of Object.entries(INPUT_DEFAULTS)) {
      // A boolean input's default is written as action.yml writes it: 'true' or 'false'.
      const read = inputs[key as keyof typeof inputs]
      expect(typeof read === 'boolean' ? String(read) : read).toBe(value)
    }
    expect(inputs.retention).toBeUndefined()
    expect(inputs.allowPullRequestTarget).toBe(false)
    expect(inputs.changePointIssues).toBe(false)
    expect(inputs.dashboard).toBe(true)
  })

  it.each(['0x10', '1e1', '10.0', '0'])('refuses retention %j, naming the input', (text) => {
    clear()
    process.env[inputEnv(Inputs.retention)] = text
    expect(() => readInputs()).toThrow(
      `input retention: expected a whole number of commits above 0 in decimal digits, got "${text}"`
    )
  })

  it('reads retention in decimal digits', () => {
    clear()
    process.env[inputEnv(Inputs.retention)] = '30'
    expect(readInputs().retention).toBe(30)
  })

  it('refuses a value outside the choices, naming the input and the choices', () => {
    clear()
    process.env[inputEnv(Inputs.failOn)] = 'sometimes'
    expect(() => readInputs()).toThrow(
      'input fail-on: expected one of config, both, budgets, regressions, none, got "sometimes"'
    )
  })
})
