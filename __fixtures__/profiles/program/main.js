// Runs handle() OPS times and writes how many operations ran to OPS_FILE.
const { writeFileSync } = require('node:fs')
const { handle } = require('./work.js')
const count = Number(process.env.OPS ?? 4000)
let ops = 0
let sink = 0
while (ops < count) {
  sink += handle(2000)
  ops++
}
writeFileSync(process.env.OPS_FILE, JSON.stringify({ ops, sink: sink > 0 }))
