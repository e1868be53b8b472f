// A bench whose time goes to one named helper two calls below it (profiled-trial tests).
import { bench } from 'perfgate'

function hotHelper(n) {
  let s = 0
  for (let i = 0; i < n; i++) s += Math.sqrt(i)
  return s
}

function middleStep(n) {
  return hotHelper(n) + 1
}

bench('hot', () => middleStep(5000))
