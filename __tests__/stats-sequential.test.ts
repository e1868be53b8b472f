// The sequential rule: its per-look level, its stop decision, and that the A/B scheduler's
// early stop and the comparison's verdict agree on scripted trials.
import { compareResults } from '../src/compare/compare.js'
import type { BenchmarkConfig, CompareConfig, PairedTest } from '../src/config/types.js'
import type { BenchmarkResult } from '../src/results/types.js'
import type { TrialOutcome, TrialRunner } from '../src/runners/types.js'
import { runPairedBenchmark } from '../src/schedule/paired.js'
import { lookAlphas } from '../src/stats/multiple.js'
import { comparePaired } from '../src/stats/paired.js'
import { createRandom } from '../src/stats/random.js'
import { chanceToDecide, decidedAtLook, lookAlpha, sequentialP } from '../src/stats/sequential.js'
import { httpBenchmark } from './helpers/benchmarks.js'

describe('lookAlpha', () => {
  it('is the equal split of lookAlphas: alpha / K, one look when none are planned', () => {
    expect(lookAlpha(0.05, 3)).toBe(lookAlphas(0.05, 3)[0])
    expect(lookAlpha(0.05, 3)).toBe(0.05 / 3)
    expect(lookAlpha(0.05, 0)).toBe(0.05)
    expect(lookAlpha(0.1, 1)).toBe(0.1)
  })
})

describe('decidedAtLook', () => {
  const base = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.7, 99.3, 100.1]
  const noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, 0.3, -0.1, -0.3, 0.1]
  const head = (factor: number, spread = 1) => base.map((v, i) => v * factor + spread * noise[i]!)
  const rule = { alpha: 0.05, threshold: 0.05, test: 't' as const, plannedLooks: 3, familySize: 1 }

  it('stops on a significant change past the threshold and on equivalence', () => {
    expect(decidedAtLook(base, head(1.2), rule)).toBe(true)
    expect(decidedAtLook(base, head(0.8), rule)).toBe(true)
    expect(decidedAtLook(base, head(1), rule)).toBe(true)
  })

  it('does not stop on a significant change inside the threshold', () => {
    // +4 %: significant, but neither past ±5 % nor surely inside it.
    const h = head(1.04, 6)
    expect(comparePaired(base, h).pValue).toBeLessThan(0.001)
    expect(comparePaired(base, h, { confidence: 1 - 0.05 / 3 }).ciHigh).toBeGreaterThan(1.05)
    expect(decidedAtLook(base, h, rule)).toBe(false)
  })

  it('needs p below alpha / (K × m): a larger family needs stronger evidence', () => {
    // p of +6 % on 4 pairs with large noise sits between the levels of m = 1 and m = 50.
    const b = [100, 104, 97, 101]
    const h = [108, 108, 102, 107]
    const { pValue, ratio } = comparePaired(b, h)
    expect(ratio).toBeGreaterThan(1.05)
    expect(pValue).toBeLessThan(0.05 / 3)
    expect(pValue).toBeGreaterThan(0.05 / 3 / 50)
    expect(decidedAtLook(b, h, rule)).toBe(true)
    expect(decidedAtLook(b, h, { ...rule, familySize: 50 })).toBe(false)
  })

  it('never decides on fewer than 2 pairs or on values that are not above zero', () => {
    expect(decidedAtLook([100], [200], rule)).toBe(false)
    expect(decidedAtLook([100, 0], [200, 200], rule)).toBe(false)
    expect(decidedAtLook([100, NaN], [200, 200], rule)).toBe(false)
  })
})

describe('chanceToDecide', () => {
  // Log ratios of 10 pairs: quiet (SD 4.5 %), noisy (SD 16 %) and a clear +5 %.
  const QUIET = [0.031, -0.052, 0.012, 0.087, -0.021, 0.004, -0.066, 0.045, 0.019, -0.008]
  const NOISY = [0.12, -0.15, 0.3, 0.02, -0.09, 0.21, -0.25, 0.05, 0.11, -0.04]
  const CLEAR = [0.051, 0.048, 0.06, 0.039, 0.055, 0.044, 0.052, 0.047, 0.058, 0.049]
  const pairs = (d: number[]) => ({ base: d.map(() => 1), head: d.map((x) => Math.exp(x)) })
  const rule = (test: PairedTest, familySize = 1) => ({
    alpha: 0.05,
    threshold: 0.04,
    test,
    plannedLooks: 3,
    familySize
  })

  // Two pairs slowed as a whole on one side, among quiet ones.
  const DISTURBED = [0.021, -0.015, 0.034, 0.012, 1.4, -0.008, 0.027, -1.1, 0.018, 0.005]

  // Reference: scipy 1.17. trimmed: e = trim_mean(d, 0.2), the kept pairs |d| <= 3 × median |d|
  // (k of them) give s = SD/√k; t: e = mean, s = SD/√n over all. f = n/N; X = e + s√(1−f)·T(k−1);
  // P(|X| < T − t.ppf(0.975, df_i)·s√f) + P(|X| ≥ max(T, t.ppf(1 − α/(K m)/2, round(N k/n) − 1)·s√f)),
  // T = log1p(0.04), df_i = N − 2 floor(0.2 N) − 1 (trimmed) or N − 1.
  it.each([
    ['quiet', QUIET, 'trimmed', 30, 1, 0.9429817707118318],
    ['quiet', QUIET, 't', 30, 1, 0.9022266343183174],
    ['quiet', QUIET, 'trimmed', 20, 5, 0.9197537996705776],
    ['noisy', NOISY, 'trimmed', 30, 1, 0.1603425103900391],
    ['noisy', NOISY, 't', 30, 1, 0.15904984663749888],
    ['noisy', NOISY, 'trimmed', 20, 5, 0.015814744858929752],
    ['noisy', NOISY, 't', 20, 5, 0.015621303474904313],
    ['clear', CLEAR, 'trimmed', 30, 1, 0.9999675325438074],
    ['clear', CLEAR, 't', 30, 1, 0.9999671495499035],
    ['disturbed', DISTURBED, 'trimmed', 30, 1, 0.9977909573805632],
    ['disturbed', DISTURBED, 't', 30, 1, 0.11414647931942112],
    ['disturbed', DISTURBED, 't', 20, 5, 0.009476196245618462]
  ] as const)('%s pairs, %s, cap %d, m %d: scipy %f', (_name, d, test, cap, m, expected) => {
    const { base, head } = pairs([...d])
    expect(chanceToDecide(base, head, rule(test, m), cap)).toBeCloseTo(expected, 9)
  })

  it('cannot be told with fewer than 2 pairs, no pairs to come, or values not ratios', () => {
    const { base, head } = pairs([...QUIET])
    expect(chanceToDecide(base, head, rule('t'), 10)).toBeNaN()
    expect(chanceToDecide([1], [1.1], rule('t'), 30)).toBeNaN()
    expect(chanceToDecide([1, 0], [1, 1], rule('t'), 30)).toBeNaN()
    expect(chanceToDecide([1, NaN], [1, 1], rule('t'), 30)).toBeNaN()
  })

  it('is certain when every pair has the same ratio', () => {
    expect(chanceToDecide([1, 1, 1], [1, 1, 1], rule('trimmed'), 30)).toBe(1)
    expect(chanceToDecide([1, 1, 1], [1.2, 1.2, 1.2], rule('t'), 30)).toBe(1)
  })
})

describe('the scheduler stop and the comparison verdict', () => {
  const COMPARE = (test: PairedTest): CompareConfig => ({
    failOn: 'both',
    test,
    maxPairs: undefined,
    maxTimeMs: 600_000
  })
  const LOOKS = [10, 20, 30]

  /**
   * A scripted HTTP benchmark: base p50 ~10 ms and rps ~1000, head scaled by `factor`
   * (p50 × factor, rps ÷ factor) with seeded relative noise `sd` on each trial.
   */
  function scenario(name: string, factor: number, sd: number, seed: number) {
    const config: BenchmarkConfig = {
      ...httpBenchmark(name),
      name,
      compare: { gate: ['p50', 'rps'], threshold: 0.05, alpha: 0.05 }
    }
    const base: BenchmarkConfig = { ...config, spec: { ...config.spec } }
    const random = createRandom(seed)
    const runner: TrialRunner = {
      async runTrial(benchmark): Promise<TrialOutcome> {
        const scale = benchmark === config ? factor : 1
        const wobble = () => 1 + sd * (2 * random.next() - 1)
        return {
          ok: true,
          metrics: { p50: 10 * scale * wobble(), rps: (1000 / scale) * wobble() },
          details: {},
          durationMs: 1
        }
      }
    }
    return { config, base, runner }
  }

  async function runAll(test: PairedTest) {
    const factors = [0.7, 0.85, 0.95, 0.98, 1, 1, 1.02, 1.04, 1.06, 1.1, 1.2, 1.5]
    const noises = [0.002, 0.01, 0.03, 0.08]
    const scenarios = factors.flatMap((factor, i) =>
      noises.map((sd, j) => scenario(`b${i}-${j}`, factor, sd, 1000 * i + j))
    )
    const familySize = scenarios.length * 2
    const heads: BenchmarkResult[] = []
    const bases: BenchmarkResult[] = []
    for (const [k, s] of scenarios.entries()) {
      const { head, base } = await runPairedBenchmark(s.config, s.base, {
        runner: s.runner,
        random: createRandom(k),
        lookSizes: LOOKS,
        maxTimeMs: 60_000,
        test,
        familySize,
        definitionHash: () => 'h'
      })
      heads.push(head)
      bases.push(base)
    }
    const comparison = compareResults({
      mode: 'paired',
      head: heads,
      base: bases,
      compare: COMPARE(test)
    })
    return { heads, bases, comparison }
  }

  it.each(['trimmed', 't', 'sign-flip'] as const)(
    'reports every metric of a benchmark stopped as decided as decided (%s test)',
    async (test) => {
      const { heads, bases: baseResults, comparison } = await runAll(test)
      const stopped = heads.filter((h) => h.paired?.stopReason === 'decided')
      // Early stops happen, on significance and on equivalence, and not for everything.
      expect(stopped.length).toBeGreaterThan(5)
      expect(stopped.length).toBeLessThan(heads.length)
      const verdicts = stopped.flatMap((h) => {
        const b = comparison.benchmarks.find((x) => x.name === h.name)!
        expect(b.status).toBe('compared')
        expect(b.nHead).toBeLessThan(LOOKS[LOOKS.length - 1]!)
        return b.metrics.map((m) => m.verdict)
      })
      expect(verdicts).not.toContain('inconclusive')
      expect(verdicts).toContain('unchanged')
      expect(verdicts).toContain('regression')
      expect(verdicts).toContain('improvement')
      // The p the comparison reports is the rule's sequential p over the same pairs.
      const first = stopped[0]!
      const baseOf = (name: string) => baseResults.find((x) => x.name === name)!
      const reported = comparison.benchmarks.find((x) => x.name === first.name)!.metrics[0]!
      const values = (r: BenchmarkResult) => r.trials.map((t) => t.metrics[reported.metric]!)
      expect(reported.p).toBe(sequentialP(values(baseOf(first.name)), values(first), LOOKS, test))
    }
  )

  it('uses the same sequential p as the stats module', () => {
    const b = [10, 10.2, 9.9, 10.1, 10, 9.8]
    const h = [11, 11.3, 10.8, 11.1, 11.2, 10.7]
    const p = sequentialP(b, h, [3, 6], 't')
    expect(p).toBe(
      Math.min(
        1,
        2 * Math.min(comparePaired(b.slice(0, 3), h.slice(0, 3)).pValue, comparePaired(b, h).pValue)
      )
    )
  })
})
