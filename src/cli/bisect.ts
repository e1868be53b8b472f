/**
 * `perfgate bisect --good <ref> --bad <ref>`: the first commit between them where a
 * benchmark got slower, with paired A/B measurements at each step. Prints the culprit, its
 * ratio against good with the interval, and the steps (or `--json`); progress on stderr.
 * Exit codes: 0 found · 1 not found or undecided (the reason is printed) · 2 usage ·
 * 3 a checkout's setup or the benchmark failed.
 */
import { randomInt } from 'node:crypto'
import type { ParseArgsConfig } from 'node:util'
import { bisectRegression, type BisectOutcome, type BisectStep } from '../app/bisect.js'
import { loadConfigFile } from '../app/files.js'
import { EXIT } from '../app/outcome.js'
import { MAX_TRIALS } from '../config/defaults.js'
import { sanitizeChildText } from '../process/text.js'
import { CI_LABEL } from '../report/format.js'
import { createProcessTrialRunner } from '../runners/index.js'
import type { CliIo } from './main.js'
import { reportFailure } from './failures.js'
import { parse, UsageError, wholeNumber } from './flags.js'

export const BISECT_USAGE = `Usage:
  perfgate bisect --good <git-ref> --bad <git-ref> [--benchmark <name>] [--metric <m>]
                  [--config perfgate.yml] [--trials N] [--seed S] [--json]

Finds the first commit on bad's first-parent line after good where the benchmark moved,
measuring each step against good in randomized pairs (as run --base does).
Exit codes: 0 found · 1 no regression, or a step could not decide · 2 usage or config error
            3 setup or the benchmark failed on a commit
`

const OPTIONS = {
  good: { type: 'string' },
  bad: { type: 'string' },
  benchmark: { type: 'string' },
  metric: { type: 'string' },
  config: { type: 'string', short: 'c' },
  trials: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} satisfies ParseArgsConfig['options']

/** The `--json` document: the culprit, its ratio against good, and every step. */
function bisectJson(outcome: BisectOutcome): unknown {
  const steps = outcome.steps.map((s: BisectStep) => ({
    commit: s.commit,
    subject: s.subject,
    ratio: s.ratio,
    ciLow: s.ciLow,
    ciHigh: s.ciHigh,
    p: s.p,
    pairs: s.pairs,
    moved: s.moved,
    decision: s.decision,
    ...(s.setAside ? { setAside: s.setAside } : {})
  }))
  if (outcome.kind === 'found') {
    return {
      culprit: { commit: outcome.culprit.commit, subject: outcome.culprit.subject },
      ratio: outcome.ratio,
      ciLow: outcome.ciLow,
      ciHigh: outcome.ciHigh,
      steps
    }
  }
  return {
    culprit: null,
    reason: outcome.reason,
    ...(outcome.range
      ? { range: { after: outcome.range.after.commit, upTo: outcome.range.upTo.commit } }
      : {}),
    steps
  }
}

const ratioText = (r: number) => (Number.isFinite(r) ? `×${r.toFixed(3)}` : '–')
const subjectText = (s: string) => sanitizeChildText(s).replace(/\n/g, ' ')

/** The terminal text of an outcome. */
function renderBisect(outcome: BisectOutcome): string {
  const short = (c: { commit: string }) => c.commit.slice(0, 7)
  const lines: string[] = []
  if (outcome.kind === 'found') {
    const c = outcome.culprit
    lines.push(`culprit: ${c.commit} ${subjectText(c.subject)}`)
    lines.push(
      `  ${outcome.benchmark} ${outcome.metric} ${ratioText(outcome.ratio)} against good ` +
        `${short(outcome.good)} (${CI_LABEL} ${ratioText(outcome.ciLow)} – ${ratioText(outcome.ciHigh)}); ` +
        (outcome.lastGood.commit === outcome.good.commit
          ? 'the commit before it is good'
          : `the commit before it, ${short(outcome.lastGood)}, did not move`)
    )
    if (c.parents > 1) {
      lines.push(
        `  it is a merge: to go into its branch, bisect again with ` +
          `--good $(git merge-base ${short(c)}^1 ${short(c)}^2) --bad ${short(c)}^2`
      )
    }
  } else {
    lines.push(`no culprit: ${sanitizeChildText(outcome.reason)}`)
    if (outcome.range) {
      lines.push(
        `  narrowed to the commits after ${short(outcome.range.after)} up to ${short(outcome.range.upTo)}`
      )
    }
  }
  for (const note of outcome.notes) lines.push(`  note: ${note}`)
  lines.push('')
  lines.push(
    `steps (${outcome.candidates} candidate${outcome.candidates === 1 ? '' : 's'}, at most ` +
      `${outcome.plannedSteps} steps, each against good at alpha ${outcome.stepAlpha.toPrecision(2)}; ` +
      `moved: significant and at least half-way to bad):`
  )
  const rows = outcome.steps.map((s, i) => {
    const decision =
      s.decision === 'errored'
        ? `errored: ${sanitizeChildText(s.error ?? '')}`
        : s.decision === 'not-moved'
          ? 'did not move'
          : s.decision
    const measured = Number.isFinite(s.ratio)
    return [
      String(i + 1),
      s.role === 'bad' ? 'bad' : 'probe',
      short(s),
      measured ? ratioText(s.ratio) : '–',
      measured ? `[${s.ciLow.toFixed(3)}, ${s.ciHigh.toFixed(3)}]` : '',
      measured ? `p ${s.p.toPrecision(2)}` : '',
      `${s.pairs} pairs` +
        (s.setAside ? ` (pair ${s.setAside.pair} set aside: ${ratioText(s.setAside.ratio)})` : ''),
      decision,
      subjectText(s.subject)
    ]
  })
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]!.length))) ?? []
  for (const row of rows) {
    const cells = row.map((cell, col) =>
      col === row.length - 1 ? cell : cell.padEnd(widths[col]!)
    )
    lines.push(`  ${cells.join('  ')}`.trimEnd())
  }
  return lines.join('\n') + '\n'
}

export async function commandBisect(args: string[], io: CliIo): Promise<number> {
  try {
    const values = parse(args, OPTIONS)
    if (values.help) {
      io.stdout.write(BISECT_USAGE)
      return EXIT.passed
    }
    if (values.good === undefined || values.bad === undefined) {
      throw new UsageError('bisect needs --good <git-ref> and --bad <git-ref>')
    }
    const trials = wholeNumber('trials', values.trials, 1, MAX_TRIALS)
    const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1) ?? randomInt(2 ** 31)
    const config = loadConfigFile(io.cwd, values.config)
    const outcome = await bisectRegression(
      {
        config,
        good: values.good,
        bad: values.bad,
        seed,
        ...(values.benchmark !== undefined ? { benchmark: values.benchmark } : {}),
        ...(values.metric !== undefined ? { metric: values.metric } : {}),
        ...(trials !== undefined ? { trials } : {})
      },
      { runner: io.runner ?? createProcessTrialRunner(), log: io.stderr }
    )
    if (values.json) io.stdout.write(JSON.stringify(bisectJson(outcome), null, 2) + '\n')
    else io.stdout.write('\n' + renderBisect(outcome))
    if (outcome.kind === 'found') return EXIT.passed
    return outcome.kind === 'errored' ? EXIT.runtime : EXIT.gateFailed
  } catch (error) {
    const code = reportFailure(io.stderr, error, BISECT_USAGE)
    if (code === undefined) throw error
    return code
  }
}
