// A TypeScript bench in a CommonJS package: tsx compiles its imports to require().
// @ts-expect-error: outside perfgate's own package, 'perfgate' has no types to resolve here.
import { bench } from 'perfgate'

const values: number[] = Array.from({ length: 1000 }, (_, i) => i)

bench('sum', () => values.reduce((a, b) => a + b, 0))
