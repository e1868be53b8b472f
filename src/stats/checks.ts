/**
 * Argument checks shared by the statistics functions. Bad input here is a programming
 * error in the caller (the measurement layer turns failed trials into data before they get
 * this far), so it throws a RangeError naming the argument.
 */

/** Throws unless every value is a finite number > 0 (times, rates: what a log needs). */
export function assertPositiveValues(name: string, values: readonly number[]): void {
  values.forEach((value, index) => {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`${name}[${index}] must be a finite number > 0, got ${value}`)
    }
  })
}

/** Throws unless every value is a finite number. */
export function assertFiniteValues(name: string, values: readonly number[]): void {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) {
      throw new RangeError(`${name}[${index}] must be a finite number, got ${value}`)
    }
  })
}

/** Throws unless 0 < level < 1 (a confidence level or a significance level). */
export function assertLevel(name: string, level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`${name} must be strictly between 0 and 1, got ${level}`)
  }
}
