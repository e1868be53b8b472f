/**
 * Instruction counts of one benchmark, by kind (valgrind.ts says how a count is taken):
 * per call (function.ts), per run (command.ts), per request (http.ts). Base and head of a
 * pair are counted at the same time: a count does not depend on what else the machine
 * runs, so the pair may use every CPU.
 */
import type { BenchmarkConfig } from '../../config/types.js'
import type { Side, TrialOutcome } from '../types.js'
import { countCommand } from './command.js'
import { calibrateCalls, countFunction } from './function.js'
import { countHttp } from './http.js'
import { valgrindProblem } from './valgrind.js'

/** Counts instructions for a whole run (the calls a function's count makes are kept). */
export class InstructionCounter {
  /** Calls N per function benchmark, calibrated once and shared by base and head. */
  readonly #calls = new Map<string, Promise<number | TrialOutcome>>()

  #callsOf(benchmark: BenchmarkConfig, key: string): Promise<number | TrialOutcome> {
    const spec = benchmark.spec
    if (spec.kind !== 'function') throw new TypeError('calls of a function benchmark only')
    let calls = this.#calls.get(key)
    if (!calls) {
      calls = calibrateCalls(benchmark, spec)
      this.#calls.set(key, calls)
    }
    return calls
  }

  /** One side's count (`key` names whose calibration a function count shares). */
  async count(benchmark: BenchmarkConfig, key = benchmark.name): Promise<TrialOutcome> {
    const problem = valgrindProblem()
    if (problem) return { ok: false, message: problem, stderrTail: undefined, durationMs: 0 }
    const spec = benchmark.spec
    switch (spec.kind) {
      case 'function': {
        const calls = await this.#callsOf(benchmark, key)
        return typeof calls === 'number' ? countFunction(benchmark, spec, calls) : calls
      }
      case 'command':
        return countCommand(benchmark, spec)
      case 'http':
        return countHttp(benchmark, spec)
    }
  }

  /** Base and head counted at once, a function's calls calibrated on head for both. */
  async countPair(
    pair: Readonly<Record<Side, BenchmarkConfig>>
  ): Promise<Record<Side, TrialOutcome>> {
    const name = pair.head.name
    // A head that cannot run (its calibration failed) leaves the base to calibrate its own.
    const headCalls = pair.head.spec.kind === 'function' ? await this.#callsOf(pair.head, name) : 0
    const baseKey = typeof headCalls === 'number' ? name : `${name}\0base`
    const [base, head] = await Promise.all([this.count(pair.base, baseKey), this.count(pair.head)])
    return { base, head }
  }
}
