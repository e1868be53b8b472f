/**
 * Progress on stderr while measuring. On a terminal one live line is rewritten per trial;
 * elsewhere (CI logs) each benchmark gets a start and an end line, and each slow or failed
 * trial its own, so a long run is never silent and logs stay short.
 */
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
