import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import Module, { register } from 'node:module';
import { getPriority } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';

/** Quantiles and the median (pure): one definition for trials, budgets and samples. */
/**
 * Quantile of sorted values by linear interpolation (Hyndman & Fan type 7, R's default).
 * https://doi.org/10.2307/2684934
 */
function quantileSorted(sorted, q) {
    const position = (sorted.length - 1) * q;
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    const low = sorted[lower];
    return low + (sorted[upper] - low) * (position - lower);
}
/** Median of unsorted values (type 7 at 0.5: the mean of the middle two for even counts). */
function median(values) {
    return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

/**
 * The timing engine that runs inside a function worker: calibrate a batch size so the
 * timer's own cost is negligible, warm up, then sample batches for a fixed time. Modelled
 * on mitata (batching, a sink the optimizer cannot remove); chosen over tinybench and
 * mitata by `npm run bench:harness` (figures in docs/PERFORMANCE.md).
 */
const DEFAULT_MIN_BATCH_NS = 100_000;
const DEFAULT_MIN_SAMPLES = 10;
const DEFAULT_MAX_SAMPLES = 1_000_000;
const MAX_BATCH = 1 << 30;
function syncBatch(fn) {
    return (n) => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < n; i++)
            fn();
        return Number(process.hrtime.bigint() - start);
    };
}
function asyncBatch(fn) {
    return async (n) => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < n; i++)
            await fn();
        return Number(process.hrtime.bigint() - start);
    };
}
/** Whether a benchmark's return value is a promise (or any thenable) to await. */
function isThenable(value) {
    return ((typeof value === 'object' || typeof value === 'function') &&
        value !== null &&
        typeof value.then === 'function');
}
const gc = globalThis.gc;
/**
 * Bytes the process holds for JavaScript: the V8 heap in use and `external` memory, which
 * includes every ArrayBuffer and Buffer (https://nodejs.org/api/process.html#processmemoryusage).
 * A leak of Buffers lives outside the heap: the heap alone shows none of it.
 */
function retainedBytes() {
    const usage = process.memoryUsage();
    return { heap: usage.heapUsed, memory: usage.heapUsed + usage.external };
}
/** Sets up, calibrates and warms `fn`; the caller samples, finishes and closes. */
async function prepareFunction(fn, benchOptions, options) {
    const minBatchNs = options.minBatchNs ?? DEFAULT_MIN_BATCH_NS;
    const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
    await benchOptions.setup?.();
    let closed = false;
    const close = async () => {
        if (closed)
            return;
        closed = true;
        await benchOptions.teardown?.();
    };
    try {
        // One probe call tells sync from async; an async fn is timed with await per call.
        const first = fn();
        const isAsync = isThenable(first);
        if (isAsync)
            await first;
        const batch = isAsync ? asyncBatch(fn) : syncBatch(fn);
        // Calibrate: grow the batch until it runs for minBatchNs three times in a row (a
        // single cold batch can be slow before the JIT kicks in), then keep adjusting during
        // warm-up as the code gets faster. Sampling uses one fixed batch size.
        let batchSize = 1;
        const grow = (elapsed) => {
            const factor = Math.ceil((minBatchNs / Math.max(elapsed, 1)) * 1.2);
            batchSize = Math.min(MAX_BATCH, batchSize * Math.min(Math.max(factor, 2), 1000));
        };
        for (let longEnough = 0; longEnough < 3 && batchSize < MAX_BATCH;) {
            const elapsed = await batch(batchSize);
            if (elapsed >= minBatchNs)
                longEnough++;
            else {
                longEnough = 0;
                grow(elapsed);
            }
        }
        const warmupEnd = performance.now() + options.warmupMs;
        while (performance.now() < warmupEnd) {
            const elapsed = await batch(batchSize);
            if (elapsed < minBatchNs && batchSize < MAX_BATCH)
                grow(elapsed);
        }
        gc?.();
        const before = retainedBytes();
        // GC from the first slice to the summary, also what V8 does between slices (work the
        // bench's own allocations caused, moved out of the timed batches by the pauses).
        const gcEntries = [];
        const observer = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()));
        let observing = false;
        let samples = new Float64Array(Math.min(maxSamples, 1 << 16));
        let count = 0;
        let totalNs = 0;
        return {
            async sample(ms, minBatches = 1) {
                if (!observing) {
                    observer.observe({ entryTypes: ['gc'] });
                    observing = true;
                }
                const end = performance.now() + ms;
                let taken = 0;
                while ((performance.now() < end || taken < minBatches) && count < maxSamples) {
                    const elapsed = await batch(batchSize);
                    if (count === samples.length) {
                        const grown = new Float64Array(Math.min(maxSamples, samples.length * 2));
                        grown.set(samples);
                        samples = grown;
                    }
                    samples[count++] = elapsed / batchSize;
                    totalNs += elapsed;
                    taken++;
                }
                return taken;
            },
            async finish() {
                // GC entries arrive asynchronously: let the observer flush before reading them.
                await new Promise((resolve) => setTimeout(resolve, 0));
                gcEntries.push(...observer.takeRecords());
                observer.disconnect();
                gc?.();
                const after = retainedBytes();
                // ru_maxrss: in KiB on Linux (libuv converts macOS's bytes to the same unit).
                const rss = process.resourceUsage().maxRSS * 1024;
                if (count === 0)
                    throw new Error('perfgate engine: finish() before any sample');
                const sorted = samples.subarray(0, count).sort();
                const meanNs = totalNs / (count * batchSize);
                return {
                    p50: quantileSorted(sorted, 0.5) / 1e6,
                    p95: quantileSorted(sorted, 0.95) / 1e6,
                    p99: quantileSorted(sorted, 0.99) / 1e6,
                    max: sorted[count - 1] / 1e6,
                    mean: meanNs / 1e6,
                    ops: 1e9 / meanNs,
                    heap: after.heap - before.heap,
                    memory: after.memory - before.memory,
                    rss,
                    gcCount: gcEntries.length,
                    gcTime: gcEntries.reduce((sum, entry) => sum + entry.duration, 0),
                    samples: count,
                    batchSize,
                    async: isAsync
                };
            },
            close
        };
    }
    catch (error) {
        await close();
        throw error;
    }
}
/** Measures one function for one trial. Setup and teardown run around it. */
async function measureFunction(fn, benchOptions, options) {
    const prepared = await prepareFunction(fn, benchOptions, options);
    try {
        await options.aroundSampling?.start();
        await prepared.sample(options.timeMs, options.minSamples ?? DEFAULT_MIN_SAMPLES);
        await options.aroundSampling?.stop();
        return await prepared.finish();
    }
    finally {
        await prepared.close();
    }
}

/** The import specifier of each harness. */
const HARNESS_SPECIFIERS = {
    vitest: 'vitest',
    tinybench: 'tinybench',
    mitata: 'mitata',
    'benchmark.js': 'benchmark'
};

/** `from 'x'`, `import 'x'`, `import('x')`, `require('x')`, with the imported names when given. */
const IMPORT = /(?:import\s*(?:([\w*\s{},$]+?)\s*from\s*)?|import\s*\(\s*|require\s*\(\s*)(['"])([^'"\n]+)\2/g;
/**
 * The harnesses `source` imports, perfgate's own included. vitest counts only when its
 * bench API is imported (a test file imports vitest too).
 */
function importedHarnesses(source) {
    const found = new Set();
    for (const match of source.matchAll(IMPORT)) {
        const names = match[1] ?? '';
        const specifier = match[3];
        if (specifier === 'perfgate')
            found.add('perfgate');
        for (const [harness, name] of Object.entries(HARNESS_SPECIFIERS)) {
            if (specifier !== name)
                continue;
            if (harness === 'vitest' && !/\bbench\b|\*/.test(names))
                continue;
            found.add(harness);
        }
    }
    return [...found];
}

/**
 * Inside a function worker: the imports of other harnesses ('vitest', 'tinybench',
 * 'mitata', 'benchmark') lead to perfgate's shims, so a file written for one of them runs
 * unchanged and its benchmarks register with perfgate. The shims are used even where the
 * project has the real package installed: vitest's bench() only works inside the vitest
 * runner, the others would time the code themselves, and base and head must be measured
 * by the same engine whatever each checkout has installed.
 */
/**
 * specifier → shim URL of the harnesses that count: the one the config names, else those
 * the file's own imports show. A file that reaches a harness only through another module
 * names it in the config (function.harness); a perfgate bench file pays nothing.
 */
function shimsFor(urls, only, source) {
    const wanted = only !== undefined && only !== 'auto' ? [only] : importedHarnesses(source);
    const map = new Map();
    for (const [harness, url] of Object.entries(urls)) {
        if (wanted.includes(harness))
            map.set(HARNESS_SPECIFIERS[harness], url);
    }
    return map;
}
/**
 * Makes `require(specifier)` give `modules`' value for each of its specifiers (Node 20's
 * module hooks do not see require): for bench files loaded as CommonJS.
 */
function requireTo(modules) {
    if (modules.size === 0)
        return;
    const internal = Module;
    const original = internal._load;
    internal._load = function load(request, parent, isMain) {
        return modules.has(request)
            ? modules.get(request)
            : original.call(this, request, parent, isMain);
    };
}
/**
 * Whether a bench file may run as CommonJS, its imports turned into require(): it calls
 * require itself, or it is TypeScript other than `.mts` (tsx compiles a `.ts` file outside
 * an ES-module package, and every `.cts` file, to CommonJS).
 */
function mayRequire(file, source) {
    return /\brequire\s*\(/.test(source) || /\.(?:c?ts|tsx)$/.test(file);
}
/**
 * Sends the harnesses' imports to the shims: a resolve hook for `import`, and a wrapper
 * of CommonJS's module loading for `require('benchmark')` (Node 20's hooks do not see
 * require; a shim is loaded ahead for that only when the file may run as CommonJS). Call
 * before importing the bench file.
 */
async function installHarnessShims(urls, only, source, file) {
    const shims = shimsFor(urls, only, source);
    if (shims.size === 0)
        return;
    const table = JSON.stringify(Object.fromEntries(shims));
    const hooks = `
    const shims = ${table}
    export async function resolve(specifier, context, next) {
      return next(Object.hasOwn(shims, specifier) ? shims[specifier] : specifier, context)
    }`;
    register('data:text/javascript,' + encodeURIComponent(hooks));
    if (!mayRequire(file, source))
        return;
    const loaded = new Map();
    for (const [specifier, url] of shims) {
        const namespace = (await import(url));
        // A CommonJS file gets what the package's module.exports would be.
        loaded.set(specifier, namespace.default ?? namespace);
    }
    requireTo(loaded);
}
/** What a file's import error means when it comes from a shim, else undefined. */
function explainImportError(error, file) {
    if (!(error instanceof Error))
        return undefined;
    if (error.name === 'PerfgateHarnessError')
        return `${file}: ${error.message}`;
    const missing = /The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(error.message);
    const harness = missing && Object.entries(HARNESS_SPECIFIERS).find(([, s]) => s === missing[1]);
    if (!missing || !harness)
        return undefined;
    return (`${file}: imports ${missing[2]} from '${missing[1]}', which perfgate does not run; ` +
        `perfgate runs ${harness[0]} files through its own ${harness[0]} support (see the README's ` +
        `function benchmarks), which has no ${missing[2]}`);
}
/** The benches that count for a benchmark: those of its harness when the config names one. */
function benchesOf(registry, harness) {
    if (harness === undefined || harness === 'auto')
        return new Map(registry);
    return new Map([...registry].filter(([, bench]) => (bench.harness ?? 'perfgate') === harness));
}

/**
 * What a function worker does for an instruction count, inside one process run under
 * callgrind: set up, call the bench, and mark the edges of counted windows with
 * `markWindow()` (callgrind dumps and zeroes its counters as the mark's native function is
 * entered: src/runners/instructions/valgrind.ts), so start-up, loading and setup are never
 * in a counted window and two processes' start-ups need not repeat. No timer reads, no
 * samples: a window holds the calls and nothing else.
 *
 * The windows, in order (WINDOWS of them; perfgate reads them from callgrind's dumps):
 * 1. start-up, loading, setup and the first call (not used);
 * 2. one call: the probe perfgate sizes the count from (it then sends the calls N);
 * 3. the wait for N, N calls of warm-up, a full garbage collection;
 * 4. N more calls of warm-up: the collection drops code the JIT compiled on the way (a
 *    loop's on-stack replacement), and the first calls after it compile the function
 *    anew (a 20k-iteration loop: 525 k instructions per call in this window, 380 k in
 *    every later one), so that compilation falls here, not in a counted window;
 * 5. then COUNTED_ROUNDS rounds of three windows: a young-generation collection (not
 *    used), nothing (the marks' own cost), and N counted calls. Per call = (median of the
 *    counted windows − median of the empty ones) / N: a window that a late compilation or
 *    a collection disturbs does not move the count. The young collection first makes
 *    every counted window start from an empty young generation, so its calls meet their
 *    scavenges at the same points every round and in every process: without it, a call
 *    that allocates a few MB (the example's CSV parser, N = 1) met one scavenge more or
 *    fewer depending on how full the space was, and A/A counts landed on several levels
 *    up to 2.7 % apart.
 */
/** Results land here so the optimizer cannot drop the call as dead code. */
let countSink;
/** The window that holds the probe call. */
const PROBE_WINDOW = 1;
/** The first window of the first round (an empty window, then one of N counted calls). */
const FIRST_ROUND_WINDOW = 4;
/**
 * Rounds of a young collection, an empty and a counted window: five, so that two
 * disturbed windows of either kind cannot move their median. Each counted window costs
 * ~1 s under callgrind, against the worker's start-up of 20–90 s.
 */
const COUNTED_ROUNDS = 5;
/** Windows per round: the young collection, the empty window, the counted one. */
const ROUND_WINDOWS = 3;
/** How many windows a count marks (see above); a bench that marks more is an error. */
const WINDOWS = FIRST_ROUND_WINDOW + ROUND_WINDOWS * COUNTED_ROUNDS;
/** The empty and the counted window of round `round` (0-based), as window indices. */
function roundWindows(round) {
    const first = FIRST_ROUND_WINDOW + ROUND_WINDOWS * round;
    return { empty: first + 1, counted: first + 2 };
}
/**
 * Ends a counted window and starts the next: `os.getPriority()`, a native function a bench
 * has no reason to call, whose entry callgrind dumps before (WINDOW_MARK in valgrind.ts).
 */
function markWindow() {
    getPriority();
}
/**
 * A full collection before the counted windows (the worker runs with `--expose-gc`): the
 * wait for N is longer or shorter, and whatever idle time started must not spill into the
 * count; every count starts from the same collected heap.
 */
function collectGarbage() {
    globalThis.gc?.();
}
/** A young-generation collection (a scavenge: the optimized code stays). */
function collectYoung() {
    globalThis.gc?.({ type: 'minor' });
}
/**
 * Calls `fn` in the windows above; `callsToCount` reports the probe and resolves with the
 * calls N perfgate chose. Returns N.
 */
async function callBench(fn, benchOptions, callsToCount) {
    await benchOptions.setup?.();
    try {
        // The first call tells sync from async, as the timing engine does.
        const first = fn();
        const isAsync = isThenable(first);
        if (isAsync)
            await first;
        const call = isAsync
            ? async (n) => {
                for (let i = 0; i < n; i++)
                    countSink = await fn();
            }
            : (n) => {
                for (let i = 0; i < n; i++)
                    countSink = fn();
            };
        markWindow();
        await call(1);
        markWindow();
        const calls = await callsToCount();
        await call(calls);
        collectGarbage();
        markWindow();
        await call(calls);
        markWindow();
        for (let round = 0; round < COUNTED_ROUNDS; round++) {
            collectYoung();
            markWindow();
            markWindow();
            await call(calls);
            markWindow();
        }
        return calls;
    }
    finally {
        await benchOptions.teardown?.();
    }
}

export { COUNTED_ROUNDS as C, DEFAULT_MIN_SAMPLES as D, PROBE_WINDOW as P, WINDOWS as W, measureFunction as a, benchesOf as b, callBench as c, installHarnessShims as d, explainImportError as e, mayRequire as f, roundWindows as g, importedHarnesses as i, median as m, prepareFunction as p, quantileSorted as q, requireTo as r, shimsFor as s };
