import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { s as strict, a as sortOptions, r as registerHarnessBench, H as HONOURED, b as HarnessError, i as ignored } from './chunk-register.js';
import './chunk-registry.js';

const SAMPLING = 'perfgate sizes its own batches and samples for function.time';
const EVENTS = 'perfgate reports results itself; event callbacks are not called';
/** Benchmark.js options and what perfgate makes of them. */
const OPTIONS = {
    name: HONOURED,
    fn: HONOURED,
    defer: HONOURED,
    setup: HONOURED,
    teardown: HONOURED,
    id: HONOURED,
    maxTime: { use: 'time', msPerUnit: 1000 },
    minTime: ignored(SAMPLING),
    minSamples: ignored(SAMPLING),
    initCount: ignored(SAMPLING),
    delay: ignored(SAMPLING),
    async: ignored('perfgate runs every trial in a process of its own'),
    queued: ignored('perfgate runs every trial in a process of its own'),
    onStart: ignored(EVENTS),
    onCycle: ignored(EVENTS),
    onComplete: ignored(EVENTS),
    onError: ignored(EVENTS),
    onAbort: ignored(EVENTS),
    onReset: ignored(EVENTS)
};
/** Benchmark.js's argument forms: (name, fn, options), (name, options), (fn, options), (options). */
function normalize(args) {
    const [a, b, c] = args;
    if (typeof a === 'string' && typeof b === 'object' && b !== null)
        return { ...b, name: a };
    if (typeof a === 'string')
        return { ...c, name: a, fn: b };
    if (typeof a === 'function')
        return { ...b, fn: a };
    return { ...a };
}
function hook(value, self, call, which) {
    if (value === undefined)
        return undefined;
    if (typeof value !== 'function') {
        throw new HarnessError(`${call}: ${which} as a string of code is not supported by perfgate; pass a function`);
    }
    return () => value.call(self);
}
function measured(options, self, call) {
    const fn = options.fn;
    if (typeof fn !== 'function') {
        throw new HarnessError(`${call}: ${typeof fn === 'string' ? 'a string of code' : 'no function'} to benchmark; perfgate runs functions`);
    }
    if (!options.defer)
        return () => fn.call(self);
    // A deferred benchmark ends when it calls deferred.resolve(): perfgate awaits that.
    return () => new Promise((resolve) => {
        fn.call(self, { resolve, benchmark: self });
    });
}
function register(options, suite, self, what) {
    const name = options.name;
    const call = `Benchmark.js ${what}(${JSON.stringify(name ?? '')}, …)`;
    const sorted = sortOptions(`Benchmark.js ${JSON.stringify(name ?? '')} options`, options, OPTIONS);
    const notes = [...sorted.notes];
    if (options.setup !== undefined || options.teardown !== undefined) {
        notes.push('Benchmark.js setup/teardown run once per trial as functions (Benchmark.js compiles them into each cycle): variables they declare are not visible to fn');
    }
    registerHarnessBench({
        harness: 'benchmark.js',
        path: [suite, name],
        fn: measured(options, self, call),
        setup: hook(options.setup, self, call, 'setup'),
        teardown: hook(options.teardown, self, call, 'teardown'),
        notes,
        ...(sorted.timeMs !== undefined ? { timeMs: sorted.timeMs } : {})
    }, call);
}
/** A suite: its benchmarks become perfgate's; events and run() do nothing. */
class Suite {
    name;
    _benchmarks = [];
    constructor(name, options) {
        this.name = typeof name === 'string' ? name : (name?.name ?? options?.name);
        return strict(this, 'Benchmark.js suite');
    }
    get length() {
        return this._benchmarks.length;
    }
    add(...args) {
        const options = normalize(args);
        register(options, this.name, this, 'suite.add');
        this._benchmarks.push({ name: options.name });
        return this;
    }
    on() {
        return this;
    }
    off() {
        return this;
    }
    emit() {
        return this;
    }
    run() {
        return this;
    }
    abort() {
        return this;
    }
    reset() {
        return this;
    }
    forEach(fn) {
        this._benchmarks.forEach(fn);
        return this;
    }
    map(fn) {
        return this._benchmarks.map(fn);
    }
    filter() {
        return this;
    }
    toArray() {
        return [...this._benchmarks];
    }
}
/** `new Benchmark(name, fn, options)`: one benchmark, registered as it is made. */
function BenchmarkShim(...args) {
    const options = normalize(args);
    const self = {
        name: options.name,
        run: () => self,
        on: () => self,
        off: () => self,
        abort: () => self,
        reset: () => self
    };
    register(options, undefined, self, 'new Benchmark');
    return strict(self, 'Benchmark.js benchmark');
}
const Benchmark = strict(Object.assign(BenchmarkShim, {
    Suite,
    options: {},
    version: '2.1.4',
    platform: { description: `Node.js ${process.version}` },
    support: {}
}), 'Benchmark');

export { Suite, Benchmark as default };
