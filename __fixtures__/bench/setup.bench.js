// setup and teardown run once per trial, around warm-up and sampling.
import { appendFileSync } from 'node:fs'
import { bench } from 'perfgate'

let data = []
bench('with setup', () => data.length, {
  setup: () => {
    data = [1, 2, 3]
    appendFileSync(process.env.PERFGATE_TEST_LOG, 'setup\n')
  },
  teardown: () => appendFileSync(process.env.PERFGATE_TEST_LOG, 'teardown\n')
})
