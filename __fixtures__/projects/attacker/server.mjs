// An HTTP server under test that first scans /proc like the rest of the "pull request code".
import { createServer } from 'node:http'
import { scan } from './scan.mjs'

scan('server')
createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')
