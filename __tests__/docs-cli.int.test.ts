// docs/cli.md cannot drift from the CLI: every command of `perfgate --help` has a section
// and every flag is explained there (the checker is tested on samples in
// docs-config.test.ts). An integration test because the CLI's entry imports the runners.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { main } from '../src/cli/main.js'
import { captureIo } from './helpers/io.js'
import { missingCliReferences, usageCommands } from './helpers/reference-docs.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const doc = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8')

async function help(args: string[]): Promise<string> {
  const { io, out } = captureIo(ROOT)
  expect(await main(args, io)).toBe(0)
  return out.stdout
}

describe('docs/cli.md', () => {
  it('explains every command and flag of perfgate --help', async () => {
    const usage = await help(['--help'])
    const commands = usageCommands(usage).map((c) => c.name)
    expect(commands).toEqual(expect.arrayContaining(['run', 'compare', 'history', 'bisect', '']))
    expect(missingCliReferences(usage, doc)).toEqual([])
  })

  it('explains every flag of perfgate bisect --help', async () => {
    const usage = await help(['bisect', '--help'])
    expect(usageCommands(usage).map((c) => c.name)).toEqual(['bisect'])
    expect(missingCliReferences(usage, doc)).toEqual([])
  })
})
