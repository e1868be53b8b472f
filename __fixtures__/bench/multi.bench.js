import { bench } from 'perfgate'

bench('join', () => ['a', 'b', 'c'].join('-'))
bench('concat', () => 'a' + '-' + 'b' + '-' + 'c')
