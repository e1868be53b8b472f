// The amount of work per call; tests edit this line to plant a slowdown.
export const ITERATIONS = 20000

export function work() {
  let x = 0
  for (let i = 0; i < ITERATIONS; i++) x = (x * 31 + i) % 1000003
  return x
}
