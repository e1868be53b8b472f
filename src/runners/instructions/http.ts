import type { BenchmarkConfig, HttpSpec } from '../../config/types.js'
import type { TrialOutcome } from '../types.js'

export async function countHttp(benchmark: BenchmarkConfig, spec: HttpSpec): Promise<TrialOutcome> {
  void benchmark
  void spec
  return { ok: false, message: 'not yet', stderrTail: undefined, durationMs: 0 }
}
