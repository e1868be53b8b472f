/**
 * The action: reads its inputs, runs the suite with the same engine as the CLI, writes
 * the job summary and outputs, and fails the step by the CLI's exit-code contract.
 */
import * as core from '@actions/core'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { EXIT, main } from './cli/main.js'
import { parseResults } from './results/format.js'
import { renderTerminalReport } from './report/terminal.js'

export async function run(): Promise<void> {
  try {
    const workdir = path.resolve(core.getInput('working-directory') || '.')
    const config = core.getInput('config') || 'perfgate.yml'
    const resultsPath = path.resolve(workdir, core.getInput('results') || 'perfgate-results.json')
    const log = { write: (text: string) => process.stdout.write(text), isTTY: false }
    const code = await main(['run', '--config', config, '--out', resultsPath], {
      stdout: log,
      stderr: log,
      cwd: workdir
    })
    core.setOutput('exit-code', String(code))
    if (code === EXIT.usage) {
      core.setFailed(`perfgate: the configuration ${config} is invalid (see the log above)`)
      return
    }
    const results = parseResults(readFileSync(resultsPath, 'utf8'), resultsPath)
    core.setOutput('results', resultsPath)
    await core.summary
      .addHeading('perfgate', 3)
      .addCodeBlock(renderTerminalReport(results), 'text')
      .write()
    if (code === EXIT.runtime) core.setFailed('perfgate: a benchmark could not be measured')
    else if (code !== EXIT.passed) core.setFailed(`perfgate: exit code ${code}`)
  } catch (error) {
    core.setFailed(`perfgate: ${(error as Error).message}`)
  }
}
