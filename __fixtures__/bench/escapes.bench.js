// Throws an error whose message carries terminal control sequences.
import { bench } from 'perfgate'

bench('escapes', () => {
  throw new Error('bad \u001b[2J\u001b]0;owned\u0007 \r\u009b31m done')
})
