import { bench } from 'perfgate'
import { work } from '../src/work.js'

bench('busy work', work)
