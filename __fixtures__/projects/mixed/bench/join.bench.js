import { bench } from 'perfgate'

bench('join strings', () => ['a', 'b', 'c'].join('-'))
