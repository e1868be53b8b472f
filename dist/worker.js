import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { q as quantileSorted } from './chunk-quantile.js';
import { b as benchRegistry } from './chunk-registry.js';

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
function isThenable(value) {
    return ((typeof value === 'object' || typeof value === 'function') &&
        value !== null &&
        typeof value.then === 'function');
}
const gc = globalThis.gc;
/** Measures one function for one trial. Setup and teardown run around it. */
async function measureFunction(fn, benchOptions, options) {
    const minBatchNs = options.minBatchNs ?? DEFAULT_MIN_BATCH_NS;
    const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
    const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
    await benchOptions.setup?.();
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
        await options.aroundSampling?.start();
        const heapBefore = process.memoryUsage().heapUsed;
        const gcEntries = [];
        const observer = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()));
        observer.observe({ entryTypes: ['gc'] });
        const perOpNs = new Float64Array(Math.min(maxSamples, 1 << 16));
        let samples = perOpNs;
        let count = 0;
        let totalNs = 0;
        const end = performance.now() + options.timeMs;
        while ((performance.now() < end || count < minSamples) && count < maxSamples) {
            const elapsed = await batch(batchSize);
            if (count === samples.length) {
                const grown = new Float64Array(Math.min(maxSamples, samples.length * 2));
                grown.set(samples);
                samples = grown;
            }
            samples[count++] = elapsed / batchSize;
            totalNs += elapsed;
        }
        await options.aroundSampling?.stop();
        // GC entries arrive asynchronously: let the observer flush before reading them.
        await new Promise((resolve) => setTimeout(resolve, 0));
        gcEntries.push(...observer.takeRecords());
        observer.disconnect();
        gc?.();
        const heap = process.memoryUsage().heapUsed - heapBefore;
        const sorted = samples.subarray(0, count).sort();
        const meanNs = totalNs / (count * batchSize);
        return {
            p50: quantileSorted(sorted, 0.5) / 1e6,
            p95: quantileSorted(sorted, 0.95) / 1e6,
            p99: quantileSorted(sorted, 0.99) / 1e6,
            max: sorted[count - 1] / 1e6,
            mean: meanNs / 1e6,
            ops: 1e9 / meanNs,
            heap,
            gcCount: gcEntries.length,
            gcTime: gcEntries.reduce((sum, entry) => sum + entry.duration, 0),
            samples: count,
            batchSize,
            async: isAsync
        };
    }
    finally {
        await benchOptions.teardown?.();
    }
}

function isRunRequest(value) {
    return typeof value === 'object' && value !== null && value.type === 'run';
}

/**
 * Entry of a function worker process: one process per trial. It maps the bare specifier
 * 'perfgate' to the running perfgate's API (so base and head are measured by the same
 * harness), imports the bench file, measures the chosen bench and replies over IPC.
 */
function reply(message) {
    return new Promise((resolve) => {
        if (!process.send)
            return resolve();
        process.send(message, undefined, {}, () => resolve());
    });
}
function toError(value) {
    return value instanceof Error ? value : new Error(String(value));
}
/** A resolve hook (Node module customization hooks) sending 'perfgate' to our API. */
function registerPerfgateResolver(apiUrl) {
    const hooks = `
    export async function resolve(specifier, context, next) {
      // Handing the URL on (rather than short-circuiting) lets a TS loader see it too.
      return next(specifier === 'perfgate' ? ${JSON.stringify(apiUrl)} : specifier, context)
    }`;
    register('data:text/javascript,' + encodeURIComponent(hooks));
}
function pickBench(request) {
    const registry = benchRegistry();
    const names = [...registry.keys()];
    const wanted = request.bench ?? request.benchmarkName;
    const found = registry.get(wanted);
    if (found)
        return found;
    if (request.bench === undefined && registry.size === 1)
        return registry.values().next().value;
    if (registry.size === 0) {
        throw new Error(`${request.file} registers no bench; expected a call such as bench('name', () => work()) ` +
            `with bench imported from 'perfgate'`);
    }
    throw new Error(`${request.file} registers ${names.map((n) => JSON.stringify(n)).join(', ')}, none named ` +
        `${JSON.stringify(wanted)}; set function.bench in perfgate.yml to one of them`);
}
/** Sampling interval of a profiled trial (µs): finer than V8's 1 ms default. */
const PROFILE_INTERVAL_US = 100;
/** V8's CPU profiler through the inspector, in this process, around the sampling phase. */
function cpuProfiler(file) {
    const session = new Session();
    const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
    let cpu;
    return {
        async start() {
            session.connect();
            await post('Profiler.enable');
            await post('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
            await post('Profiler.start');
            cpu = process.cpuUsage();
        },
        async stop() {
            const used = process.cpuUsage(cpu);
            const { profile } = (await post('Profiler.stop'));
            session.disconnect();
            await writeFile(file, JSON.stringify(profile));
            // The kernel's CPU time of the profiled phase (µs), beside the profile.
            await writeFile(`${file}.cpu`, String(used.user + used.system));
        }
    };
}
async function run(request) {
    registerPerfgateResolver(request.apiUrl);
    await import(pathToFileURL(request.file).href);
    const bench = pickBench(request);
    const measurement = await measureFunction(bench.fn, bench.options, {
        timeMs: request.timeMs,
        warmupMs: request.warmupMs,
        ...(request.profileFile ? { aroundSampling: cpuProfiler(request.profileFile) } : {})
    });
    await reply({ type: 'result', measurement });
}
process.once('message', (message) => {
    if (!isRunRequest(message)) {
        void reply({ type: 'error', message: 'perfgate worker: unexpected message' }).then(() => process.exit(2));
        return;
    }
    run(message).then(() => process.exit(0), async (thrown) => {
        const error = toError(thrown);
        await reply({ type: 'error', message: error.message, stack: error.stack });
        process.exit(1);
    });
});
