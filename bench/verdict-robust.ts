/**
 * Paired procedures under disturbed trials, for `npm run bench:verdict` (docs/DESIGN.md,
 * "Robust paired statistics"). A busy machine slows a few trials *as a whole*: each trial,
 * base or head independently, is slowed with probability `share` by a factor drawn
 * log-uniformly from [1.5, 10]; on top of that every trial has lognormal noise. One side
 * of a pair slowed gives a log ratio far out in either direction: heavy tails, symmetric
 * about the true log ratio (so every procedure below targets the same value).
 *
 * Each procedure goes through the same sequential rule as perfgate (looks at 10/20/30
 * pairs, stop at a look when p < alpha/(K m) with the estimate past the threshold or the
 * 1 − alpha/K interval inside ±threshold; reported p = min p × K; Holm over the m gated
 * tests of the run; `classify`). 't', 'sign-flip' and 'trimmed' are perfgate's own
 * `comparePaired`; Wilcoxon, the sign test and Huber's M-estimator are written here only to
 * be compared (textbook formulas, cited below and in bench/signed-rank.ts).
 */
import { comparePaired } from '../src/stats/paired.js'
import { studentTCdf, studentTQuantile } from '../src/stats/distributions.js'
import { holm, lookAlphas } from '../src/stats/multiple.js'
import { createRandom, type Random } from '../src/stats/random.js'
import { trimmedMeanTest } from '../src/stats/trimmed.js'
import { classify } from '../src/stats/verdict.js'
import { signedRankInterval, wilcoxonSignedRank } from './signed-rank.js'

/** What a procedure says about log ratios d at one confidence level (all on the log scale). */
export interface ProcedureResult {
  readonly estimate: number
  readonly low: number
  readonly high: number
  readonly p: number
}

export type Procedure = (d: readonly number[], confidence: number) => ProcedureResult

/**
 * Hodges-Lehmann estimate (median of the Walsh averages) with the signed-rank interval and
 * the Wilcoxon signed-rank test (bench/signed-rank.ts).
 */
export const wilcoxon: Procedure = (d, confidence) => {
  const interval = signedRankInterval(d, confidence)
  const { pValue } = wilcoxonSignedRank(d)
  return { estimate: interval.estimate, low: interval.low, high: interval.high, p: pValue }
}

function fromPaired(method: 't' | 'sign-flip' | 'trimmed'): Procedure {
  return (d, confidence) => {
    const base = d.map(() => 1)
    const head = d.map((x) => Math.exp(x))
    const r = comparePaired(base, head, { method, confidence, resamples: 2000 })
    return {
      estimate: Math.log(r.ratio),
      low: Math.log(r.ciLow),
      high: Math.log(r.ciHigh),
      p: r.pValue
    }
  }
}

function sorted(d: readonly number[]): number[] {
  return [...d].sort((a, b) => a - b)
}

function medianOf(s: readonly number[]): number {
  const h = Math.floor(s.length / 2)
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2
}

/** P(Bin(n, 1/2) <= k). */
function binomialHalfCdf(k: number, n: number): number {
  let term = 2 ** -n
  let sum = 0
  for (let i = 0; i <= k; i++) {
    sum += term
    term = (term * (n - i)) / (i + 1)
  }
  return Math.min(1, sum)
}

/**
 * Median of d with the sign test (exact binomial, zeros dropped) and the order-statistic
 * interval [d_(k), d_(n+1-k)], k the largest with P(Bin(n, 1/2) <= k - 1) <= alpha/2
 * (Hollander, Wolfe & Chicken, Nonparametric Statistical Methods, 3rd ed., §3.4-3.6).
 */
export const signTest: Procedure = (d, confidence) => {
  const s = sorted(d)
  const n = s.length
  const nonzero = d.filter((x) => x !== 0)
  const positive = nonzero.filter((x) => x > 0).length
  const fewer = Math.min(positive, nonzero.length - positive)
  const p = nonzero.length === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(fewer, nonzero.length))
  const alpha = 1 - confidence
  let k = 0
  while (k + 1 <= n && binomialHalfCdf(k, n) <= alpha / 2) k++
  const low = k >= 1 ? s[k - 1]! : -Infinity
  const high = k >= 1 ? s[n - k]! : Infinity
  return { estimate: medianOf(s), low, high, p }
}

/**
 * Huber's M-estimator of location, c = 1.345, scale MAD / 0.6745 held fixed, iteratively
 * reweighted; SE² = s² mean(ψ²) / (n mean(ψ')²) (Huber, Ann. Math. Statist. 35 (1964)
 * 73-101; Huber & Ronchetti, Robust Statistics, 2nd ed., §6), t on n − 1 df.
 */
export const huberM: Procedure = (d, confidence) => {
  const s = sorted(d)
  const n = s.length
  let mu = medianOf(s)
  const scale = medianOf(sorted(s.map((x) => Math.abs(x - mu)))) / 0.6745
  if (!(scale > 0)) return { estimate: mu, low: mu, high: mu, p: mu === 0 ? 1 : 0 }
  const c = 1.345
  for (let iteration = 0; iteration < 50; iteration++) {
    let num = 0
    let den = 0
    for (const x of s) {
      const r = (x - mu) / scale
      const weight = Math.abs(r) <= c ? 1 : c / Math.abs(r)
      num += weight * x
      den += weight
    }
    const next = num / den
    if (Math.abs(next - mu) < 1e-12 * scale) {
      mu = next
      break
    }
    mu = next
  }
  let psi2 = 0
  let dpsi = 0
  for (const x of s) {
    const r = (x - mu) / scale
    psi2 += Math.min(c * c, r * r)
    if (Math.abs(r) <= c) dpsi++
  }
  const se = (scale * Math.sqrt(psi2 / n)) / ((Math.max(dpsi, 1) / n) * Math.sqrt(n))
  const t = mu / se
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * se
  return { estimate: mu, low: mu - half, high: mu + half, p: 2 * studentTCdf(-Math.abs(t), n - 1) }
}

/** The trimmed t with its own Student p (what 'trimmed' would be without the screened test). */
export const trimmedStudent: Procedure = (d, confidence) => {
  const r = trimmedMeanTest(d, { confidence })
  return { estimate: r.estimate, low: r.low, high: r.high, p: r.pValue }
}

export const PROCEDURES: readonly { readonly name: string; readonly run: Procedure }[] = [
  { name: 't (geometric mean, t interval)', run: fromPaired('t') },
  { name: 'sign-flip (geometric mean, t interval)', run: fromPaired('sign-flip') },
  {
    name: 'trimmed (default: trimmed mean and interval, screened t p)',
    run: fromPaired('trimmed')
  },
  { name: 'trimmed t, Student p', run: trimmedStudent },
  { name: 'Wilcoxon (Hodges-Lehmann, signed-rank)', run: wilcoxon },
  { name: 'sign test (median, order statistics)', run: signTest },

  { name: 'Huber M (c = 1.345)', run: huberM }
]

/** The disturbance and noise model of a cell. */
export interface DisturbedScenario {
  /** Gated tests in a run (one per benchmark); benchmark 0 carries the effect. */
  readonly family: number
  /** Clean per-trial lognormal SD (0.02 = 2 %). */
  readonly noise: number
  /** Chance that a trial (either side, independently) is slowed as a whole. */
  readonly share: number
  /** Slowdown factors of a disturbed trial: log-uniform on [low, high]. */
  readonly slowdown: readonly [number, number]
  /** Head/base ratio of benchmark 0; 1 = A/A. */
  readonly effect: number
  readonly lookSizes: readonly number[]
  readonly threshold: number
  readonly alpha: number
}

/** One trial's log value: noise plus, now and then, a whole-trial slowdown. */
export function disturbedLog(s: DisturbedScenario, random: Random): number {
  let x = s.noise * random.normal()
  if (random.next() < s.share) {
    const [lo, hi] = s.slowdown
    x += Math.log(lo) + random.next() * (Math.log(hi) - Math.log(lo))
  }
  return x
}

export interface ProcedureCell {
  readonly runs: number
  /** Runs with any regression or improvement verdict (A/A: family-wise false alarms). */
  readonly anyChange: number
  /** Runs where benchmark 0 got a regression verdict. */
  readonly found: number
  /** Runs where benchmark 0's 95 % interval at the final pair count holds the true ratio. */
  readonly covered: number
  /** Pairs used by benchmark 0, summed; and by all benchmarks. */
  readonly pairs0: number
  readonly pairsAll: number
  /** Sum of |estimate − true log ratio| of benchmark 0 (mean absolute error). */
  readonly absError: number
  /** Runs where benchmark 0's estimate lies outside its own interval, or the sign of the
   * estimate disagrees with a significant p. */
  readonly disagree: number
}

/**
 * `runs` simulated runs of one scenario for one procedure. Every procedure of a scenario gets
 * the same seed, so they judge the same trial values.
 */
export function simulateProcedure(
  procedure: Procedure,
  s: DisturbedScenario,
  runs: number,
  seed: number
): ProcedureCell {
  const random = createRandom(seed)
  const K = s.lookSizes.length
  const level = lookAlphas(s.alpha, K)[0]!
  const band = Math.log(1 + s.threshold)
  const maxPairs = s.lookSizes[K - 1]!
  const truth = Math.log(s.effect)
  let anyChange = 0
  let found = 0
  let covered = 0
  let pairs0 = 0
  let pairsAll = 0
  let absError = 0
  let disagree = 0
  for (let run = 0; run < runs; run++) {
    const finals: { r: ProcedureResult; p: number }[] = []
    for (let b = 0; b < s.family; b++) {
      const effect = b === 0 ? truth : 0
      const d: number[] = []
      for (let i = 0; i < maxPairs; i++) {
        const base = disturbedLog(s, random)
        const head = effect + disturbedLog(s, random)
        d.push(head - base)
      }
      let smallest = 1
      let used = maxPairs
      for (const size of s.lookSizes) {
        const r = procedure(d.slice(0, size), 1 - level)
        smallest = Math.min(smallest, r.p)
        const significant = r.p < level / s.family && Math.abs(r.estimate) >= band
        const equivalent = r.low > -band && r.high < band
        if (size < maxPairs && (significant || equivalent)) {
          used = size
          break
        }
      }
      const r = procedure(d.slice(0, used), 0.95)
      finals.push({ r, p: Math.min(1, smallest * K) })
      pairsAll += used
      if (b === 0) {
        pairs0 += used
        if (r.low <= truth && truth <= r.high) covered++
        absError += Math.abs(r.estimate - truth)
        if (r.estimate < r.low || r.estimate > r.high) disagree++
      }
    }
    const adjusted = holm(finals.map((f) => f.p))
    const verdicts = finals.map((f, i) =>
      classify({
        ratio: Math.exp(f.r.estimate),
        ciLow: Math.exp(f.r.low),
        ciHigh: Math.exp(f.r.high),
        pAdjusted: adjusted[i]!,
        alpha: s.alpha,
        threshold: s.threshold,
        higherIsBetter: false
      })
    )
    if (verdicts.some((v) => v === 'regression' || v === 'improvement')) anyChange++
    if (verdicts[0] === 'regression') found++
  }
  return { runs, anyChange, found, covered, pairs0, pairsAll, absError, disagree }
}

/** The cells of the comparison table: A/A and planted changes, clean and disturbed. */
export function robustScenarios(
  threshold: number,
  alpha: number
): { label: string; scenario: DisturbedScenario }[] {
  const common = { slowdown: [1.5, 10] as const, lookSizes: [10, 20, 30], threshold, alpha }
  const out: { label: string; scenario: DisturbedScenario }[] = []
  for (const [noise, share] of [
    [0.01, 0],
    [0.04, 0],
    [0.08, 0],
    [0.01, 0.1],
    [0.04, 0.1],
    [0.01, 0.2],
    [0.04, 0.2]
  ] as const) {
    const model = `noise ${noise * 100} %, ${share * 100} % of trials slowed 1.5–10×`
    out.push({
      label: `A/A, 10 tests, ${model}`,
      scenario: { ...common, family: 10, noise, share, effect: 1 }
    })
    for (const effect of [1.05, 1.1]) {
      out.push({
        label: `+${Math.round((effect - 1) * 100)} % in 1 of 5 tests, ${model}`,
        scenario: { ...common, family: 5, noise, share, effect }
      })
    }
  }
  // The real case of the issue: a ~5 ms function, +10 %, some trials 1.5-9× slow at load 3-5.
  for (const effect of [1, 1.1]) {
    out.push({
      label: `real case: ${effect === 1 ? 'A/A' : '+10 %'}, 5 tests, noise 2 %, 15 % of trials slowed 1.5–9×`,
      scenario: { ...common, family: 5, noise: 0.02, share: 0.15, slowdown: [1.5, 9], effect }
    })
  }
  return out
}
