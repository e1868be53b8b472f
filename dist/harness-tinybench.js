import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { s as strict, b as HarnessError, a as sortOptions, T as TINYBENCH_OPTIONS, H as HONOURED, r as registerHarnessBench, d as inOrder, e as aroundEachCall, i as ignored } from './chunk-register.js';
import './chunk-registry.js';

/** tinybench's task (fn) options. */
const TASK_OPTIONS = {
    beforeAll: HONOURED,
    afterAll: HONOURED,
    beforeEach: HONOURED,
    afterEach: HONOURED,
    async: ignored('perfgate tells an async function by the promise it returns'),
    signal: TINYBENCH_OPTIONS.signal,
    retainSamples: TINYBENCH_OPTIONS.retainSamples
};
function hookOf(hook, self, ...args) {
    return typeof hook === 'function' ? () => hook.call(self, ...args) : undefined;
}
/** A task as a file sees it: never run by tinybench here, so no result. */
class Task {
    name;
    bench;
    fn;
    opts;
    runs = 0;
    result = { state: 'not-started' };
    constructor(bench, name, fn, opts) {
        this.bench = bench;
        this.name = name;
        this.fn = fn;
        this.opts = opts;
    }
    addEventListener() { }
    removeEventListener() { }
    reset() { }
}
class Bench {
    name;
    opts;
    concurrency = null;
    threshold = Number.POSITIVE_INFINITY;
    _tasks = new Map();
    _registered = new Map();
    constructor(options = {}) {
        this.opts = { ...options };
        this.name = typeof options.name === 'string' ? options.name : undefined;
        return strict(this, 'tinybench bench');
    }
    add(name, fn, fnOptions = {}) {
        const call = `tinybench bench.add(${JSON.stringify(name)}, …)`;
        if (typeof name !== 'string')
            throw new HarnessError(`${call}: expected a name (string)`);
        const task = new Task(this, name, fn, fnOptions);
        const benchLevel = sortOptions('tinybench Bench options', this.opts, TINYBENCH_OPTIONS);
        const taskLevel = sortOptions(`tinybench task ${JSON.stringify(name)} options`, fnOptions, TASK_OPTIONS);
        const perCall = fnOptions.beforeEach || fnOptions.afterEach
            ? ['tinybench beforeEach/afterEach run with every call, inside the timed batch']
            : [];
        const registered = registerHarnessBench({
            harness: 'tinybench',
            path: [this.name, name],
            fn: aroundEachCall(typeof fn === 'function' ? () => fn.call(task) : fn, hookOf(fnOptions.beforeEach, task), hookOf(fnOptions.afterEach, task)),
            setup: inOrder([
                hookOf(this.opts.setup, this, task, 'run'),
                hookOf(fnOptions.beforeAll, task)
            ]),
            teardown: inOrder([
                hookOf(fnOptions.afterAll, task),
                hookOf(this.opts.teardown, this, task, 'run')
            ]),
            notes: [...benchLevel.notes, ...taskLevel.notes, ...perCall],
            ...(benchLevel.timeMs !== undefined ? { timeMs: benchLevel.timeMs } : {}),
            ...(benchLevel.warmupMs !== undefined ? { warmupMs: benchLevel.warmupMs } : {})
        }, call);
        this._tasks.set(name, task);
        this._registered.set(name, registered);
        return this;
    }
    get tasks() {
        return [...this._tasks.values()];
    }
    get results() {
        return this.tasks.map((task) => task.result);
    }
    getTask(name) {
        return this._tasks.get(name);
    }
    /** Measurement is perfgate's: the tasks come back unmeasured. */
    run() {
        return Promise.resolve(this.tasks);
    }
    runSync() {
        return this.tasks;
    }
    /** No results to tabulate: an empty table. */
    table() {
        return [];
    }
    reset() { }
    addEventListener() { }
    removeEventListener() { }
    dispatchEvent() {
        return true;
    }
}
/** Clock helpers tinybench exports, for files that time something themselves. */
const now = () => performance.now();
const hrtimeNow = () => Number(process.hrtime.bigint()) / 1e6;
const nToMs = (ns) => ns / 1e6;
const mToNs = (ms) => ms * 1e6;

export { Bench, Task, hrtimeNow, mToNs, nToMs, now };
