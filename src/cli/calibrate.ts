/**
 * `perfgate calibrate`: what perfgate can see on this machine. A/A pairs of the configured
 * benchmarks (the committed HEAD against the working tree), then per benchmark and metric
 * the noise, the smallest change the configured rule flags at 80 % power, and suggested
 * trials, threshold and trial length; a terminal table, or the same data as JSON.
 */
import { randomInt } from 'node:crypto'
import {
  DEFAULT_CALIBRATION_PAIRS,
  runCalibration,
  type BenchmarkCalibration,
  type Calibration
} from '../app/calibrate.js'
import { loadConfigFile } from '../app/files.js'
import { EXIT } from '../app/outcome.js'
import { MAX_TRIALS } from '../config/defaults.js'
import { formatDuration, formatPercent } from '../report/format.js'
import { renderTextTable } from '../report/text-table.js'
import { createProcessTrialRunner } from '../runners/index.js'
import { sanitizeChildText } from '../process/text.js'
import { parse, regex, wholeNumber } from './flags.js'
import type { CliIo } from './main.js'

export const CALIBRATE_USAGE = `  perfgate calibrate [--config perfgate.yml] [--filter <regex>] [--trials N] [--json]`

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  filter: { type: 'string' },
  trials: { type: 'string' },
  json: { type: 'boolean' }
} as const

const pct = (fraction: number) => `±${formatPercent(fraction)}`
const change = (fraction: number) =>
  Number.isFinite(fraction) ? `+${formatPercent(fraction)}` : 'never'

function suggestion(b: BenchmarkCalibration): string {
  const s = b.suggested
  const parts: string[] = []
  parts.push(
    s.trials === null
      ? 'trials: no gated metric can decide within 10000 pairs at this threshold'
      : `trials ${s.trials} (${b.configured.trials} now): up to ${s.maxPairs} pairs, ` +
          `about ${formatDuration(s.wallMs!)} per A/B`
  )
  if (s.threshold !== null) {
    parts.push(
      `threshold ±${Math.round(s.threshold * 100)} % (±${Math.round(b.configured.threshold * 100)} % now) ` +
        `decides in the configured ${b.configured.maxPairs} pairs`
    )
  }
  if (s.trialLengthMs !== null) {
    const now = b.configured.trialLengthMs!
    parts.push(
      s.trialLengthMs === now
        ? `trial length ${formatDuration(now)} (keep)`
        : `trial length ${formatDuration(s.trialLengthMs)} (${formatDuration(now)} now: start-up outweighs it)`
    )
  }
  return `  ${sanitizeChildText(b.name)}: ${parts.join('; ')}`
}

/** The terminal table of a calibration. */
function renderCalibration(c: Calibration): string {
  const commit = c.commit ? ` (${c.commit.slice(0, 7)})` : ''
  const lines = [
    `perfgate calibrate · A/A on this machine: HEAD${commit} against the working tree, ${c.pairs} pairs per benchmark`
  ]
  if (!c.clean) {
    lines.push(
      '! The working tree has uncommitted changes: the two sides ran different code, so this is not an A/A. Commit or stash them and run again.'
    )
  }
  lines.push(
    `Figures for the config's rule: ${Math.round(c.power * 100)} % power, Holm over ${c.familySize} gated test${c.familySize === 1 ? '' : 's'}, each benchmark's alpha, threshold, looks and most pairs.`,
    ''
  )
  const rows: string[][] = []
  const failures: string[] = []
  for (const b of c.benchmarks) {
    const name = sanitizeChildText(b.name)
    if (b.state === 'errored') {
      rows.push([name, 'ERRORED', String(b.pairs), '', '', '', '', ''])
      failures.push(`✗ ${name}: could not be measured on ${sanitizeChildText(b.error ?? '')}`)
      continue
    }
    b.metrics.forEach((m, i) => {
      rows.push([
        i === 0 ? name : '',
        `${m.label}${m.gated ? ' *' : ''}`,
        String(m.pairs),
        pct(m.sdLog),
        pct(m.robustSdLog),
        change(m.detectable),
        m.pairsToDecide === null ? '> 10000' : String(m.pairsToDecide),
        m.thresholdForPairs === null ? '–' : `±${Math.round(m.thresholdForPairs * 100)} %`
      ])
    })
  }
  lines.push(
    renderTextTable(
      [
        'benchmark',
        'metric',
        'pairs',
        'noise (SD)',
        'robust',
        'flags (80 %)',
        'pairs to decide',
        'decides at'
      ],
      rows,
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']
    ),
    ''
  )
  if (failures.length > 0) lines.push(...failures, '')
  const ok = c.benchmarks.filter((b) => b.state === 'ok')
  if (ok.length > 0) {
    lines.push('Suggested settings (from the gated metrics, * above):')
    for (const b of ok) lines.push(suggestion(b))
    lines.push('')
  }
  lines.push(
    'noise: SD of the pairs’ log ratios (robust: 1.4826 × MAD, trials slowed as a whole set aside) · ' +
      'flags: the smallest change an A/B flags in 80 % of runs at the configured most pairs and threshold · ' +
      'pairs to decide: pairs for the test to see the threshold and for an unchanged benchmark to stop as unchanged · ' +
      'decides at: the smallest threshold the configured pairs decide. docs/cli.md, "perfgate calibrate".'
  )
  return lines.join('\n') + '\n'
}

/** The --json form: the same data as the table, without the raw results. */
function calibrationJson(c: Calibration): string {
  const { results, ...data } = c
  return (
    JSON.stringify({ ...data, seed: results.seed, environment: results.environment }, null, 2) +
    '\n'
  )
}

/** `perfgate calibrate`; returns the exit code (3 when a benchmark could not be measured). */
export async function commandCalibrate(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, OPTIONS)
  const pairs =
    wholeNumber('trials', values.trials, 2, MAX_TRIALS, 'whole number of A/A pairs') ??
    DEFAULT_CALIBRATION_PAIRS
  const filter = regex('filter', values.filter)
  const config = loadConfigFile(io.cwd, values.config)
  const calibration = await runCalibration(
    { config, ...(filter ? { filter } : {}), pairs, seed: randomInt(2 ** 31) },
    { runner: io.runner ?? createProcessTrialRunner(), log: io.stderr }
  )
  if (!calibration.clean) {
    io.stderr.write(
      'perfgate: the working tree has uncommitted changes, so this was not an A/A (the base side is the committed HEAD)\n'
    )
  }
  io.stdout.write(values.json ? calibrationJson(calibration) : renderCalibration(calibration))
  return calibration.benchmarks.some((b) => b.state === 'errored') ? EXIT.runtime : EXIT.passed
}
