import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { s as studentTQuantile, r as runBenchmarks, p as planLooks, H as HEADLINE_METRICS, m as metricLabel, D as DEFAULT_LOOKS, l as loadConfigFile, E as EXIT, R as RequestError, M as MAX_TRIALS, c as createProcessTrialRunner, a as sanitizeChildText, b as renderTextTable, f as formatPercent, d as formatDuration, e as metricsOf, g as METRICS, h as assertLevel, i as assertPositiveValues, j as studentTCdf, k as parseResults, n as ResultsError, o as formatMetric, q as openOutput, O as OutputError, t as gitSync, u as displayPath, V as VERSION, F as FAIL_ON_VALUES, B as BaseCheckoutError, C as ConfigError, v as readResultsFile, w as mergeShards, x as compareStored, y as parseShard, z as sharedSeed, A as configHash, G as readEnvironment, I as createProcessProfileRunner, J as withProfiles, K as profileSections, L as buildReport, N as serializeResults, P as renderTerminalReport, Q as renderTerminalVerdict, S as renderMarkdownReport, T as outcomeOf, U as parseDuration, W as MAX_DURATION_MS, X as installSignalCleanup, Y as cleanUpEverything } from './chunk-signals.js';
import { m as median } from './chunk-quantile.js';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import 'process';
import 'buffer';
import 'node:os';
import 'node:url';
import 'fs';
import 'os';
import 'net';
import 'path';
import 'url';
import 'child_process';
import 'util';
import 'tty';
import 'events';
import 'stream';
import 'http';
import 'https';
import 'crypto';
import 'tls';
import 'node:net';

/**
 * What an A/A run says about a machine (pure): the noise of paired log ratios, the
 * smallest change the A/B rule flags with 80 % power, and the pairs and threshold that
 * would let it decide. `perfgate calibrate` prints these.
 *
 * Power of the paired test on log ratios with standard deviation σ over n pairs, at a
 * two-sided level α' (the per-look, per-test level of the sequential rule: α / (K × m),
 * K planned looks, m gated tests in Holm's family): a true log-effect δ is significant with
 * probability ≈ P(T_{n−1} + δ√n/σ > t_{1−α'/2, n−1}), so power 1 − β needs
 *   δ ≥ (t_{1−α'/2, n−1} + t_{1−β, n−1}) σ / √n
 * (the t form of the normal-approximation sample size; Chow, Shao & Wang, "Sample Size
 * Calculations in Clinical Research", 2nd ed. 2008, §3.2.1, paired one-sample design).
 * perfgate also asks the estimate to be past the threshold T (log(1 + threshold)): with
 * significance reached at an estimate of t_{1−α'/2} σ/√n, the two together hold with
 * probability ≈ Φ((δ − max(T, t_{1−α'/2} σ/√n)) √n / σ), so the smallest change flagged at
 * power 1 − β is max(T, t_{1−α'/2} σ/√n) + t_{1−β} σ/√n.
 * "Unchanged" early needs the 1 − α/K interval inside ±T; for a true null that holds with
 * probability 1 − β once (t_{1−α/(2K)} + t_{1−β/2}) σ/√n ≤ T (two one-sided tests at zero
 * effect, the same book §3.2.3).
 */
/** The power calibrate reports figures at. */
const CALIBRATION_POWER = 0.8;
/** 1.4826 × MAD estimates σ of a normal distribution (Rousseeuw & Croux, JASA 88 (1993)). */
const MAD_SCALE = 1.4826;
/** The noise of paired values (base[i] with head[i]); pairs that are not ratios are skipped. */
function pairNoise(base, head) {
    const logs = [];
    for (let i = 0; i < Math.min(base.length, head.length); i++) {
        const b = base[i];
        const h = head[i];
        if (Number.isFinite(b) && Number.isFinite(h) && b > 0 && h > 0)
            logs.push(Math.log(h / b));
    }
    const n = logs.length;
    if (n < 2)
        return { n, meanLog: n ? logs[0] : NaN, sdLog: NaN, robustSdLog: NaN };
    const mean = logs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const center = median(logs);
    const mad = median(logs.map((x) => Math.abs(x - center)));
    return { n, meanLog: mean, sdLog: sd, robustSdLog: MAD_SCALE * mad };
}
function checkSd(sd) {
    if (!(sd >= 0) || !Number.isFinite(sd))
        throw new RangeError(`σ must be finite and ≥ 0: ${sd}`);
}
/** The per-look, per-test level of the sequential rule: α / (K × m). */
function testLevel(rule) {
    return rule.alpha / (Math.max(1, rule.looks) * Math.max(1, rule.familySize));
}
/**
 * The smallest change (as a fraction, 0.07 = +7 %) the A/B rule flags as a regression with
 * probability `power` at n pairs: significant at α / (K × m) and past the threshold.
 */
function detectableChange(sdLog, n, rule, power = CALIBRATION_POWER) {
    checkSd(sdLog);
    if (n < 2)
        return Infinity;
    const se = sdLog / Math.sqrt(n);
    const significantAt = studentTQuantile(1 - testLevel(rule) / 2, n - 1) * se;
    const edge = Math.max(Math.log(1 + rule.threshold), significantAt);
    return Math.exp(edge + studentTQuantile(power, n - 1) * se) - 1;
}
/** The largest pair count the searches below look at. */
const MAX_CALIBRATION_PAIRS = 10_000;
/** Smallest n ≥ 2 with f(n) true (f monotone), or undefined past MAX_CALIBRATION_PAIRS. */
function smallestPairs(ok) {
    if (ok(2))
        return 2;
    if (!ok(MAX_CALIBRATION_PAIRS))
        return undefined;
    let low = 2;
    let high = MAX_CALIBRATION_PAIRS;
    while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (ok(mid))
            high = mid;
        else
            low = mid;
    }
    return high;
}
/**
 * Pairs for the A/B rule to decide at the threshold: the test sees down to the threshold
 * (t_{1−α'/2} σ/√n ≤ T, so a change past it at that size is significant) and a true null is
 * shown "unchanged" at a look with probability `power` ((t_{1−α/(2K)} + t_{1−β/2}) σ/√n ≤ T).
 * undefined when over MAX_CALIBRATION_PAIRS would be needed.
 */
function pairsToDecide(sdLog, rule, power = CALIBRATION_POWER) {
    checkSd(sdLog);
    const band = Math.log(1 + rule.threshold);
    const level = testLevel(rule);
    const lookLevel = rule.alpha / Math.max(1, rule.looks);
    return smallestPairs((n) => {
        const se = sdLog / Math.sqrt(n);
        const sees = studentTQuantile(1 - level / 2, n - 1) * se <= band;
        const equivalent = (studentTQuantile(1 - lookLevel / 2, n - 1) + studentTQuantile(1 - (1 - power) / 2, n - 1)) *
            se <=
            band;
        return sees && equivalent;
    });
}
/**
 * The smallest threshold, in whole percent, the rule can decide at within n pairs (the
 * threshold at which pairsToDecide is n or fewer); undefined when n < 2.
 */
function thresholdFor(sdLog, n, rule, power = CALIBRATION_POWER) {
    checkSd(sdLog);
    if (n < 2)
        return undefined;
    const se = sdLog / Math.sqrt(n);
    const level = rule.alpha / (Math.max(1, rule.looks) * Math.max(1, rule.familySize));
    const lookLevel = rule.alpha / Math.max(1, rule.looks);
    const band = Math.max(studentTQuantile(1 - level / 2, n - 1) * se, (studentTQuantile(1 - lookLevel / 2, n - 1) + studentTQuantile(1 - (1 - power) / 2, n - 1)) * se);
    // Whole percent, rounded up; a tiny epsilon keeps exact values (e.g. 4 %) from rounding up.
    return Math.max(1, Math.ceil((Math.exp(band) - 1) * 100 - 1e-9)) / 100;
}

/**
 * The calibrate use case: A/A pairs of the configured benchmarks on this machine (the
 * committed HEAD in a worktree against the working tree, scheduled as an A/B), and from
 * them, per benchmark and metric, the noise, the smallest change the configured rule flags
 * at 80 % power, and the trials, threshold and trial length that would let it decide.
 */
/** Pairs per benchmark when --trials is not given: enough for σ within about ±16 %. */
const DEFAULT_CALIBRATION_PAIRS = 20;
/** The measured length of one trial of a benchmark, in ms (null: a command runs once). */
function trialLengthMs(benchmark) {
    const spec = benchmark.spec;
    return spec.kind === 'function' ? spec.timeMs : spec.kind === 'http' ? spec.load.durationMs : null;
}
/**
 * A suggested trial length: the current one unless start-up (a trial's wall time beyond
 * what it measures) is longer, then about the start-up time, rounded up (100 ms for
 * functions, 1 s for HTTP). A heuristic: noise from within a trial shrinks like
 * 1/√length at most, so the wall time to a given precision goes like
 * (start-up + length) / length — it falls steeply while the length is below the start-up
 * and flattens past it. Noise from trials slowed as a whole does not shrink with length at
 * all, so the suggestion never goes further than that.
 */
function suggestedLength(current, meanTrialMs) {
    if (current === null || !Number.isFinite(meanTrialMs))
        return current;
    const startup = meanTrialMs - current;
    if (startup <= current)
        return current;
    const step = current >= 1000 ? 1000 : 100;
    return Math.ceil(startup / step) * step;
}
function valuesOf(result, metric) {
    return result.trials.map((t) => t.metrics[metric] ?? NaN);
}
const nullable = (x) => (x === undefined || !Number.isFinite(x) ? null : x);
/** Figures of one benchmark's A/A pairs under the config's rule. */
function calibrateBenchmark(config, benchmark, head, base, familySize) {
    const looks = planLooks(benchmark.trials, config.compare.maxPairs, DEFAULT_LOOKS);
    const maxPairs = looks[looks.length - 1];
    const rule = {
        alpha: benchmark.compare.alpha,
        threshold: benchmark.compare.threshold,
        looks: looks.length,
        familySize
    };
    const length = trialLengthMs(benchmark);
    const configured = {
        trials: benchmark.trials,
        maxPairs,
        looks: looks.length,
        threshold: rule.threshold,
        alpha: rule.alpha,
        trialLengthMs: length
    };
    const pairs = Math.min(head.trials.length, base?.trials.length ?? 0);
    const durations = [...head.trials, ...(base?.trials ?? [])].map((t) => t.durationMs);
    const meanTrialMs = durations.reduce((s, x) => s + x, 0) / durations.length;
    const failed = head.state === 'errored' ? head : base?.state === 'errored' ? base : undefined;
    const none = { trials: null, maxPairs: null, wallMs: null, threshold: null, trialLengthMs: null };
    if (failed?.state === 'errored' || !base) {
        return {
            name: benchmark.name,
            kind: benchmark.kind,
            state: 'errored',
            error: failed?.state === 'errored'
                ? `${failed === head ? 'head' : 'base'}: ${failed.error.message}`
                : 'the committed HEAD does not have this benchmark',
            pairs,
            pairMs: 2 * meanTrialMs,
            configured,
            suggested: none,
            metrics: []
        };
    }
    const wanted = [...new Set([...benchmark.compare.gate, ...HEADLINE_METRICS[benchmark.kind]])];
    const metrics = [];
    for (const metric of wanted) {
        const noise = pairNoise(valuesOf(base, metric), valuesOf(head, metric));
        if (noise.n < 2)
            continue;
        metrics.push({
            metric,
            label: metricLabel(metric, benchmark.kind),
            gated: benchmark.compare.gate.includes(metric),
            pairs: noise.n,
            meanLog: noise.meanLog,
            sdLog: noise.sdLog,
            robustSdLog: noise.robustSdLog,
            detectable: detectableChange(noise.sdLog, maxPairs, rule),
            detectableRobust: detectableChange(noise.robustSdLog, maxPairs, rule),
            pairsToDecide: nullable(pairsToDecide(noise.sdLog, rule)),
            thresholdForPairs: nullable(thresholdFor(noise.sdLog, maxPairs, rule))
        });
    }
    // A benchmark's settings are set by its hardest gated metric.
    const gated = metrics.filter((m) => m.gated);
    const needed = gated.some((m) => m.pairsToDecide === null)
        ? undefined
        : gated.length > 0
            ? Math.max(...gated.map((m) => m.pairsToDecide))
            : undefined;
    const trials = needed === undefined ? null : Math.max(2, Math.ceil(needed / DEFAULT_LOOKS));
    const thresholds = gated.map((m) => m.thresholdForPairs);
    return {
        name: benchmark.name,
        kind: benchmark.kind,
        state: 'ok',
        pairs,
        pairMs: 2 * meanTrialMs,
        configured,
        suggested: {
            trials,
            maxPairs: trials === null ? null : trials * DEFAULT_LOOKS,
            wallMs: trials === null ? null : trials * DEFAULT_LOOKS * 2 * meanTrialMs,
            threshold: thresholds.length === 0 || thresholds.includes(null)
                ? null
                : Math.max(...thresholds),
            trialLengthMs: suggestedLength(length, meanTrialMs)
        },
        metrics
    };
}
/** Runs the A/A pairs and computes the figures. */
async function runCalibration(request, deps) {
    const { config } = request;
    const pairs = request.pairs ?? DEFAULT_CALIBRATION_PAIRS;
    // One look at `pairs`: every pair runs (no early stop), no time budget, nothing fails.
    const measured = {
        ...config,
        compare: {
            failOn: 'none',
            test: config.compare.test,
            maxPairs: pairs,
            maxTimeMs: config.compare.maxTimeMs
        }
    };
    const results = await runBenchmarks({
        config: measured,
        ...(request.filter ? { filter: request.filter } : {}),
        baseline: { kind: 'merge-base', ref: 'HEAD' },
        trials: pairs,
        seed: request.seed,
        setupHead: false
    }, deps);
    const familySize = config.benchmarks.reduce((sum, b) => sum + b.compare.gate.length, 0);
    const benchmarks = [];
    for (const head of results.benchmarks) {
        const benchmark = config.benchmarks.find((b) => b.name === head.name);
        const base = results.base?.benchmarks.find((b) => b.name === head.name);
        benchmarks.push(calibrateBenchmark(config, benchmark, head, base, familySize));
    }
    return {
        clean: results.environment.git?.dirty === false,
        commit: results.environment.git?.commit,
        pairs,
        power: CALIBRATION_POWER,
        familySize,
        benchmarks,
        results
    };
}

/**
 * `perfgate calibrate`: what perfgate can see on this machine. A/A pairs of the configured
 * benchmarks (the committed HEAD against the working tree), then per benchmark and metric
 * the noise, the smallest change the configured rule flags at 80 % power, and suggested
 * trials, threshold and trial length; a terminal table, or the same data as JSON.
 */
const CALIBRATE_USAGE = `  perfgate calibrate [--config perfgate.yml] [--filter <regex>] [--trials N] [--json]`;
const OPTIONS = {
    config: { type: 'string', short: 'c' },
    filter: { type: 'string' },
    trials: { type: 'string' },
    json: { type: 'boolean' }
};
function parse$1(args) {
    try {
        return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
    }
    catch (error) {
        throw new RequestError(error.message);
    }
}
function pairsFlag(text) {
    if (text === undefined)
        return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 2 || n > MAX_TRIALS) {
        throw new RequestError(`--trials: expected a whole number of A/A pairs from 2 to ${MAX_TRIALS}, got ${JSON.stringify(text)}`);
    }
    return n;
}
function filterFlag(text) {
    if (text === undefined)
        return undefined;
    try {
        return new RegExp(text);
    }
    catch (error) {
        throw new RequestError(`--filter: not a valid regular expression: ${error.message}`);
    }
}
const pct = (fraction) => `±${formatPercent(fraction)}`;
const change = (fraction) => Number.isFinite(fraction) ? `+${formatPercent(fraction)}` : 'never';
function suggestion(b) {
    const s = b.suggested;
    const parts = [];
    parts.push(s.trials === null
        ? 'trials: no gated metric can decide within 10000 pairs at this threshold'
        : `trials ${s.trials} (${b.configured.trials} now): up to ${s.maxPairs} pairs, ` +
            `about ${formatDuration(s.wallMs)} per A/B`);
    if (s.threshold !== null) {
        parts.push(`threshold ±${Math.round(s.threshold * 100)} % (±${Math.round(b.configured.threshold * 100)} % now) ` +
            `decides in the configured ${b.configured.maxPairs} pairs`);
    }
    if (s.trialLengthMs !== null) {
        const now = b.configured.trialLengthMs;
        parts.push(s.trialLengthMs === now
            ? `trial length ${formatDuration(now)} (keep)`
            : `trial length ${formatDuration(s.trialLengthMs)} (${formatDuration(now)} now: start-up outweighs it)`);
    }
    return `  ${sanitizeChildText(b.name)}: ${parts.join('; ')}`;
}
/** The terminal table of a calibration. */
function renderCalibration(c) {
    const commit = c.commit ? ` (${c.commit.slice(0, 7)})` : '';
    const lines = [
        `perfgate calibrate · A/A on this machine: HEAD${commit} against the working tree, ${c.pairs} pairs per benchmark`
    ];
    if (!c.clean) {
        lines.push('! The working tree has uncommitted changes: the two sides ran different code, so this is not an A/A. Commit or stash them and run again.');
    }
    lines.push(`Figures for the config's rule: ${Math.round(c.power * 100)} % power, Holm over ${c.familySize} gated test${c.familySize === 1 ? '' : 's'}, each benchmark's alpha, threshold, looks and most pairs.`, '');
    const rows = [];
    const failures = [];
    for (const b of c.benchmarks) {
        const name = sanitizeChildText(b.name);
        if (b.state === 'errored') {
            rows.push([name, 'ERRORED', String(b.pairs), '', '', '', '', '']);
            failures.push(`✗ ${name}: could not be measured on ${sanitizeChildText(b.error ?? '')}`);
            continue;
        }
        b.metrics.forEach((m, i) => {
            rows.push([
                i === 0 ? name : '',
                `${m.label}${m.gated ? ' *' : ''}`,
                String(m.pairs),
                pct(m.sdLog),
                pct(m.robustSdLog),
                change(m.detectable),
                m.pairsToDecide === null ? '> 10000' : String(m.pairsToDecide),
                m.thresholdForPairs === null ? '–' : `±${Math.round(m.thresholdForPairs * 100)} %`
            ]);
        });
    }
    lines.push(renderTextTable([
        'benchmark',
        'metric',
        'pairs',
        'noise (SD)',
        'robust',
        'flags (80 %)',
        'pairs to decide',
        'decides at'
    ], rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']), '');
    if (failures.length > 0)
        lines.push(...failures, '');
    const ok = c.benchmarks.filter((b) => b.state === 'ok');
    if (ok.length > 0) {
        lines.push('Suggested settings (from the gated metrics, * above):');
        for (const b of ok)
            lines.push(suggestion(b));
        lines.push('');
    }
    lines.push('noise: SD of the pairs’ log ratios (robust: 1.4826 × MAD, trials slowed as a whole set aside) · ' +
        'flags: the smallest change an A/B flags in 80 % of runs at the configured most pairs and threshold · ' +
        'pairs to decide: pairs for the test to see the threshold and for an unchanged benchmark to stop as unchanged · ' +
        'decides at: the smallest threshold the configured pairs decide. README, "perfgate calibrate".');
    return lines.join('\n') + '\n';
}
/** The --json form: the same data as the table, without the raw results. */
function calibrationJson(c) {
    const { results, ...data } = c;
    return (JSON.stringify({ ...data, seed: results.seed, environment: results.environment }, null, 2) +
        '\n');
}
/** `perfgate calibrate`; returns the exit code (3 when a benchmark could not be measured). */
async function commandCalibrate(args, io) {
    const values = parse$1(args);
    const pairs = pairsFlag(values.trials) ?? DEFAULT_CALIBRATION_PAIRS;
    const filter = filterFlag(values.filter);
    const config = loadConfigFile(io.cwd, values.config);
    const calibration = await runCalibration({ config, ...(filter ? { filter } : {}), pairs, seed: randomInt(2 ** 31) }, { runner: io.runner ?? createProcessTrialRunner(), log: io.stderr });
    if (!calibration.clean) {
        io.stderr.write('perfgate: the working tree has uncommitted changes, so this was not an A/A (the base side is the committed HEAD)\n');
    }
    io.stdout.write(values.json ? calibrationJson(calibration) : renderCalibration(calibration));
    return calibration.benchmarks.some((b) => b.state === 'errored') ? EXIT.runtime : EXIT.passed;
}

/**
 * Series of main's history (pure): stored results, oldest to newest along the first-parent
 * history, turned into one series per benchmark × metric. A point keeps every trial's value
 * (a point is a distribution, not one number) and its median, the value change points are
 * detected on.
 */
/**
 * Builds the series of `entries` (oldest first). Benchmarks appear in the order they are
 * first met, metrics in the table's order for the benchmark's kind. Errored benchmarks give
 * no point (their trials stop at the failure). A benchmark whose kind changed over history
 * continues under its newest kind's metrics only where the metric exists in both.
 */
function buildSeries(entries, options = {}) {
    const byKey = new Map();
    for (const { commit, results } of entries) {
        for (const benchmark of results.benchmarks) {
            if (benchmark.state !== 'ok' || benchmark.trials.length === 0)
                continue;
            if (options.filter && !options.filter.test(benchmark.name))
                continue;
            let entry = byKey.get(benchmark.name);
            if (!entry) {
                entry = { benchmark: benchmark.name, kind: benchmark.kind, points: new Map() };
                byKey.set(benchmark.name, entry);
            }
            entry.kind = benchmark.kind;
            for (const metric of metricsOf(benchmark.kind)) {
                const values = [];
                for (const trial of benchmark.trials) {
                    const value = trial.metrics[metric];
                    if (typeof value === 'number' && Number.isFinite(value))
                        values.push(value);
                }
                if (values.length === 0)
                    continue;
                let points = entry.points.get(metric);
                if (!points)
                    entry.points.set(metric, (points = []));
                points.push({ commit, createdAt: results.createdAt, median: median(values), values });
            }
        }
    }
    const series = [];
    for (const { benchmark, kind, points } of byKey.values()) {
        for (const metric of metricsOf(kind)) {
            const metricPoints = points.get(metric);
            if (!metricPoints)
                continue;
            series.push({
                benchmark,
                kind,
                metric,
                unit: METRICS[metric].unit,
                higherIsBetter: METRICS[metric].higherIsBetter,
                points: metricPoints
            });
        }
    }
    return series;
}

/**
 * Change points in a series of measurements along main's history: where the level of a
 * benchmark's metric stepped, by how much (a ratio with its interval) and how surely.
 *
 * The method is E-divisive means (Matteson & James, "A Nonparametric Approach for Multiple
 * Change Point Analysis of Multivariate Data", JASA 109(505), 2014) with the modification
 * of Hunter (Fleming, Kołaczkowski, Kumar, Das, McCarthy, Pattabhiraman & Ingo, "Hunter:
 * Using Change Point Detection to Hunt for Performance Regressions", ICPE 2023): the permutation test that
 * decides whether a split is real is replaced by Student's two-sample t-test between the
 * segments either side of it, which makes the result deterministic and usable with few
 * points, and a final pass re-tests every change point against its neighbours and drops the
 * weakest until all pass (Hunter's "merge" step).
 *
 * Everything works on log values, so a step is a ratio whatever the metric's unit, and the
 * levels are geometric means.
 *
 * 1. Divergence (M&J, the energy divergence with α = 1): for a segment split into X = x[s..τ) (m points) and
 *    Y = x[τ..κ) (k points),
 *      Ê(X, Y) = 2/(mk) Σ|Xi − Yj| − C(m,2)⁻¹ Σ_{i<l}|Xi − Xl| − C(k,2)⁻¹ Σ_{j<l}|Yj − Yl|
 *      Q̂(X, Y) = mk/(m + k) · Ê(X, Y)
 *    and the candidate τ of a segment [s, e) maximizes Q̂ over τ and κ (s < τ < κ ≤ e), each
 *    side holding at least `minSegment` points. Prefix sums of the distance matrix make this
 *    O(len²) per segment.
 * 2. Significance (Hunter): Student's t with pooled variance between x[s..τ) and x[τ..κ)
 *    in the divisive pass, between the neighbouring segments in the final pass;
 *    p = 2 P(T_{m+k−2} ≤ −|t|). A split with p ≤ `maxP` is kept and both halves are split
 *    again (binary segmentation, M&J §3).
 * 3. Final pass (Hunter): every kept change point is re-tested between its neighbours; while
 *    the largest p exceeds `maxP`, that change point is removed and its neighbours re-tested.
 * 4. Size: the step's log ratio d = mean(after) − mean(before) of the log values, with the
 *    Student t interval d ± t_{1−(1−c)/2, m+k−2} · s_p √(1/m + 1/k), the variance pooled as
 *    in the test (so the interval excludes 1 exactly when p < 1 − c); ratio = e^d, its
 *    interval e^(ends).
 *
 * The p-value is that of the t-test at the chosen split: the split was chosen to look
 * different, so it is not a calibrated false-alarm probability; `maxP` is set by simulation
 * (docs/PERFORMANCE.md, "Change points") for a low rate of false change points per 1,000
 * points.
 */
const DEFAULT_CHANGE_POINT_MAX_P = 0.001;
const DEFAULT_MIN_SEGMENT = 3;
function contrast(x, a0, a1, b0, b1) {
    const m = a1 - a0;
    const k = b1 - b0;
    let sumA = 0;
    let sumB = 0;
    for (let i = a0; i < a1; i++)
        sumA += x[i];
    for (let i = b0; i < b1; i++)
        sumB += x[i];
    const meanBefore = sumA / m;
    const meanAfter = sumB / k;
    let squares = 0;
    for (let i = a0; i < a1; i++)
        squares += (x[i] - meanBefore) ** 2;
    for (let i = b0; i < b1; i++)
        squares += (x[i] - meanAfter) ** 2;
    const df = m + k - 2;
    const standardError = Math.sqrt((squares / df) * (1 / m + 1 / k));
    const difference = meanAfter - meanBefore;
    let p;
    if (standardError > 0)
        p = Math.min(1, 2 * studentTCdf(-Math.abs(difference) / standardError, df));
    else
        p = difference === 0 ? 1 : 0;
    return { meanBefore, meanAfter, standardError, df, p };
}
/**
 * The pairwise distances' column prefix sums: prefix[j (n+1) + t] = Σ_{i<t} |x_i − x_j|,
 * so that any sum of distances between a run of points and one point is two lookups.
 */
function distancePrefixSums(x) {
    const n = x.length;
    const prefix = new Float64Array(n * (n + 1));
    for (let j = 0; j < n; j++) {
        const row = j * (n + 1);
        const xj = x[j];
        let sum = 0;
        for (let i = 0; i < n; i++) {
            prefix[row + i] = sum;
            sum += Math.abs(x[i] - xj);
        }
        prefix[row + n] = sum;
    }
    return prefix;
}
/** The (τ, κ) of the segment [s, e) with the largest Q̂, or undefined if it is too short. */
function bestSplit(prefix, n, s, e, minSegment) {
    if (e - s < 2 * minSegment)
        return undefined;
    const stride = n + 1;
    // Σ_{s<=i<t} |x_i - x_j|
    const toRun = (j, t) => prefix[j * stride + t] - prefix[j * stride + s];
    let best;
    let bestQ = -Infinity;
    let withinLeft = 0; // Σ_{s<=i<l<τ} |x_i - x_l|
    for (let tau = s + 1; tau <= e - minSegment; tau++) {
        withinLeft += toRun(tau - 1, tau - 1);
        const m = tau - s;
        if (m < minSegment)
            continue;
        let between = 0; // Σ_{s<=i<τ<=j<κ} |x_i - x_j|
        let withinRight = 0; // Σ_{τ<=j<l<κ} |x_j - x_l|
        for (let kappa = tau + 1; kappa <= e; kappa++) {
            const j = kappa - 1; // the point joining the right side
            between += toRun(j, tau);
            withinRight += prefix[j * stride + j] - prefix[j * stride + tau];
            const k = kappa - tau;
            if (k < minSegment)
                continue;
            const divergence = (2 * between) / (m * k) -
                withinLeft / ((m * (m - 1)) / 2) -
                withinRight / ((k * (k - 1)) / 2);
            const q = ((m * k) / (m + k)) * divergence;
            if (q > bestQ) {
                bestQ = q;
                best = { tau, kappa };
            }
        }
    }
    return best;
}
/**
 * Change points of `values` (oldest first; every value > 0, e.g. the median of each
 * commit's trials), in index order. See the module comment for the method.
 */
function detectChangePoints(values, options = {}) {
    const maxP = options.maxP ?? DEFAULT_CHANGE_POINT_MAX_P;
    const minSegment = options.minSegment ?? DEFAULT_MIN_SEGMENT;
    const confidence = options.confidence ?? 0.95;
    assertLevel('maxP', maxP);
    assertLevel('confidence', confidence);
    if (!Number.isInteger(minSegment) || minSegment < 2) {
        throw new RangeError(`minSegment must be an integer >= 2, got ${minSegment}`);
    }
    assertPositiveValues('values', values);
    const n = values.length;
    if (n < 2 * minSegment)
        return [];
    const x = Float64Array.from(values, Math.log);
    const prefix = distancePrefixSums(x);
    // Divisive pass: split while the best split of a segment passes the t-test.
    const found = [];
    const pending = [[0, n]];
    while (pending.length > 0) {
        const [s, e] = pending.pop();
        const split = bestSplit(prefix, n, s, e, minSegment);
        if (!split)
            continue;
        if (contrast(x, s, split.tau, split.tau, split.kappa).p > maxP)
            continue;
        found.push(split.tau);
        pending.push([s, split.tau], [split.tau, e]);
    }
    found.sort((a, b) => a - b);
    // Final pass: re-test each change point between its neighbours; drop the weakest failing.
    const bounds = (i, points) => [
        i === 0 ? 0 : points[i - 1],
        points[i],
        i === points.length - 1 ? n : points[i + 1]
    ];
    let points = found;
    let tests = points.map((_, i) => {
        const [a, c, b] = bounds(i, points);
        return contrast(x, a, c, c, b);
    });
    for (;;) {
        let weakest = -1;
        for (let i = 0; i < tests.length; i++) {
            if (tests[i].p > maxP && (weakest < 0 || tests[i].p > tests[weakest].p))
                weakest = i;
        }
        if (weakest < 0)
            break;
        points = points.filter((_, i) => i !== weakest);
        const current = points;
        tests = current.map((_, i) => {
            const [a, c, b] = bounds(i, current);
            return contrast(x, a, c, c, b);
        });
    }
    return points.map((index, i) => {
        const test = tests[i];
        const difference = test.meanAfter - test.meanBefore;
        const half = studentTQuantile(1 - (1 - confidence) / 2, test.df) * test.standardError;
        return {
            index,
            before: Math.exp(test.meanBefore),
            after: Math.exp(test.meanAfter),
            ratio: Math.exp(difference),
            ciLow: Math.exp(difference - half),
            ciHigh: Math.exp(difference + half),
            p: test.p
        };
    });
}

/**
 * The history of main (`perfgate history`): series per benchmark × metric from stored
 * results, and the change points in each (docs/DESIGN.md, "Change points on main").
 */
/**
 * Series and change points of `entries` (oldest first along main's first-parent history).
 * A series with a value ≤ 0 (a count of errors, a heap growth) has no ratio to test and is
 * reported with `skipped` saying so; change points are listed series by series, oldest
 * first.
 */
function historyOf(entries, options = {}) {
    const series = [];
    const changePoints = [];
    for (const one of buildSeries(entries, { filter: options.filter })) {
        const medians = one.points.map((point) => point.median);
        if (!medians.every((value) => value > 0)) {
            series.push({ ...one, skipped: 'values of 0 or below: no ratio to test' });
            continue;
        }
        series.push(one);
        for (const step of detectChangePoints(medians, options)) {
            changePoints.push({
                benchmark: one.benchmark,
                metric: one.metric,
                commit: one.points[step.index].commit,
                before: step.before,
                after: step.after,
                ratio: step.ratio,
                ciLow: step.ciLow,
                ciHigh: step.ciHigh,
                p: step.p
            });
        }
    }
    return { series, changePoints };
}

/**
 * Reading main's history from a local directory of results files (`perfgate history
 * --dir`): every `*.json` file in it, checked like any results file, ordered oldest to
 * newest along the first-parent history of a git repository when one is given (the order
 * main got its commits, whatever order they were measured in), else by `createdAt`. A file
 * that cannot be used is skipped with a warning naming it and why, never silently.
 */
class HistoryError extends Error {
    constructor(message) {
        super(message);
        this.name = 'HistoryError';
    }
}
/**
 * The commits of `ref`'s first-parent history, oldest first; undefined (with the reason)
 * when `repo` is not a git repository or the ref is unknown.
 */
function firstParentHistory(repo, ref = 'HEAD') {
    if (ref.startsWith('-'))
        return { error: `"${ref}" is not a valid ref` };
    const run = spawnSync('git', ['rev-list', '--first-parent', '--reverse', ref, '--'], {
        cwd: repo,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        timeout: 60_000,
        env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }
    });
    if (run.error)
        return { error: run.error.message };
    if (run.status !== 0)
        return { error: (run.stderr ?? '').trim() || `git exited ${run.status}` };
    const shallow = spawnSync('git', ['rev-parse', '--is-shallow-repository'], {
        cwd: repo,
        encoding: 'utf8'
    });
    if (shallow.stdout?.trim() === 'true') {
        return { error: 'the clone is shallow (fetch its whole history to order along it)' };
    }
    return { commits: run.stdout.split('\n').filter((line) => line !== '') };
}
/** Files off the history named one by one; the rest are counted in one warning. */
const MAX_NAMED_OFF_HISTORY = 5;
/**
 * Orders read entries oldest to newest: along `history` (full shas, oldest first) when
 * given, else by `createdAt`. With a history, entries without a commit or with one that
 * is not on it are skipped with a warning; if none of them is on it, the order falls back
 * to `createdAt` (with a warning), so a directory measured elsewhere is still shown. Two
 * entries of the same commit: the newer measurement is kept.
 */
function orderEntries(entries, history, onWarning) {
    const byCreated = (a, b) => Date.parse(a.results.createdAt) - Date.parse(b.results.createdAt) ||
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
    let ordered;
    const position = new Map(history?.map((commit, index) => [commit, index]));
    if (history && entries.some((entry) => position.has(entry.commit))) {
        ordered = [];
        let offHistory = 0;
        for (const entry of entries) {
            if (position.has(entry.commit))
                ordered.push(entry);
            else if (entry.commit === '') {
                onWarning(`${entry.file}: skipped: it records no git commit (environment.git.commit)`);
            }
            else if (++offHistory <= MAX_NAMED_OFF_HISTORY) {
                onWarning(`${entry.file}: skipped: commit ${entry.commit} is not on the first-parent history`);
            }
        }
        if (offHistory > MAX_NAMED_OFF_HISTORY) {
            onWarning(`skipped ${offHistory - MAX_NAMED_OFF_HISTORY} more results files of commits ` +
                'not on the first-parent history');
        }
        ordered.sort((a, b) => position.get(a.commit) - position.get(b.commit) || byCreated(a, b));
    }
    else {
        if (history && entries.length > 0) {
            onWarning('none of the results files measured a commit of the first-parent history: ' +
                'ordered by when they were measured (createdAt) instead');
        }
        ordered = [...entries].sort(byCreated);
    }
    // One point per commit: a later entry of the same commit (re-measured) replaces the earlier.
    const kept = [];
    for (const entry of ordered) {
        const last = kept[kept.length - 1];
        if (last && entry.commit !== '' && last.commit === entry.commit) {
            onWarning(`${last.file}: skipped: ${entry.file} measured the same commit later`);
            kept[kept.length - 1] = entry;
        }
        else
            kept.push(entry);
    }
    return kept.map(({ commit, results }) => ({ commit, results }));
}
/**
 * Reads every `*.json` file directly in `dir` (not recursively) and orders the results.
 * Throws HistoryError when `dir` cannot be listed.
 */
function readResultsDir(dir, options) {
    let names;
    try {
        names = readdirSync(dir, { withFileTypes: true })
            .filter((entry) => entry.name.endsWith('.json') && !entry.isDirectory())
            .map((entry) => entry.name)
            .sort();
    }
    catch (error) {
        throw new HistoryError(`${(options.display ?? ((f) => f))(dir)}: cannot list the results directory: ${error.message}`);
    }
    const display = options.display ?? ((file) => file);
    const read = [];
    for (const name of names) {
        const file = path.join(dir, name);
        const shown = display(file);
        try {
            const results = parseResults(readFileSync(file, 'utf8'), shown);
            if (Number.isNaN(Date.parse(results.createdAt))) {
                options.onWarning(`${shown}: skipped: createdAt is not a date (${results.createdAt})`);
                continue;
            }
            read.push({ file: shown, commit: results.environment.git?.commit ?? '', results });
        }
        catch (error) {
            if (error instanceof ResultsError)
                options.onWarning(`skipped ${error.message}`);
            else
                options.onWarning(`${shown}: skipped: cannot read: ${error.message}`);
        }
    }
    let history;
    if (options.repo !== undefined) {
        const found = firstParentHistory(options.repo, options.ref);
        if ('error' in found) {
            options.onWarning(`cannot read the first-parent history of ${options.ref ?? 'HEAD'}: ${found.error}; ` +
                'ordered by when the results were measured (createdAt) instead');
        }
        else
            history = found.commits;
    }
    return orderEntries(read, history, options.onWarning);
}

/**
 * The charting library the history dashboard inlines: uPlot (MIT; ~51 kB minified, no
 * dependencies), read from the installed package so the page needs no network.
 */
/** Reads uPlot's minified script and style; throws HistoryError when they are not installed. */
function loadChartLibrary() {
    const require = createRequire(import.meta.url);
    try {
        return {
            script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
            css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')
        };
    }
    catch (error) {
        throw new HistoryError(`the dashboard's charting library (the uplot package) cannot be read: ${error.message}`);
    }
}

/**
 * Reading main's history from the data branch (`perfgate history`, its default source): the
 * branch is fetched from the remote into perfgate's private ref `refs/perfgate/<branch>`
 * (as the store does: no branch, index or working tree of the user is touched), its
 * `results/<commit>.json` files are listed with one `git ls-tree` and read with one
 * `git cat-file --batch`, checked like any results file, and ordered along the first-parent
 * history of HEAD. A file that cannot be used is skipped with a warning naming it.
 */
const RESULTS_FILE = /^results\/([0-9a-f]{40}|[0-9a-f]{64})\.json$/;
const MAX_BUFFER = 2 * 1024 * 1024 * 1024 - 1;
function git(cwd, args, input, timeout = 60_000) {
    return spawnSync('git', args, {
        cwd,
        input,
        maxBuffer: MAX_BUFFER,
        timeout,
        env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }
    });
}
function firstLine(output) {
    return (output ?? '').toString().trim().split('\n')[0] ?? '';
}
/** Fetches the data branch; returns the ref to read (the last fetched tip when offline). */
function fetchBranch(options, branch, remote) {
    const ref = `refs/perfgate/${branch}`;
    const fetched = git(options.cwd, [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-recurse-submodules',
        '--no-write-fetch-head',
        remote,
        `+refs/heads/${branch}:${ref}`
    ], undefined, 120_000);
    if (fetched.status === 0)
        return ref;
    const reason = firstLine(fetched.stderr) || fetched.error?.message || 'git failed';
    if (git(options.cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).status === 0) {
        options.onWarning(`could not fetch ${branch} from ${remote} (${reason}): showing the copy fetched before`);
        return ref;
    }
    throw new HistoryError(`could not fetch the data branch ${branch} from ${remote}: ${reason}`);
}
/** Splits `git cat-file --batch` output into the objects' contents, in request order. */
function splitBatch(output, count) {
    const contents = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
        const end = output.indexOf(0x0a, at);
        if (end < 0)
            break;
        const header = output.subarray(at, end).toString('utf8');
        const size = /^\S+ blob (\d+)$/.exec(header);
        if (!size) {
            contents.push(undefined); // "<name> missing"
            at = end + 1;
            continue;
        }
        const length = Number(size[1]);
        contents.push(output.subarray(end + 1, end + 1 + length));
        at = end + 1 + length + 1;
    }
    return contents;
}
/** The stored results of main, oldest first. Throws HistoryError when nothing can be read. */
function readDataBranch(options) {
    const branch = options.branch ?? 'perfgate-data';
    const remote = options.remote ?? 'origin';
    for (const [what, name] of Object.entries({ branch, remote })) {
        if (name === '' || name.startsWith('-')) {
            throw new HistoryError(`--${what === 'branch' ? 'data-branch' : what}: "${name}" is not a valid name`);
        }
    }
    const ref = fetchBranch(options, branch, remote);
    const listed = git(options.cwd, ['ls-tree', '-r', '-z', '--full-tree', ref, '--', 'results']);
    if (listed.status !== 0) {
        throw new HistoryError(`cannot list ${branch}: ${firstLine(listed.stderr)}`);
    }
    const files = [];
    for (const record of listed.stdout.toString('utf8').split('\0')) {
        if (record === '')
            continue;
        const tab = record.indexOf('\t');
        const [, type, blob] = record.slice(0, tab).split(' ');
        const file = record.slice(tab + 1);
        const match = RESULTS_FILE.exec(file);
        if (type !== 'blob' || !match) {
            options.onWarning(`${branch}:${file}: skipped: not a results file (results/<commit>.json)`);
            continue;
        }
        files.push({ path: file, blob: blob, commit: match[1] });
    }
    const batch = git(options.cwd, ['cat-file', '--batch'], files.map((f) => f.blob).join('\n') + '\n');
    if (batch.status !== 0)
        throw new HistoryError(`cannot read ${branch}: ${firstLine(batch.stderr)}`);
    const contents = splitBatch(batch.stdout, files.length);
    const read = [];
    files.forEach((file, i) => {
        const shown = `${branch}:${file.path}`;
        const content = contents[i];
        if (!content) {
            options.onWarning(`${shown}: skipped: its object is missing`);
            return;
        }
        try {
            const results = parseResults(content.toString('utf8'), shown);
            read.push({ file: shown, commit: file.commit, results });
        }
        catch (error) {
            if (!(error instanceof ResultsError))
                throw error;
            options.onWarning(`skipped ${error.message}`);
        }
    });
    const history = firstParentHistory(options.cwd, options.ref);
    if ('error' in history) {
        options.onWarning(`cannot read the first-parent history of ${options.ref ?? 'HEAD'}: ${history.error}; ` +
            'ordered by when the results were measured (createdAt) instead');
    }
    return orderEntries(read, 'error' in history ? undefined : history.commits, options.onWarning);
}

/**
 * The history dashboard (pure; returns one HTML page): per benchmark × metric, a chart of
 * every stored commit of main — the median of its trials, the band from the lowest to the
 * highest trial, each change point marked — and the change points listed with their step,
 * interval and p. The page is self-contained: the charting library (uPlot, passed in by the
 * caller) and the data are inlined, so it works offline and from a data branch served as a
 * static site. Shown: each benchmark's headline metrics and any series with a change point.
 *
 * Untrusted text (benchmark names) reaches the page only as JSON inside a script element
 * with every `<` escaped, and is put into the document with `textContent`, never as markup.
 */
const COMMIT = /^[0-9a-f]{7,64}$/;
/** JSON that cannot end the script element it sits in, nor open a comment. */
function scriptJson(value) {
    return JSON.stringify(value)
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
}
/** The chart data of the series shown on the dashboard. */
function dashboardCharts(report) {
    const charts = [];
    for (const series of report.series) {
        const steps = report.changePoints.filter((step) => step.benchmark === series.benchmark && step.metric === series.metric);
        if (!HEADLINE_METRICS[series.kind].includes(series.metric) && steps.length === 0)
            continue;
        const commits = series.points.map((point) => point.commit);
        charts.push({
            benchmark: series.benchmark,
            label: metricLabel(series.metric, series.kind),
            unit: series.unit,
            higherIsBetter: series.higherIsBetter,
            skipped: series.skipped,
            commits: commits.map((commit) => (COMMIT.test(commit) ? commit : '')),
            median: series.points.map((point) => point.median),
            low: series.points.map((point) => Math.min(...point.values)),
            high: series.points.map((point) => Math.max(...point.values)),
            changePoints: steps.map((step) => ({
                index: commits.indexOf(step.commit),
                ratio: step.ratio,
                ciLow: step.ciLow,
                ciHigh: step.ciHigh,
                p: step.p
            }))
        });
    }
    return charts;
}
// The page's own script: plain browser JavaScript, reading the inlined data.
const PAGE_SCRIPT = String.raw `
(function () {
  var data = JSON.parse(document.getElementById('perfgate-data').textContent);
  var commitUrl = data.commitUrl;
  function three(v) {
    var r = Number(v.toPrecision(3)), a = Math.abs(r);
    return r.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
  }
  function scaled(v, units) {
    var a = Math.abs(v);
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0] * 0.9995 || i === units.length - 1) return three(v / units[i][0]) + ' ' + units[i][1];
    }
  }
  function fmt(unit, v) {
    if (v == null || !isFinite(v)) return '–';
    if (unit === 'duration') return v === 0 ? '0 ms' : scaled(v, [[1000, 's'], [1, 'ms'], [1e-3, 'µs'], [1e-6, 'ns']]);
    if (unit === 'bytes') return Math.abs(v) < 999.5 ? Math.round(v) + ' B' : scaled(v, [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']]);
    if (unit === 'rate') return Math.abs(v) < 9999.5 ? three(v) + '/s' : scaled(v, [[1e9, 'G/s'], [1e6, 'M/s'], [1e3, 'k/s']]);
    if (unit === 'share') return (v * 100).toFixed(1) + ' %';
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
  function pct(r) { return (r >= 1 ? '+' : '') + ((r - 1) * 100).toFixed(1) + ' %'; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function commitLink(sha) {
    if (!sha) return el('span', null, '(unknown commit)');
    if (!commitUrl) return el('code', null, sha.slice(0, 10));
    var a = el('a', null, sha.slice(0, 10));
    a.href = commitUrl.split('{commit}').join(sha);
    return a;
  }
  var root = document.getElementById('charts');
  var current = null;
  var width = Math.max(320, Math.min(960, root.clientWidth || 960));
  data.charts.forEach(function (chart, n) {
    if (chart.benchmark !== current) {
      current = chart.benchmark;
      root.appendChild(el('h2', null, chart.benchmark));
    }
    var box = el('section', 'chart');
    box.setAttribute('data-chart', String(n));
    box.appendChild(el('h3', null, chart.label));
    var plot = el('div', 'plot');
    box.appendChild(plot);
    root.appendChild(box);
    var xs = chart.median.map(function (_, i) { return i; });
    var marks = chart.changePoints.map(function (c) { return c.index; });
    var opts = {
      width: width,
      height: 240,
      scales: { x: { time: false } },
      legend: { live: true },
      axes: [
        { label: 'commit (oldest → newest)', values: function (u, ticks) { return ticks.map(function (i) { return Number.isInteger(i) ? '#' + (i + 1) : ''; }); } },
        { size: 80, values: function (u, ticks) { return ticks.map(function (v) { return fmt(chart.unit, v); }); } }
      ],
      series: [
        { label: 'commit', value: function (u, i) { return i == null || !chart.commits[i] ? '–' : '#' + (i + 1) + ' ' + chart.commits[i].slice(0, 10); } },
        { label: 'fastest trial', stroke: '#9db4d6', width: 1, value: function (u, v) { return fmt(chart.unit, v); } },
        { label: 'slowest trial', stroke: '#9db4d6', width: 1, value: function (u, v) { return fmt(chart.unit, v); } },
        { label: 'median', stroke: '#1f5fbf', width: 2, points: { show: true, size: 5 }, value: function (u, v) { return fmt(chart.unit, v); } }
      ],
      bands: [{ series: [2, 1], fill: 'rgba(31, 95, 191, 0.12)' }],
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#c0392b';
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          marks.forEach(function (i) {
            var x = Math.round(u.valToPos(i - 0.5, 'x', true));
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          });
          ctx.restore();
        }]
      }
    };
    if (chart.higherIsBetter) { opts.series[1].label = 'lowest trial'; opts.series[2].label = 'highest trial'; }
    var u = new uPlot(opts, [xs, chart.low, chart.high, chart.median], plot);
    if (commitUrl) {
      u.over.style.cursor = 'pointer';
      u.over.addEventListener('click', function () {
        var i = u.cursor.idx;
        if (i != null && chart.commits[i]) window.open(commitUrl.split('{commit}').join(chart.commits[i]), '_blank', 'noopener');
      });
    }
    var list = el('ul', 'steps');
    chart.changePoints.forEach(function (c) {
      var worse = chart.higherIsBetter ? c.ratio < 1 : c.ratio > 1;
      var li = el('li', worse ? 'worse' : 'better');
      li.appendChild(el('span', null, (worse ? '▲ worse ' : '▼ better ') + pct(c.ratio) + ' [' + pct(c.ciLow) + ', ' + pct(c.ciHigh) + '] at commit #' + (c.index + 1) + ' '));
      li.appendChild(commitLink(chart.commits[c.index]));
      li.appendChild(el('span', null, ', p = ' + (c.p < 0.001 ? c.p.toExponential(1) : c.p.toFixed(3))));
      list.appendChild(li);
    });
    if (chart.changePoints.length === 0) list.appendChild(el('li', 'none', chart.skipped ? 'not tested: ' + chart.skipped : 'no change point'));
    box.appendChild(list);
  });
  document.body.setAttribute('data-ready', String(data.charts.length));
})();
`;
const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 16px; max-width: 1000px; color: #1d1d1f; }
header p { color: #555; margin: 4px 0 16px; }
h2 { font-size: 18px; margin: 28px 0 4px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 14px 0 4px; font-weight: 600; }
ul.steps { margin: 4px 0 0; padding-left: 18px; }
ul.steps li.worse { color: #a5281b; }
ul.steps li.better { color: #1e7b34; }
ul.steps li.none { color: #777; list-style: none; margin-left: -18px; }
code { font-size: 13px; }
`;
/** Renders the dashboard page. */
function renderHistoryHtml(report, options) {
    if (options.commitUrl !== undefined && !/^https?:\/\//.test(options.commitUrl)) {
        throw new RangeError(`commitUrl must start with http:// or https://, got ${options.commitUrl}`);
    }
    if (/<\/script/i.test(options.library.script) || /<\/style/i.test(options.library.css)) {
        throw new RangeError('the chart library cannot be inlined: it contains a closing tag');
    }
    const charts = dashboardCharts(report);
    const commits = new Set(report.series.flatMap((s) => s.points.map((p) => p.commit))).size;
    const summary = `${commits} commit${commits === 1 ? '' : 's'} of main, ${charts.length} chart` +
        `${charts.length === 1 ? '' : 's'}, ${report.changePoints.length} change ` +
        `point${report.changePoints.length === 1 ? '' : 's'}; generated ${options.generatedAt}. ` +
        'Line: median of the trials; band: fastest to slowest trial; dashed red: a change point.';
    const data = { commitUrl: options.commitUrl, charts };
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfgate history</title>
<style>${options.library.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>perfgate history</h1><p>${escapeHtml(summary)}</p></header>
<main id="charts"></main>
<script type="application/json" id="perfgate-data">${scriptJson(data)}</script>
<script>${options.library.script}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const DEFAULT_TREND_POINTS = 30;
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Control characters (escape sequences) removed: names are untrusted text. */
function clean(text) {
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
/** One bar per value, scaled between the smallest and largest of them. */
function sparkline(values) {
    if (values.length === 0)
        return '';
    const low = Math.min(...values);
    const high = Math.max(...values);
    return values
        .map((value) => {
        if (!(high > low))
            return BARS[3];
        const level = Math.round(((value - low) / (high - low)) * (BARS.length - 1));
        return BARS[level];
    })
        .join('');
}
/** The first 10 characters of a commit (from a results file: cleaned like any text). */
function shortSha(commit) {
    return clean(commit.slice(0, 10));
}
function formatP(p) {
    if (p === 0)
        return 'p < 1e-300';
    return p < 0.001 ? `p = ${p.toExponential(1)}` : `p = ${p.toFixed(3)}`;
}
function describeStep(series, step) {
    const position = series.points.findIndex((point) => point.commit === step.commit);
    const worse = METRICS[series.metric].higherIsBetter ? step.ratio < 1 : step.ratio > 1;
    const change = `${step.ratio >= 1 ? '+' : ''}${((step.ratio - 1) * 100).toFixed(1)} %`;
    const interval = `[${((step.ciLow - 1) * 100).toFixed(1)} %, ${((step.ciHigh - 1) * 100).toFixed(1)} %]`;
    return (`    ${worse ? '▲ worse' : '▼ better'} ${change} ${interval} at ${shortSha(step.commit)} ` +
        `(commit ${position + 1} of ${series.points.length}): ` +
        `${formatMetric(series.metric, step.before)} → ${formatMetric(series.metric, step.after)}, ` +
        formatP(step.p));
}
/** Renders the history for the terminal; `trendPoints` commits per sparkline. */
function renderHistoryTerminal(report, trendPoints = DEFAULT_TREND_POINTS) {
    const commits = new Set(report.series.flatMap((s) => s.points.map((p) => p.commit))).size;
    const lines = [];
    const benchmarks = new Set(report.series.map((s) => s.benchmark));
    lines.push(`perfgate history: ${commits} commit${commits === 1 ? '' : 's'}, ` +
        `${benchmarks.size} benchmark${benchmarks.size === 1 ? '' : 's'}, ` +
        `${report.changePoints.length} change point${report.changePoints.length === 1 ? '' : 's'}`);
    if (report.series.length === 0) {
        lines.push('no stored results to show');
        return lines.join('\n') + '\n';
    }
    let current = '';
    for (const series of report.series) {
        const steps = report.changePoints.filter((step) => step.benchmark === series.benchmark && step.metric === series.metric);
        if (!HEADLINE_METRICS[series.kind].includes(series.metric) && steps.length === 0)
            continue;
        if (series.benchmark !== current) {
            current = series.benchmark;
            lines.push('', clean(series.benchmark));
        }
        const recent = series.points.slice(-trendPoints);
        const latest = recent[recent.length - 1];
        lines.push(`  ${metricLabel(series.metric, series.kind).padEnd(16)} ${sparkline(recent.map((p) => p.median)).padEnd(trendPoints)}  ` +
            `${formatMetric(series.metric, latest.median)} at ${shortSha(latest.commit)}` +
            (series.skipped ? ` (not tested: ${series.skipped})` : ''));
        for (const step of steps)
            lines.push(describeStep(series, step));
    }
    return lines.join('\n') + '\n';
}

/**
 * `perfgate history`: main's trend and change points, from the data branch (default) or a
 * directory of results files. Prints the terminal view (or `--json`); always exits 0 when it could read the history
 * (a change point is information, not a failed gate), 2 on a usage error.
 */
const HISTORY_USAGE = `  perfgate history  [--data-branch perfgate-data] [--remote origin] | [--dir <results dir>]
                    [--filter <regex>] [--json] [--html <dir>] [--commit-url <url with {commit}>]`;
const HISTORY_OPTIONS = {
    'data-branch': { type: 'string' },
    remote: { type: 'string' },
    dir: { type: 'string' },
    filter: { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
    'commit-url': { type: 'string' }
};
function usage(io, message) {
    io.stderr.write(`perfgate history: ${message}\n\nUsage:\n${HISTORY_USAGE}\n`);
    return EXIT.usage;
}
/**
 * Runs `perfgate history` with `args` (after the command word). Without `--dir` it reads
 * the data branch of the repository the working directory is in. Results are ordered along
 * the first-parent history of HEAD when the working directory is in a git repository with
 * its whole history, else by when they were measured.
 */
async function commandHistory(args, io) {
    let values;
    try {
        values = parseArgs({
            args,
            options: HISTORY_OPTIONS,
            strict: true,
            allowPositionals: false
        }).values;
    }
    catch (error) {
        return usage(io, error.message);
    }
    const fromBranch = values['data-branch'] !== undefined || values.remote !== undefined;
    if (fromBranch && values.dir !== undefined) {
        return usage(io, '--dir excludes --data-branch and --remote: read a directory or the data branch');
    }
    let filter;
    if (values.filter !== undefined) {
        try {
            filter = new RegExp(values.filter);
        }
        catch (error) {
            return usage(io, `--filter: not a valid regular expression: ${error.message}`);
        }
    }
    const commitUrl = values['commit-url'];
    if (commitUrl !== undefined && !/^https?:\/\/\S*\{commit\}/.test(commitUrl)) {
        return usage(io, `--commit-url: expected an http(s) URL containing {commit}, got ${JSON.stringify(commitUrl)}`);
    }
    // The dashboard's file is checked before anything is read.
    let html;
    if (values.html !== undefined) {
        try {
            html = openOutput(io.cwd, path.join(values.html, 'index.html'), io.stdout);
        }
        catch (error) {
            if (!(error instanceof OutputError))
                throw error;
            return usage(io, `--html: ${error.message}`);
        }
    }
    const inRepo = gitSync(io.cwd, ['rev-parse', '--is-inside-work-tree']).out === 'true';
    const onWarning = (message) => io.stderr.write(`perfgate: warning: ${message}\n`);
    let entries;
    try {
        if (values.dir !== undefined) {
            entries = readResultsDir(path.resolve(io.cwd, values.dir), {
                repo: inRepo ? io.cwd : undefined,
                onWarning,
                display: (file) => displayPath(io.cwd, file)
            });
        }
        else {
            if (!inRepo) {
                return usage(io, `${io.cwd} is not in a git repository: run it in one to read its data branch, or pass --dir`);
            }
            entries = readDataBranch({
                cwd: io.cwd,
                branch: values['data-branch'],
                remote: values.remote,
                onWarning
            });
        }
    }
    catch (error) {
        if (!(error instanceof HistoryError))
            throw error;
        io.stderr.write(`perfgate history: ${error.message}\n`);
        return EXIT.usage;
    }
    const report = historyOf(entries, { filter });
    if (values.json)
        io.stdout.write(JSON.stringify(report) + '\n');
    else
        io.stdout.write(renderHistoryTerminal(report));
    if (html) {
        try {
            const page = renderHistoryHtml(report, {
                library: loadChartLibrary(),
                commitUrl,
                generatedAt: new Date().toISOString()
            });
            html.write(page);
        }
        catch (error) {
            if (!(error instanceof OutputError || error instanceof HistoryError))
                throw error;
            io.stderr.write(`perfgate history: ${error.message}\n`);
            return EXIT.runtime;
        }
        io.stderr.write(`dashboard written to ${html.display}\n`);
    }
    return EXIT.passed;
}

/**
 * The perfgate command line: turns argv into a request for the application layer, presents
 * the judged results (terminal report, files, JSON) and returns the exit code of the
 * outcome: 0 passed · 1 gate failed · 2 usage or config error · 3 a benchmark could not be
 * measured (or results could not be written).
 */
const USAGE = `perfgate ${VERSION} — benchmarks with a verdict you can trust

Usage:
  perfgate run      [--config perfgate.yml] [--base <git-ref>] [--baseline <results.json>]
                    [--out results.json] [--report report.md] [--trials N] [--seed S]
                    [--filter <regex>] [--fail-on ${FAIL_ON_VALUES.join('|')}]
                    [--setup-head] [--json]
                    [--shard i/n] [--max-duration 15m] [--profile] [--profile-dir DIR]
  perfgate compare  <base-results.json> <head-results.json> [--report report.md]
                    [--out results.json] [--json]
  perfgate merge    <shard-results.json>... [--report report.md] [--out results.json]
                    [--json]
  perfgate validate [--config perfgate.yml]
${HISTORY_USAGE}
${CALIBRATE_USAGE}
  perfgate --version | --help

--out and --report take - for standard output (the terminal report then goes to stderr).
--profile CPU-profiles base and head of every compared benchmark (by default only on a
regression, per the config's profile); profiles and flame graphs go to --profile-dir
(default .perfgate/profiles beside the config).
Exit codes: 0 passed · 1 gate failed · 2 usage or config error
            3 a benchmark could not be measured
`;
class UsageError extends Error {
}
const RUN_OPTIONS = {
    config: { type: 'string', short: 'c' },
    base: { type: 'string' },
    baseline: { type: 'string' },
    'setup-head': { type: 'boolean' },
    'fail-on': { type: 'string' },
    out: { type: 'string', short: 'o' },
    report: { type: 'string' },
    trials: { type: 'string' },
    seed: { type: 'string' },
    filter: { type: 'string' },
    shard: { type: 'string' },
    'max-duration': { type: 'string' },
    profile: { type: 'boolean' },
    'profile-dir': { type: 'string' },
    json: { type: 'boolean' }
};
const COMPARE_OPTIONS = {
    report: { type: 'string' },
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' }
};
const VALIDATE_OPTIONS = {
    config: { type: 'string', short: 'c' }
};
function parse(args, options) {
    try {
        return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
    }
    catch (error) {
        throw new UsageError(error.message);
    }
}
function wholeNumber(flag, text, min, max) {
    if (text === undefined)
        return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
        throw new UsageError(`--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    }
    return n;
}
function regex(flag, text) {
    if (text === undefined)
        return undefined;
    try {
        return new RegExp(text);
    }
    catch (error) {
        throw new UsageError(`--${flag}: not a valid regular expression: ${error.message}`);
    }
}
function durationFlag(flag, text) {
    if (text === undefined)
        return undefined;
    const parsed = parseDuration(text);
    if (!parsed.ok || parsed.value <= 0 || parsed.value > MAX_DURATION_MS) {
        throw new UsageError(`--${flag}: expected a duration like "15m" or "90s" (at most 24 hours), got ${JSON.stringify(text)}`);
    }
    return parsed.value;
}
function failOnFlag(text) {
    if (text === undefined)
        return undefined;
    if (!FAIL_ON_VALUES.includes(text)) {
        throw new UsageError(`--fail-on: expected ${FAIL_ON_VALUES.join(', ')}, got ${JSON.stringify(text)}`);
    }
    return text;
}
/**
 * Opens the requested outputs before anything is measured. At most one of them may use
 * standard output; when one does, the terminal report goes to stderr.
 */
function openOutputs(values, io) {
    const onStdout = [
        values.json && '--json',
        values.out === '-' && '--out -',
        values.report === '-' && '--report -'
    ].filter(Boolean);
    if (onStdout.length > 1) {
        throw new UsageError(`${onStdout.join(' and ')}: only one output can go to standard output`);
    }
    const open = (file) => {
        if (file === undefined)
            return undefined;
        try {
            return openOutput(io.cwd, file, io.stdout);
        }
        catch (error) {
            if (error instanceof OutputError)
                throw new UsageError(error.message);
            throw error;
        }
    };
    return { out: open(values.out), report: open(values.report), json: values.json === true };
}
/**
 * Presents judged results: the terminal report (or JSON), the report and results files;
 * returns the exit code of the outcome. Files are written after the report is shown, so a
 * late write failure never hides what was measured.
 */
function present(results, outputs, io, profiles = []) {
    const model = withProfiles(buildReport(results, results.comparison), profileSections(profiles, (dir) => displayPath(io.cwd, dir)));
    const terminal = outputs.out?.isStdout || outputs.report?.isStdout ? io.stderr : io.stdout;
    if (outputs.json)
        io.stdout.write(serializeResults(results));
    else {
        const table = results.benchmarks.length > 0 ? renderTerminalReport(results) + '\n' : '';
        terminal.write(`\n${table}${renderTerminalVerdict(model)}`);
    }
    const writes = [
        [outputs.out, 'results', () => serializeResults(results)],
        [outputs.report, 'report', () => renderMarkdownReport(model, { version: VERSION })]
    ];
    let failed = false;
    for (const [target, what, text] of writes) {
        if (!target)
            continue;
        try {
            target.write(text());
            if (!target.isStdout)
                io.stderr.write(`${what} written to ${target.display}\n`);
        }
        catch (error) {
            if (!(error instanceof OutputError))
                throw error;
            io.stderr.write(`perfgate: ${error.message}\n`);
            failed = true;
        }
    }
    return failed ? EXIT.runtime : outcomeOf(results).exitCode;
}
async function commandRun(args, io) {
    const values = parse(args, RUN_OPTIONS);
    if (values.base !== undefined && values.baseline !== undefined) {
        throw new UsageError('--base and --baseline exclude each other: compare with a git ref or with a results file');
    }
    const trials = wholeNumber('trials', values.trials, 1, MAX_TRIALS);
    const filter = regex('filter', values.filter);
    const failOn = failOnFlag(values['fail-on']);
    const shard = values.shard === undefined ? undefined : parseShard(values.shard);
    const maxDurationMs = durationFlag('max-duration', values['max-duration']);
    const config = loadConfigFile(io.cwd, values.config);
    const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1) ??
        (shard
            ? sharedSeed(readEnvironment(config.dir, '').git?.commit, configHash(config))
            : randomInt(2 ** 31));
    // Outputs and a stored baseline are checked before anything is measured.
    const outputs = openOutputs(values, io);
    const baseline = values.base !== undefined
        ? { kind: 'merge-base', ref: values.base }
        : values.baseline !== undefined
            ? {
                kind: 'stored',
                results: readResultsFile(io.cwd, values.baseline),
                source: values.baseline
            }
            : { kind: 'none' };
    const request = {
        config,
        filter,
        baseline,
        trials,
        seed,
        failOn,
        setupHead: values['setup-head'] === true,
        ...(shard ? { shard } : {}),
        ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
        ...(values.profile ? { profile: 'always' } : {})
    };
    let profiles = [];
    const results = await runBenchmarks(request, {
        runner: io.runner ?? createProcessTrialRunner(),
        log: io.stderr,
        onPartial: partialWriter(outputs.out, io),
        profiler: {
            runner: io.profileRunner ?? createProcessProfileRunner(),
            log: io.stderr,
            outDir: path.resolve(io.cwd, values['profile-dir'] ?? path.join(config.dir, '.perfgate', 'profiles')),
            onProfiles: (found) => (profiles = found)
        }
    });
    return present(results, outputs, io, profiles);
}
/** Writes results after each benchmark; a failure is said once and the run goes on. */
function partialWriter(out, io) {
    if (!out || out.isStdout)
        return undefined;
    let warned = false;
    return (partial) => {
        try {
            out.write(serializeResults(partial));
        }
        catch (error) {
            if (!(error instanceof OutputError) || warned)
                return;
            warned = true;
            io.stderr.write(`perfgate: ${error.message}; will try again at the end\n`);
        }
    };
}
function commandCompare(args, io) {
    let parsed;
    try {
        parsed = parseArgs({ args, options: COMPARE_OPTIONS, strict: true, allowPositionals: true });
    }
    catch (error) {
        throw new UsageError(error.message);
    }
    if (parsed.positionals.length !== 2) {
        throw new UsageError('compare needs two results files: <base-results.json> <head-results.json>');
    }
    const [baseFile, headFile] = parsed.positionals;
    const base = readResultsFile(io.cwd, baseFile);
    const head = readResultsFile(io.cwd, headFile);
    const outputs = openOutputs(parsed.values, io);
    return present(compareStored(base, head, baseFile), outputs, io);
}
function commandMerge(args, io) {
    let parsed;
    try {
        parsed = parseArgs({ args, options: COMPARE_OPTIONS, strict: true, allowPositionals: true });
    }
    catch (error) {
        throw new UsageError(error.message);
    }
    if (parsed.positionals.length === 0) {
        throw new UsageError('merge needs the results files of every shard: <shard-results.json>...');
    }
    const files = parsed.positionals.map((file) => ({
        source: file,
        results: readResultsFile(io.cwd, file)
    }));
    const outputs = openOutputs(parsed.values, io);
    return present(mergeShards(files), outputs, io);
}
function commandValidate(args, io) {
    const values = parse(args, VALIDATE_OPTIONS);
    const config = loadConfigFile(io.cwd, values.config);
    io.stdout.write(`${displayPath(io.cwd, config.file)}: valid, ${config.benchmarks.length} benchmark(s): ` +
        config.benchmarks.map((b) => `${b.name} (${b.kind})`).join(', ') +
        '\n');
    return EXIT.passed;
}
/** Runs the CLI with `args` (without node and script) and returns the exit code. */
async function main(args, io) {
    const [command, ...rest] = args;
    try {
        switch (command) {
            case 'run':
                return await commandRun(rest, io);
            case 'compare':
                return commandCompare(rest, io);
            case 'merge':
                return commandMerge(rest, io);
            case 'history':
                return await commandHistory(rest, io);
            case 'calibrate':
                return await commandCalibrate(rest, io);
            case 'validate':
                return commandValidate(rest, io);
            case '--version':
            case '-v':
                io.stdout.write(`${VERSION}\n`);
                return EXIT.passed;
            case undefined:
            case 'help':
            case '--help':
            case '-h':
                io.stdout.write(USAGE);
                return command === undefined ? EXIT.usage : EXIT.passed;
            default:
                throw new UsageError(`unknown command ${JSON.stringify(command)}`);
        }
    }
    catch (error) {
        if (error instanceof UsageError || error instanceof RequestError) {
            io.stderr.write(`perfgate: ${error.message}\n\n${USAGE}`);
            return EXIT.usage;
        }
        if (error instanceof ResultsError) {
            io.stderr.write(`perfgate: ${error.message}\n`);
            return EXIT.usage;
        }
        if (error instanceof BaseCheckoutError) {
            io.stderr.write(`perfgate: ${error.message}\n`);
            return error.kind === 'usage' ? EXIT.usage : EXIT.runtime;
        }
        if (error instanceof ConfigError) {
            io.stderr.write(`${error.message}\n`);
            return EXIT.usage;
        }
        throw error;
    }
}

/** Entry of the perfgate command line (bin/perfgate.js runs the bundled copy). */
installSignalCleanup((text) => process.stderr.write(text));
main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd()
}).then((code) => {
    process.exitCode = code;
}, (error) => {
    cleanUpEverything();
    process.stderr.write(`perfgate: internal error: ${error?.stack ?? String(error)}\n`);
    process.exitCode = 3;
});
