// The pieces of a windowed function count that need no valgrind: how many calls a probe
// sizes the count to (the same N from run to run), reading callgrind's dumps back in part
// order, per call from the windows' medians, and the message that carries N to the worker.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { isCountCalls } from '../src/runners/function/protocol.js'
import {
  COUNTED_ROUNDS,
  FIRST_ROUND_WINDOW,
  roundWindows,
  WINDOWS
} from '../src/runners/function/count.js'
import {
  callsFor,
  COUNTED_INSTRUCTIONS,
  MAX_CALLS,
  perCall
} from '../src/runners/instructions/function.js'
import { callgrindSummary, windowCounts } from '../src/runners/instructions/valgrind.js'
import { scratchDir } from './helpers/scratch.js'

/** A callgrind dump's head, as valgrind 3.19 writes it. */
const dump = (part: number, summary: number) =>
  `# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 3445\ncmd:  node w.mjs\n` +
  `part: ${part}\n\ndesc: I1 cache: \ndesc: Timerange: Basic block 0 - 9\n` +
  `desc: Trigger: --dump-before=node::os::GetPriority(v8::FunctionCallbackInfo<v8::Value> const&)\n\n` +
  `positions: line\nevents: Ir\nsummary: ${summary}\n\n\nfl=(1) ???\nfn=(1) main\n0 ${summary}\n\n` +
  `totals: ${summary * 2}\n`

describe('callsFor', () => {
  it('is the power of two nearest the counted instructions over the probe', () => {
    expect(callsFor(COUNTED_INSTRUCTIONS)).toBe(1)
    expect(callsFor(COUNTED_INSTRUCTIONS / 100)).toBe(128)
    expect(callsFor(COUNTED_INSTRUCTIONS / 90)).toBe(64)
  })

  it('keeps N when a change moves the probe by a few per cent', () => {
    const probe = COUNTED_INSTRUCTIONS / 40
    expect(callsFor(probe)).toBe(32)
    expect(callsFor(probe * 1.02)).toBe(32)
    expect(callsFor(probe * 0.98)).toBe(32)
  })

  it('stays between 1 and MAX_CALLS', () => {
    expect(callsFor(COUNTED_INSTRUCTIONS * 50)).toBe(1)
    expect(callsFor(3)).toBe(MAX_CALLS)
    expect(callsFor(0)).toBe(1)
    expect(callsFor(Number.NaN)).toBe(1)
  })
})

describe('callgrind dumps', () => {
  it('reads the summary line, not the totals', () => {
    expect(callgrindSummary(dump(2, 50_043_776))).toBe(50_043_776)
    expect(callgrindSummary('part: 1\nevents: Ir\n')).toBeUndefined()
  })

  it("lists the main thread's windows in part order, numerically, without the final dump", () => {
    const dir = scratchDir('perfgate-window-')
    const counts = [13_713, 29_066, 9, 20, 10_000]
    counts.forEach((count, i) =>
      writeFileSync(path.join(dir, `callgrind.out.${i + 1}-01`), dump(i + 1, count))
    )
    writeFileSync(path.join(dir, 'callgrind.out.10-01'), dump(10, 77))
    writeFileSync(path.join(dir, 'callgrind.out'), dump(11, 5))
    writeFileSync(path.join(dir, 'callgrind.out.2-02'), dump(2, 999))
    writeFileSync(path.join(dir, 'valgrind.log'), '==1== Callgrind\n')
    expect(windowCounts(dir)).toEqual([...counts, 77])
  })

  it('stops at a dump still being written', () => {
    const dir = scratchDir('perfgate-window-')
    writeFileSync(path.join(dir, 'callgrind.out.1-01'), dump(1, 100))
    writeFileSync(path.join(dir, 'callgrind.out.2-01'), '# callgrind format\nversion: 1\n')
    writeFileSync(path.join(dir, 'callgrind.out.3-01'), dump(3, 300))
    expect(windowCounts(dir)).toEqual([100])
  })
})

/**
 * A worker's windows as callgrind dumps them: start-up, probe, two warm-ups, then rounds of
 * a young collection (a scavenge's count, never read), an empty window (`empty`) and one
 * of counted calls (`counted`), from count.ts's list.
 */
function windowsOf(empty: number[], counted: number[]): number[] {
  const rounds = empty.flatMap((marks, round) => [2_400_000 + 1000 * round, marks, counted[round]!])
  return [1_271_126_846, 541_808, 53_090_297, 16_823_914, ...rounds]
}

describe('perCall', () => {
  const steady = 12_173_614
  const calls = 32

  it('has a window for each of the rounds count.ts marks', () => {
    const windows = windowsOf(Array(COUNTED_ROUNDS).fill(1172), Array(COUNTED_ROUNDS).fill(steady))
    expect(windows).toHaveLength(WINDOWS)
    expect(windows[roundWindows(0).empty]).toBe(1172)
    expect(windows[roundWindows(COUNTED_ROUNDS - 1).counted]).toBe(steady)
    expect(roundWindows(0).empty).toBe(FIRST_ROUND_WINDOW + 1)
  })

  it('is the median counted window less the median empty one, over the calls', () => {
    const windows = windowsOf(
      [5323, 1172, 1188, 1188, 4506],
      [steady, steady + 16, steady, steady + 16, steady + 16]
    )
    expect(perCall(windows, calls)).toEqual({
      instructions: (steady + 16 - 1188) / calls,
      windowSpread: 16 / (steady + 16)
    })
  })

  it('is not moved by two disturbed counted windows, and reports how far they strayed', () => {
    const disturbed = windowsOf(Array(COUNTED_ROUNDS).fill(1172), [
      steady * 1.38,
      steady,
      steady * 1.017,
      steady,
      steady
    ])
    const count = perCall(disturbed, calls)
    expect(count).toMatchObject({ instructions: (steady - 1172) / calls })
    expect(typeof count === 'object' && count.windowSpread).toBeCloseTo(0.38, 6)
  })

  it('names the missing symbol when fewer windows were marked', () => {
    const windows = windowsOf([1172], [steady])
    expect(perCall(windows, calls)).toMatch(
      new RegExp(`marked ${windows.length} of ${WINDOWS} windows: .*no symbol`)
    )
  })

  it('names os.getPriority() when the bench marked windows of its own', () => {
    const windows = [
      ...windowsOf(Array(COUNTED_ROUNDS).fill(1172), Array(COUNTED_ROUNDS).fill(steady)),
      9
    ]
    expect(perCall(windows, calls)).toMatch(
      new RegExp(`not ${WINDOWS}: the bench calls os\\.getPriority\\(\\)`)
    )
  })

  it('is an error when the counted windows are no larger than the empty ones', () => {
    const windows = windowsOf(Array(COUNTED_ROUNDS).fill(1172), Array(COUNTED_ROUNDS).fill(1172))
    expect(perCall(windows, calls)).toBe('32 calls counted no instructions')
  })
})

describe('isCountCalls', () => {
  it('accepts a positive whole number of calls only', () => {
    expect(isCountCalls({ type: 'count-calls', calls: 64 })).toBe(true)
    expect(isCountCalls({ type: 'count-calls', calls: 0 })).toBe(false)
    expect(isCountCalls({ type: 'count-calls', calls: 1.5 })).toBe(false)
    expect(isCountCalls({ type: 'count-calls', calls: '64' })).toBe(false)
    expect(isCountCalls({ type: 'count', calls: 64 })).toBe(false)
    expect(isCountCalls(null)).toBe(false)
  })
})
