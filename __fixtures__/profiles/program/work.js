// The profiled program of the recorded fixtures (see README.md beside this folder).
// SLOW scales the planted helper; EXTRA adds a step base does not have.
const { pad } = require('@acme/pad')

const SLOW = Number(process.env.SLOW ?? 1)
const EXTRA = process.env.EXTRA === '1'

function slowHelper(n) {
  let s = 0
  for (let i = 0; i < n * SLOW; i++) s += Math.sqrt(i)
  return s
}

function extraStep(n) {
  let s = 0
  for (let i = 0; i < n / 4; i++) s += i % 7
  return s
}

function middle(n) {
  return slowHelper(n) + pad(String(n), 12).length + (EXTRA ? extraStep(n) : 0)
}

function handle(n) {
  return middle(n) + Buffer.from(JSON.stringify({ n })).length
}

module.exports = { handle }
