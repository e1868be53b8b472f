/**
 * Progress on stderr while measuring. On a terminal one live line is rewritten per trial;
 * elsewhere (CI logs) each benchmark gets a start and an end line, and each slow or failed
 * trial its own, so a long run is never silent and logs stay short.
 */
import type { PairedProgressListener } from '../schedule/paired.js'
import type { ProgressListener } from '../schedule/suite.js'
import { HEADLINE_METRICS } from '../metrics.js'
import { formatMetric } from '../report/format.js'

/** In logs, trials slower than this get their own line, so long runs show they move. */
const SLOW_TRIAL_MS = 2000

export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
}

export function createProgress(stream: ProgressStream): ProgressListener {
  const live = stream.isTTY === true
  let label = ''
  const clear = () => live && stream.write('\r\x1b[K')
  return {
    benchmarkStart(benchmark, position, total) {
      label = `[${position}/${total}] ${benchmark.name}`
      if (live) stream.write(`\r\x1b[K${label}: starting…`)
      else stream.write(`${label}: ${benchmark.kind} benchmark, ${benchmark.trials} trials\n`)
    },
    trialEnd(_benchmark, trial, trials, outcome) {
      const status = outcome.ok ? 'ok' : 'failed'
      const text = `${label}: trial ${trial + 1}/${trials} ${status} (${(outcome.durationMs / 1000).toFixed(1)} s)`
      if (live) stream.write(`\r\x1b[K${text}`)
      else if (!outcome.ok || outcome.durationMs >= SLOW_TRIAL_MS) stream.write(`${text}\n`)
    },
    benchmarkEnd(result) {
      clear()
      if (result.state === 'errored') {
        stream.write(`${label}: ✗ errored: ${result.error.message}\n`)
        return
      }
      const metric = HEADLINE_METRICS[result.kind][0]!
      const s = result.summary[metric]
      stream.write(`${label}: ✓ ${metric} ${s ? formatMetric(metric, s.median) : '–'}\n`)
    }
  }
}

/** Progress of an A/B run: pairs instead of trials, and each planned look. */
export function createPairedProgress(stream: ProgressStream): PairedProgressListener {
  const live = stream.isTTY === true
  let label = ''
  return {
    benchmarkStart(benchmark, position, total) {
      label = `[${position}/${total}] ${benchmark.name}`
      if (live) stream.write(`\r\x1b[K${label}: starting…`)
      else stream.write(`${label}: A/B, base and head in randomized pairs\n`)
    },
    trialEnd(_benchmark, side, pair, maxPairs, outcome) {
      const text = `${label}: pair ${pair + 1}/${maxPairs} ${side} ${outcome.ok ? 'ok' : 'failed'} (${(outcome.durationMs / 1000).toFixed(1)} s)`
      if (live) stream.write(`\r\x1b[K${text}`)
      else if (!outcome.ok || outcome.durationMs >= SLOW_TRIAL_MS) stream.write(`${text}\n`)
    },
    look(_benchmark, pairs, decided) {
      const text = `${label}: look at ${pairs} pairs: ${decided ? 'decided, stopping' : 'not decided yet, continuing'}`
      if (live) stream.write(`\r\x1b[K${text}`)
      else stream.write(`${text}\n`)
    },
    benchmarkEnd(head, base) {
      if (live) stream.write('\r\x1b[K')
      const failed = head.state === 'errored' ? head : base.state === 'errored' ? base : undefined
      if (failed?.state === 'errored') {
        stream.write(
          `${label}: ✗ errored on ${failed === head ? 'head' : 'base'}: ${failed.error.message}\n`
        )
        return
      }
      const metric = HEADLINE_METRICS[head.kind][0]!
      const h = head.summary[metric]
      const b = base.summary[metric]
      stream.write(
        `${label}: ✓ ${head.trials.length} pairs, ${metric} base ${b ? formatMetric(metric, b.median) : '–'} → head ${h ? formatMetric(metric, h.median) : '–'}\n`
      )
    }
  }
}
