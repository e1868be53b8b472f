// Writes the names of the worker's environment variables to $ENV_DUMP.
import { writeFileSync } from 'node:fs'
import { bench } from 'perfgate'

writeFileSync(process.env.ENV_DUMP, Object.keys(process.env).join('\n'))

bench('env', () => {})
