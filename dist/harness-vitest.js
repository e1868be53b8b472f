import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { s as strict, j as joinName, a as sortOptions, T as TINYBENCH_OPTIONS, r as registerHarnessBench, d as inOrder, c as isThenable, b as HarnessError } from './chunk-register.js';
import './chunk-registry.js';

const newBlock = (name, parent) => ({
    name,
    parent,
    beforeAll: [],
    afterAll: [],
    beforeEach: [],
    afterEach: []
});
let current = newBlock(undefined, undefined);
function chain(block) {
    const blocks = [];
    for (let b = block; b; b = b.parent)
        blocks.unshift(b);
    return blocks;
}
const nameOf = (name) => typeof name === 'string' ? name : typeof name === 'function' ? name.name : String(name);
function register(nameArg, fn, options = {}, only = false) {
    const name = nameOf(nameArg);
    const call = `vitest bench(${JSON.stringify(name)}, …)`;
    const blocks = chain(current);
    const fullName = joinName([...blocks.map((block) => block.name), name]);
    const sorted = sortOptions(`vitest bench ${JSON.stringify(fullName)} options`, options, TINYBENCH_OPTIONS);
    // Hooks are read when a trial starts: by then the file has registered all of them.
    const cleanups = [];
    const runAndKeepCleanup = (hook) => async () => {
        const cleanup = await hook();
        if (typeof cleanup === 'function')
            cleanups.unshift(cleanup);
    };
    const setup = async () => {
        for (const block of blocks)
            for (const hook of block.beforeAll)
                await runAndKeepCleanup(hook)();
        for (const block of blocks)
            for (const hook of block.beforeEach)
                await runAndKeepCleanup(hook)();
        await options.setup?.(undefined, 'run');
    };
    const teardown = async () => {
        await options.teardown?.(undefined, 'run');
        const inner = [...blocks].reverse();
        for (const block of inner)
            for (const hook of block.afterEach)
                await hook();
        for (const cleanup of cleanups.splice(0))
            await cleanup();
        for (const block of inner)
            for (const hook of block.afterAll)
                await hook();
    };
    registerHarnessBench({
        harness: 'vitest',
        path: [...blocks.map((block) => block.name), name],
        fn: fn,
        setup: inOrder([setup]),
        teardown: inOrder([teardown]),
        notes: [
            ...sorted.notes,
            ...(only
                ? [
                    `vitest bench.only(${JSON.stringify(name)}): only ignored, every benchmark in perfgate.yml runs`
                ]
                : [])
        ],
        ...(sorted.timeMs !== undefined ? { timeMs: sorted.timeMs } : {}),
        ...(sorted.warmupMs !== undefined ? { warmupMs: sorted.warmupMs } : {})
    }, call);
}
const skipped = () => undefined;
function benchApi() {
    const api = Object.assign((name, fn, options) => register(name, fn, options), {
        skip: skipped,
        todo: skipped,
        only: (name, fn, options) => register(name, fn, options, true),
        skipIf: (condition) => (condition ? skipped : bench),
        runIf: (condition) => (condition ? bench : skipped)
    });
    return strict(api, 'vitest bench');
}
const bench = benchApi();
function collect(name, fn) {
    const label = nameOf(name);
    if (fn === undefined)
        return;
    const parent = current;
    current = newBlock(label, parent);
    try {
        const result = fn();
        if (isThenable(result)) {
            throw new HarnessError(`vitest describe(${JSON.stringify(label)}, async …): perfgate collects describe blocks ` +
                `synchronously; register the benches without awaiting inside describe`);
        }
    }
    finally {
        current = parent;
    }
}
const skippedBlock = () => undefined;
function describeApi() {
    const api = Object.assign((name, fn) => collect(name, fn), {
        skip: skippedBlock,
        todo: skippedBlock,
        only: (name, fn) => collect(name, fn),
        sequential: (name, fn) => collect(name, fn),
        skipIf: (condition) => (condition ? skippedBlock : describe),
        runIf: (condition) => (condition ? describe : skippedBlock)
    });
    return strict(api, 'vitest describe');
}
const describe = describeApi();
const suite = describe;
function beforeAll(hook) {
    current.beforeAll.push(hook);
}
function afterAll(hook) {
    current.afterAll.push(hook);
}
function beforeEach(hook) {
    current.beforeEach.push(hook);
}
function afterEach(hook) {
    current.afterEach.push(hook);
}

export { afterAll, afterEach, beforeAll, beforeEach, bench, describe, suite };
