import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { b as benchRegistry } from './chunk-registry.js';
import { s as strict, b as HarnessError, r as registerHarnessBench, j as joinName, c as isThenable } from './chunk-register.js';

/** Names of the enclosing named groups. */
const groups = [];
function isGeneratorFunction(fn) {
    const kind = fn?.constructor?.name;
    return kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction';
}
/** The state a generator benchmark is handed: no parameters (args are not supported). */
const NO_ARGS_STATE = strict({ get: () => undefined }, 'mitata state');
/** A mitata benchmark: the chainable object `bench()` returns. */
class B {
    _name;
    f;
    constructor(name, f, group) {
        this._name = name;
        this.f = f;
        const call = `mitata bench(${JSON.stringify(name)}, …)`;
        if (typeof f !== 'function')
            throw new HarnessError(`${call}: expected a function`);
        if (isGeneratorFunction(f))
            this.#registerGenerator(group, call);
        else
            registerHarnessBench({ harness: 'mitata', path: [group, name], fn: f }, call);
        this._key = joinName([group, name]);
        this._group = group;
        return strict(this, 'mitata bench(…)');
    }
    _key;
    _group;
    /** Code before the generator's first `yield` sets up, the yielded function is measured. */
    #registerGenerator(group, call) {
        let generator;
        let measured = () => undefined;
        registerHarnessBench({
            harness: 'mitata',
            path: [group, this._name],
            fn: () => measured(),
            setup: async () => {
                generator = this.f(NO_ARGS_STATE);
                const first = await generator.next();
                if (typeof first.value !== 'function') {
                    throw new HarnessError(`${call}: the generator must yield the function to measure; perfgate does not ` +
                        `run computed parameters ({ [0]() {…}, bench() {…} })`);
                }
                measured = first.value;
            },
            teardown: async () => {
                await generator?.next();
                await generator?.return(undefined);
            }
        }, call);
    }
    /** Renames the benchmark (mitata's `.name(n)`). */
    name(name) {
        const registry = benchRegistry();
        const entry = registry.get(this._key);
        if (entry) {
            registry.delete(this._key);
            const key = joinName([this._group, name]);
            registry.set(key, { ...entry, name: key });
            this._key = key;
        }
        this._name = name;
        return this;
    }
    // Presentation and GC settings of mitata's own run: nothing for perfgate to do.
    gc() {
        return this;
    }
    highlight() {
        return this;
    }
    compact() {
        return this;
    }
    baseline() {
        return this;
    }
    args() {
        throw new HarnessError(`mitata bench(${JSON.stringify(this._name)}).args/range/dense_range: perfgate does not run ` +
            `parametrized benchmarks; register one bench per value instead`);
    }
    range() {
        return this.args();
    }
    dense_range() {
        return this.args();
    }
}
function bench(nameOrFn, fn) {
    if (typeof nameOrFn === 'function')
        return new B(nameOrFn.name || 'anonymous', nameOrFn, groups.at(-1) ?? null);
    return new B(nameOrFn, fn, groups.at(-1) ?? null);
}
/** Runs a collection's callback with `name` (or the enclosing group's) as the group. */
function within(name, f) {
    if (typeof f !== 'function')
        throw new HarnessError('mitata group/summary/barplot: expected a callback');
    groups.push(name ?? groups.at(-1) ?? null);
    let result;
    try {
        result = f();
    }
    catch (error) {
        groups.pop();
        throw error;
    }
    if (!isThenable(result)) {
        groups.pop();
        return undefined;
    }
    return Promise.resolve(result).then(() => void groups.pop(), (error) => {
        groups.pop();
        throw error;
    });
}
function group(nameOrFn, f) {
    return typeof nameOrFn === 'function' ? within(null, nameOrFn) : within(nameOrFn, f);
}
const summary = (f) => within(undefined, f);
const barplot = summary;
const boxplot = summary;
const lineplot = summary;
const compact = summary;
/** Measurement is perfgate's: nothing measured here. */
function run() {
    return Promise.resolve({ benchmarks: [], context: {} });
}
/** Keeps a value alive so the optimizer cannot drop the code that made it. */
let kept;
function do_not_optimize(value) {
    kept = value;
    return value;
}
function measure() {
    throw new HarnessError('mitata measure(): perfgate measures benchmarks itself; register them with bench()');
}
const flags = { compact: 1, baseline: 2 };

export { B, barplot, bench, boxplot, compact, do_not_optimize, flags, group, kept, lineplot, measure, run, summary };
