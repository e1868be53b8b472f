import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
/** Quantiles and the median (pure): one definition for trials, budgets and samples. */
/**
 * Quantile of sorted values by linear interpolation (Hyndman & Fan type 7, R's default).
 * https://doi.org/10.2307/2684934
 */
function quantileSorted(sorted, q) {
    const position = (sorted.length - 1) * q;
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    const low = sorted[lower];
    return low + (sorted[upper] - low) * (position - lower);
}
/** Median of unsorted values (type 7 at 0.5: the mean of the middle two for even counts). */
function median(values) {
    return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

export { median as m, quantileSorted as q };
