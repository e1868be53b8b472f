// Writes schema/perfgate.schema.json from src/config/schema.ts (npm run schema).
import { writeFileSync } from 'node:fs'
import { CONFIG_SCHEMA } from '../src/config/schema.js'

writeFileSync(
  new URL('../schema/perfgate.schema.json', import.meta.url),
  JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n'
)
