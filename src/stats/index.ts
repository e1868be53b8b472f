/**
 * perfgate's statistics: pure functions, one concern per file, a reference per formula.
 */

export { CONFIDENCE_LEVEL } from './confidence.js'
export { createRandom, type Random } from './random.js'
export {
  erf,
  erfc,
  logBeta,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTPdf,
  studentTQuantile
} from './distributions.js'
export {
  comparePaired,
  logRatios,
  signFlipTest,
  DEFAULT_SIGN_FLIP_EXACT_LIMIT,
  DEFAULT_SIGN_FLIP_RESAMPLES,
  DEFAULT_SIGN_FLIP_SEED,
  type PairedComparison,
  type PairedMethod,
  type PairedOptions,
  type SignFlipResult
} from './paired.js'
export {
  compareUnpaired,
  hodgesLehmannShift,
  mannWhitneyNullCdf,
  mannWhitneyU,
  MANN_WHITNEY_EXACT_CELLS,
  MANN_WHITNEY_EXACT_LIMIT,
  type MannWhitneyMethod,
  type MannWhitneyOptions,
  type MannWhitneyResult,
  type ShiftEstimate,
  type UnpairedComparison,
  type UnpairedOptions
} from './unpaired.js'
export {
  DEFAULT_TRIM,
  SCREEN_FACTOR,
  screenedTTest,
  trimmedMeanTest,
  type ScreenedTResult,
  type TrimmedMeanResult
} from './trimmed.js'
export { holm, lookAlphas, type AlphaSpending } from './multiple.js'
export { decidedAtLook, lookAlpha, sequentialP, type LookRule } from './sequential.js'
export { classify, type Verdict, type VerdictInput } from './verdict.js'
