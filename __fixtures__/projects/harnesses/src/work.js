// The code under test: both bench files measure it.
export const ITERATIONS = 2000

export function busyWork() {
  let sum = 0
  for (let i = 0; i < ITERATIONS; i++) sum += Math.sqrt(i)
  return sum
}
