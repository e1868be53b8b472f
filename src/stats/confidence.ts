/**
 * The confidence level of every interval perfgate computes and reports (comparison
 * intervals, budget intervals), and the default of the interval functions. The report
 * derives its "95 %" labels from it.
 */
export const CONFIDENCE_LEVEL = 0.95
