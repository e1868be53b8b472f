import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { b as benchRegistry } from './chunk-registry.js';

/**
 * What the harness shims share: a benchmark found in a file written for vitest bench,
 * tinybench, mitata or Benchmark.js becomes an entry of perfgate's bench registry, with
 * its hooks and notes on the harness options perfgate honours or ignores; a call perfgate
 * does not understand becomes an error that names it.
 */
/** Between a group's (describe, group, named Bench or Suite) name and a bench's name. */
const NAME_SEPARATOR = ' › ';
/** An error in a bench file's use of a harness; the worker names the file in front. */
class HarnessError extends Error {
    constructor(message) {
        super(message);
        this.name = 'PerfgateHarnessError';
    }
}
function joinName(path) {
    return path
        .filter((part) => typeof part === 'string' && part !== '')
        .join(NAME_SEPARATOR);
}
/**
 * Registers a harness's benchmark under its full name; `call` is how the file's call
 * reads in an error (e.g. `bench.add("parse", …)`). Returns the name.
 */
function registerHarnessBench(bench, call) {
    const name = joinName(bench.path);
    if (name === '')
        throw new HarnessError(`${call}: perfgate needs a name for every benchmark`);
    if (typeof bench.fn !== 'function') {
        throw new HarnessError(`${call}: expected a function to benchmark, got ${typeof bench.fn}`);
    }
    const registry = benchRegistry();
    if (registry.has(name)) {
        throw new HarnessError(`${call}: a benchmark named ${JSON.stringify(name)} is already registered; perfgate ` +
            `needs unique names (group, describe and suite names prefix them: "group${NAME_SEPARATOR}name")`);
    }
    registry.set(name, {
        name,
        fn: bench.fn,
        options: { setup: bench.setup, teardown: bench.teardown },
        harness: bench.harness,
        notes: bench.notes ?? [],
        ...(bench.timeMs !== undefined ? { timeMs: bench.timeMs } : {}),
        ...(bench.warmupMs !== undefined ? { warmupMs: bench.warmupMs } : {})
    });
    return name;
}
function isThenable(value) {
    return ((typeof value === 'object' || typeof value === 'function') &&
        value !== null &&
        typeof value.then === 'function');
}
/** Hooks run one after the other, each awaited when it returns a promise. */
function inOrder(hooks) {
    const present = hooks.filter((hook) => typeof hook === 'function');
    if (present.length === 0)
        return undefined;
    return async () => {
        for (const hook of present)
            await hook();
    };
}
/**
 * `fn` with hooks around every call. perfgate times batches of calls, not single calls,
 * so per-call hooks run inside the timed batch (on both sides of an A/B alike).
 */
function aroundEachCall(fn, before, after) {
    if (!before && !after)
        return fn;
    const finish = (value) => {
        const done = after?.();
        return isThenable(done) ? Promise.resolve(done).then(() => value) : value;
    };
    const call = () => {
        const result = fn();
        return isThenable(result) ? Promise.resolve(result).then(finish) : finish(result);
    };
    return () => {
        const ready = before?.();
        return isThenable(ready) ? Promise.resolve(ready).then(call) : call();
    };
}
const HONOURED = { use: 'honoured' };
const ignored = (why) => ({ use: 'ignored', why });
const SAMPLING = ignored('perfgate sizes its own batches and samples for function.time');
const CLOCK = ignored('perfgate reads its own clock');
const ONE_AT_A_TIME = ignored('perfgate runs one call at a time');
/**
 * tinybench's Bench options and what perfgate makes of them; vitest's bench options are
 * tinybench's (2.x, a subset of these names).
 */
const TINYBENCH_OPTIONS = {
    name: HONOURED,
    setup: HONOURED,
    teardown: HONOURED,
    time: { use: 'time', msPerUnit: 1 },
    warmupTime: { use: 'warmup', msPerUnit: 1 },
    warmup: { use: 'warmup', msPerUnit: 1 },
    iterations: SAMPLING,
    warmupIterations: SAMPLING,
    now: CLOCK,
    timestampProvider: CLOCK,
    subtractTimerOverhead: ignored('perfgate batches calls so the clock costs under 0.1 %'),
    throws: ignored('a benchmark that throws always fails its trial in perfgate'),
    signal: ignored('perfgate stops a trial on its timeout'),
    concurrency: ONE_AT_A_TIME,
    threshold: ONE_AT_A_TIME,
    retainSamples: ignored('perfgate keeps its own samples')
};
/**
 * Sorts the options a file passed (`label` names where, e.g. "tinybench Bench options")
 * by what perfgate does with them: hooks are honoured, times go to perfgate.yml, the rest
 * is ignored with a note saying why.
 */
function sortOptions(label, options, uses) {
    if (typeof options !== 'object' || options === null)
        return { notes: [] };
    const notes = [];
    let timeMs;
    let warmupMs;
    for (const [key, value] of Object.entries(options)) {
        if (value === undefined)
            continue;
        const use = Object.hasOwn(uses, key) ? uses[key] : ignored('not a perfgate setting');
        if (use.use === 'ignored')
            notes.push(`${label}: ${key} ignored (${use.why})`);
        else if (use.use === 'time' && typeof value === 'number' && value > 0) {
            timeMs = value * use.msPerUnit;
        }
        else if (use.use === 'warmup') {
            if (value === false)
                warmupMs = 0;
            else if (typeof value === 'number' && value >= 0)
                warmupMs = value * use.msPerUnit;
        }
    }
    return {
        notes,
        ...(timeMs !== undefined ? { timeMs } : {}),
        ...(warmupMs !== undefined ? { warmupMs } : {})
    };
}
/** Property names any object answers (awaiting, printing, serializing it). */
const ALWAYS_READ = new Set(['then', 'toJSON', 'inspect', 'asymmetricMatch', '$$typeof']);
/**
 * `target` behind a proxy that turns a read of a property the shim lacks into an error
 * naming it, so `describe.each(...)` says what perfgate does not run instead of
 * "undefined is not a function".
 */
function strict(target, label) {
    return new Proxy(target, {
        get(object, key, receiver) {
            if (typeof key === 'string' && !(key in object) && !ALWAYS_READ.has(key)) {
                throw new HarnessError(`${label}.${key}: not something perfgate can run (it understands ${supported(object)})`);
            }
            return Reflect.get(object, key, receiver);
        }
    });
}
/** The public names of a shim object, for error messages. */
function supported(object) {
    const names = new Set();
    for (let o = object; o && o !== Object.prototype && o !== Function.prototype;) {
        for (const name of Object.getOwnPropertyNames(o)) {
            if (!name.startsWith('_') && !['constructor', 'length', 'name', 'prototype'].includes(name)) {
                names.add(name);
            }
        }
        o = Object.getPrototypeOf(o);
    }
    return [...names].sort().join(', ');
}

export { HONOURED as H, TINYBENCH_OPTIONS as T, sortOptions as a, HarnessError as b, isThenable as c, inOrder as d, aroundEachCall as e, ignored as i, joinName as j, registerHarnessBench as r, strict as s };
