// A test file: it imports vitest but no bench, so perfgate init leaves it alone.
import { expect, it } from 'vitest'
import { busyWork } from './work.js'

it('works', () => expect(busyWork()).toBeGreaterThan(0))
