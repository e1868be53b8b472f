// expect belongs to vitest's test runner, not to bench files: the error names it.
import { bench, expect } from 'vitest'

bench('checked', () => expect(1).toBe(1))
