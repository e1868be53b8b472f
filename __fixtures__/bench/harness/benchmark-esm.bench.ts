// A file written for Benchmark.js as an ES module in TypeScript.
import Benchmark from 'benchmark'

new Benchmark.Suite('parse')
  .add('JSON.parse', () => JSON.parse('{"a":1,"b":[1,2,3]}'), { maxTime: 2 })
  .run()
