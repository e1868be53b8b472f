import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import path from 'node:path';
import { parseArgs } from 'node:util';
import { f as failureOf, s as sanitizeChildText, R as RequestError, q as quote, p as parseWholeNumber, E as EXIT, M as MAX_TRIALS, l as loadConfigFile, b as bisectRegression, c as createProcessTrialRunner, C as CI_LABEL, a as studentTQuantile, r as runBenchmarks, d as planLooks, H as HEADLINE_METRICS, m as metricLabel, D as DEFAULT_LOOKS, e as renderTextTable, g as formatPercent, h as formatDuration, i as formatMetric, j as METRICS, w as whereText, o as openOutput, O as OutputError, k as gitSync, n as readResultsDir, t as displayPath, u as readDataBranch, v as readBranchConfirmations, x as HistoryError, y as historyOf, z as renderHistoryHtml, A as loadChartLibrary, B as stepsToConfirm, F as ConfigError, G as confirmSteps, I as parseConfig, J as workerArgs, K as startChild, L as workerNode, N as HARNESS_URLS, P as API_URL, Q as describeExit, S as DEFAULT_CONFIG_FILE, T as prRun, U as serializeResults, V as renderTerminalReport, W as renderTerminalVerdict, X as terminalName, Y as renderMarkdownReport, Z as VERSION, _ as FAIL_ON_VALUES, $ as MEASURE_VALUES, a0 as readShardFiles, a1 as readResultsFile, a2 as parseShard, a3 as createProcessProfileRunner, a4 as parseDuration, a5 as MAX_DURATION_MS, a6 as readCheckout } from './chunk-terminal.js';
import { randomInt } from 'node:crypto';
import { m as median, i as importedHarnesses } from './chunk-count.js';
import { existsSync, writeFileSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { g as guardOutput, i as installSignalCleanup, c as cleanUpEverything } from './chunk-signals.js';
import 'node:child_process';
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
import 'buffer';
import 'node:net';
import 'node:fs/promises';
import 'node:os';
import 'node:http';
import 'process';
import './chunk-env.js';
import 'node:module';
import 'node:perf_hooks';

/**
 * How the commands show a failure they know (a bad flag, config, results file, git ref,
 * setup): one message on stderr; the exit code comes from the one mapping in
 * src/app/errors.ts. Messages quote what the user or a file gave (paths, refs, values), so
 * they go to the terminal made inert, in this one place.
 */
/** Writes `perfgate: <text>` with the text's control and bidirectional characters escaped. */
function writeProblem(stream, text) {
    stream.write(`perfgate: ${sanitizeChildText(text)}\n`);
}
/**
 * Reports a known failure on `stream` and returns its exit code; undefined for an error it
 * does not know (an internal error, rethrown by the caller). A request error is followed
 * by the command's `usage`.
 */
function reportFailure(stream, error, usage) {
    const failure = failureOf(error);
    if (!failure)
        return undefined;
    // A config error's issues already name their file, line and field (and are printable).
    if (failure.kind === 'config')
        stream.write(`${sanitizeChildText(failure.message)}\n`);
    else
        writeProblem(stream, failure.message);
    if (failure.kind === 'request')
        stream.write(`\n${usage}`);
    return failure.outcome.exitCode;
}

/** Reading flag values the same way in every command: errors name the flag and the range. */
/** A bad flag or argument: the command prints it with its usage (exit 2). */
class UsageError extends RequestError {
}
/** The flags of `args` (no positionals), strictly: an unknown flag is a usage error. */
function parse(args, options) {
    try {
        return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
    }
    catch (error) {
        throw new UsageError(error.message);
    }
}
/** A regular-expression flag; undefined when the flag is absent. */
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
/**
 * A whole number flag from `min` to `max`, in decimal digits only (no "0x10", "1e1", "");
 * undefined when the flag is absent. `what` names the unit in the message ("A/A pairs").
 */
function wholeNumber(flag, text, min, max, what = 'whole number') {
    if (text === undefined)
        return undefined;
    const parsed = parseWholeNumber(text);
    if (!parsed.ok || parsed.value < min || parsed.value > max) {
        throw new UsageError(`--${flag}: expected a ${what} from ${min} to ${max} (decimal digits only), got ${quote(text)}`);
    }
    return parsed.value;
}

/**
 * `perfgate bisect --good <ref> --bad <ref>`: the first commit between them where a
 * benchmark got slower, with paired A/B measurements at each step. Prints the culprit, its
 * ratio against good with the interval, and the steps (or `--json`); progress on stderr.
 * Exit codes: 0 found · 1 not found or undecided (the reason is printed) · 2 usage ·
 * 3 a checkout's setup or the benchmark failed.
 */
const BISECT_USAGE = `Usage:
  perfgate bisect --good <git-ref> --bad <git-ref> [--benchmark <name>] [--metric <m>]
                  [--config perfgate.yml] [--trials N] [--seed S] [--json]

Finds the first commit on bad's first-parent line after good where the benchmark moved,
measuring each step against good in randomized pairs (as run --base does).
Exit codes: 0 found · 1 no regression, or a step could not decide · 2 usage or config error
            3 setup or the benchmark failed on a commit
`;
const OPTIONS$2 = {
    good: { type: 'string' },
    bad: { type: 'string' },
    benchmark: { type: 'string' },
    metric: { type: 'string' },
    config: { type: 'string', short: 'c' },
    trials: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
};
/** The `--json` document: the culprit, its ratio against good, and every step. */
function bisectJson(outcome) {
    const steps = outcome.steps.map((s) => ({
        commit: s.commit,
        subject: s.subject,
        ratio: s.ratio,
        ciLow: s.ciLow,
        ciHigh: s.ciHigh,
        p: s.p,
        pairs: s.pairs,
        moved: s.moved,
        decision: s.decision,
        ...(s.setAside ? { setAside: s.setAside } : {})
    }));
    if (outcome.kind === 'found') {
        return {
            culprit: { commit: outcome.culprit.commit, subject: outcome.culprit.subject },
            ratio: outcome.ratio,
            ciLow: outcome.ciLow,
            ciHigh: outcome.ciHigh,
            steps
        };
    }
    return {
        culprit: null,
        reason: outcome.reason,
        ...(outcome.range
            ? { range: { after: outcome.range.after.commit, upTo: outcome.range.upTo.commit } }
            : {}),
        steps
    };
}
const ratioText = (r) => (Number.isFinite(r) ? `×${r.toFixed(3)}` : '–');
const subjectText = (s) => sanitizeChildText(s).replace(/\n/g, ' ');
/** The terminal text of an outcome. */
function renderBisect(outcome) {
    const short = (c) => c.commit.slice(0, 7);
    const lines = [];
    if (outcome.kind === 'found') {
        const c = outcome.culprit;
        lines.push(`culprit: ${c.commit} ${subjectText(c.subject)}`);
        lines.push(`  ${outcome.benchmark} ${outcome.metric} ${ratioText(outcome.ratio)} against good ` +
            `${short(outcome.good)} (${CI_LABEL} ${ratioText(outcome.ciLow)} – ${ratioText(outcome.ciHigh)}); ` +
            (outcome.lastGood.commit === outcome.good.commit
                ? 'the commit before it is good'
                : `the commit before it, ${short(outcome.lastGood)}, did not move`));
        if (c.parents > 1) {
            lines.push(`  it is a merge: to go into its branch, bisect again with ` +
                `--good $(git merge-base ${short(c)}^1 ${short(c)}^2) --bad ${short(c)}^2`);
        }
    }
    else {
        lines.push(`no culprit: ${sanitizeChildText(outcome.reason)}`);
        if (outcome.range) {
            lines.push(`  narrowed to the commits after ${short(outcome.range.after)} up to ${short(outcome.range.upTo)}`);
        }
    }
    for (const note of outcome.notes)
        lines.push(`  note: ${note}`);
    lines.push('');
    lines.push(`steps (${outcome.candidates} candidate${outcome.candidates === 1 ? '' : 's'}, at most ` +
        `${outcome.plannedSteps} steps, each against good at alpha ${outcome.stepAlpha.toPrecision(2)}; ` +
        `moved: significant and at least half-way to bad):`);
    const rows = outcome.steps.map((s, i) => {
        const decision = s.decision === 'errored'
            ? `errored: ${sanitizeChildText(s.error ?? '')}`
            : s.decision === 'not-moved'
                ? 'did not move'
                : s.decision;
        const measured = Number.isFinite(s.ratio);
        return [
            String(i + 1),
            s.role === 'bad' ? 'bad' : 'probe',
            short(s),
            measured ? ratioText(s.ratio) : '–',
            measured ? `[${s.ciLow.toFixed(3)}, ${s.ciHigh.toFixed(3)}]` : '',
            measured ? `p ${s.p.toPrecision(2)}` : '',
            `${s.pairs} pairs` +
                (s.setAside ? ` (pair ${s.setAside.pair} set aside: ${ratioText(s.setAside.ratio)})` : ''),
            decision,
            subjectText(s.subject)
        ];
    });
    const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col].length))) ?? [];
    for (const row of rows) {
        const cells = row.map((cell, col) => col === row.length - 1 ? cell : cell.padEnd(widths[col]));
        lines.push(`  ${cells.join('  ')}`.trimEnd());
    }
    return lines.join('\n') + '\n';
}
async function commandBisect(args, io) {
    try {
        const values = parse(args, OPTIONS$2);
        if (values.help) {
            io.stdout.write(BISECT_USAGE);
            return EXIT.passed;
        }
        if (values.good === undefined || values.bad === undefined) {
            throw new UsageError('bisect needs --good <git-ref> and --bad <git-ref>');
        }
        const trials = wholeNumber('trials', values.trials, 1, MAX_TRIALS);
        const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1) ?? randomInt(2 ** 31);
        const config = loadConfigFile(io.cwd, values.config);
        const outcome = await bisectRegression({
            config,
            good: values.good,
            bad: values.bad,
            seed,
            ...(values.benchmark !== undefined ? { benchmark: values.benchmark } : {}),
            ...(values.metric !== undefined ? { metric: values.metric } : {}),
            ...(trials !== undefined ? { trials } : {})
        }, { runner: io.runner ?? createProcessTrialRunner(), log: io.stderr });
        if (values.json)
            io.stdout.write(JSON.stringify(bisectJson(outcome), null, 2) + '\n');
        else
            io.stdout.write('\n' + renderBisect(outcome));
        if (outcome.kind === 'found')
            return EXIT.passed;
        return outcome.kind === 'errored' ? EXIT.runtime : EXIT.gateFailed;
    }
    catch (error) {
        const code = reportFailure(io.stderr, error, BISECT_USAGE);
        if (code === undefined)
            throw error;
        return code;
    }
}

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
    const level = testLevel(rule);
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
            futility: 0,
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
const OPTIONS$1 = {
    config: { type: 'string', short: 'c' },
    filter: { type: 'string' },
    trials: { type: 'string' },
    json: { type: 'boolean' }
};
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
        'decides at: the smallest threshold the configured pairs decide. docs/cli.md, "perfgate calibrate".');
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
    const values = parse(args, OPTIONS$1);
    const pairs = wholeNumber('trials', values.trials, 2, MAX_TRIALS, 'whole number of A/A pairs') ??
        DEFAULT_CALIBRATION_PAIRS;
    const filter = regex('filter', values.filter);
    const config = loadConfigFile(io.cwd, values.config);
    const calibration = await runCalibration({ config, ...(filter ? { filter } : {}), pairs, seed: randomInt(2 ** 31) }, { runner: io.runner ?? createProcessTrialRunner(), log: io.stderr });
    if (!calibration.clean) {
        io.stderr.write('perfgate: the working tree has uncommitted changes, so this was not an A/A (the base side is the committed HEAD)\n');
    }
    io.stdout.write(values.json ? calibrationJson(calibration) : renderCalibration(calibration));
    return calibration.benchmarks.some((b) => b.state === 'errored') ? EXIT.runtime : EXIT.passed;
}

/**
 * The terminal view of main's history (pure; returns a string): per series, a sparkline of
 * the recent commits' medians with the latest value, then its change points. Headline
 * metrics are shown, and any other series that has a change point; `--json` has them all.
 * Each step says where it stands: confirmed by a paired re-measure across its window
 * (with the commits compared and that A/B's ratio), not confirmed, accepted, or a candidate.
 */
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
/** "confirmed: between 1a2b3c4 and 5d6e7f8 +9.8 % [+8.1 %, +11.5 %], 30 pairs" and the like. */
function describeStatus(step) {
    const measured = step.confirmed;
    const pairs = measured && measured.verdict !== 'unmeasured'
        ? `: ${whereText(measured)} ${percent(measured.ratio)} ` +
            `[${percent(measured.low)}, ${percent(measured.high)}], ${measured.pairs} pairs`
        : '';
    switch (step.status) {
        case 'confirmed':
            return `confirmed${pairs}`;
        case 'not-confirmed':
            return `not confirmed by a paired re-measure${pairs}`;
        case 'accepted':
            return (`accepted on pull request ${step.accepted?.pullRequest ?? '?'} by ${clean(step.accepted?.by ?? '?')}: ` +
                clean(step.accepted?.reason ?? ''));
        default:
            return measured?.verdict === 'unmeasured'
                ? 'candidate: the paired re-measure could not be made'
                : 'candidate: not re-measured (perfgate history --confirm)';
    }
}
/** Which series found a step, as the step's line says it. */
const FOUND_ON = {
    raw: 'found on the stored values',
    relative: 'found relative to the other benchmarks of each run',
    both: 'found on the stored values and relative to the other benchmarks'
};
/** Why a series has no relative values to judge (src/history/relative.ts). */
const RAW_ONLY = 'stored values only: no other benchmark of its kind to compare within a run';
const percent = (ratio) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;
function describeStep(series, step) {
    const position = series.points.findIndex((point) => point.commit === step.commit);
    const worse = METRICS[series.metric].higherIsBetter ? step.ratio < 1 : step.ratio > 1;
    const change = `${step.ratio >= 1 ? '+' : ''}${((step.ratio - 1) * 100).toFixed(1)} %`;
    const interval = `[${((step.ciLow - 1) * 100).toFixed(1)} %, ${((step.ciHigh - 1) * 100).toFixed(1)} %]`;
    return (`    ${worse ? '▲ worse' : '▼ better'} ${change} ${interval} at ${shortSha(step.commit)} ` +
        `(commit ${position + 1} of ${series.points.length}): ` +
        `${formatMetric(series.metric, step.before)} → ${formatMetric(series.metric, step.after)}, ` +
        `${formatP(step.p)}, ${FOUND_ON[step.foundOn]}\n      ${describeStatus(step)}`);
}
/** Renders the history for the terminal; `trendPoints` commits per sparkline. */
function renderHistoryTerminal(report, trendPoints = DEFAULT_TREND_POINTS) {
    const commits = new Set(report.series.flatMap((s) => s.points.map((p) => p.commit))).size;
    const lines = [];
    const benchmarks = new Set(report.series.map((s) => s.benchmark));
    const confirmed = report.changePoints.filter((step) => step.status === 'confirmed').length;
    lines.push(`perfgate history: ${commits} commit${commits === 1 ? '' : 's'}, ` +
        `${benchmarks.size} benchmark${benchmarks.size === 1 ? '' : 's'}, ` +
        `${report.changePoints.length} change point${report.changePoints.length === 1 ? '' : 's'} ` +
        `(${confirmed} confirmed)`);
    if (report.series.length === 0) {
        lines.push('no stored results to show');
        return lines.join('\n') + '\n';
    }
    const judged = report.series.filter((series) => !series.skipped);
    const rawOnly = judged.every((series) => series.relativeTo === 0);
    if (judged.length > 0 && rawOnly)
        lines.push(`each series judged on its ${RAW_ONLY}`);
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
            (series.skipped
                ? ` (not tested: ${series.skipped})`
                : !rawOnly && series.relativeTo === 0
                    ? ` (${RAW_ONLY})`
                    : ''));
        for (const step of steps)
            lines.push(describeStep(series, step));
    }
    return lines.join('\n') + '\n';
}

/**
 * `perfgate history`: main's trend and change points, from the data branch (default) or a
 * directory of results files, with the confirmations stored on the data branch. With
 * `--confirm`, each candidate step of a gated metric not confirmed yet is re-measured here
 * as one paired A/B across its window of stored commits (progress on stderr; nothing is
 * written to the data branch). Prints the terminal view (or `--json`); exits 0 when it
 * could read the history (a change point is information, not a failed gate), 2 on a usage
 * error or when there is no stored history to read (an empty directory, a branch without
 * results), 1 when --confirm cannot load the config.
 */
const HISTORY_USAGE = `  perfgate history  [--data-branch perfgate-data] [--remote origin] | [--dir <results dir>]
                    [--last <commits>] [--filter <regex>] [--json] [--html <dir>]
                    [--commit-url <url with {commit}>] [--confirm [--config perfgate.yml]]`;
const HISTORY_OPTIONS = {
    'data-branch': { type: 'string' },
    remote: { type: 'string' },
    dir: { type: 'string' },
    filter: { type: 'string' },
    last: { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
    'commit-url': { type: 'string' },
    confirm: { type: 'boolean' },
    config: { type: 'string' }
};
/** Most candidates `--confirm` re-measures in one call (see stepsToConfirm for the order). */
const MAX_LOCAL_CONFIRMATIONS = 10;
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
    let last;
    if (values.last !== undefined) {
        if (!/^[1-9][0-9]{0,8}$/.test(values.last)) {
            return usage(io, `--last: expected a whole number of commits (1 or more), got ${JSON.stringify(values.last)}`);
        }
        last = Number(values.last);
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
    if (values.config !== undefined && !values.confirm) {
        return usage(io, '--config is read only with --confirm (the config that decides what is measured)');
    }
    const inRepo = gitSync(io.cwd, ['rev-parse', '--is-inside-work-tree']).out === 'true';
    if (values.confirm && !inRepo) {
        return usage(io, `--confirm: ${io.cwd} is not in a git repository: the commits are checked out from it`);
    }
    const onWarning = (message) => io.stderr.write(`perfgate: warning: ${message}\n`);
    let entries;
    let stored = [];
    try {
        if (values.dir !== undefined) {
            entries = readResultsDir(path.resolve(io.cwd, values.dir), {
                repo: inRepo ? io.cwd : undefined,
                onWarning,
                last,
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
                last,
                onWarning
            });
            stored = readBranchConfirmations({ cwd: io.cwd, branch: values['data-branch'], onWarning });
        }
    }
    catch (error) {
        if (!(error instanceof HistoryError))
            throw error;
        io.stderr.write(`perfgate history: ${error.message}\n`);
        return EXIT.usage;
    }
    let report = historyOf(entries, { filter, confirmations: stored });
    if (values.confirm) {
        const added = await confirmLocally(entries, report, values.config, io);
        if (added === undefined)
            return EXIT.runtime;
        report = historyOf(entries, { filter, confirmations: [...stored, ...added] });
    }
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
 * `--confirm`: re-measures the candidates (found on both series first, then the larger
 * step, then the newest; at most MAX_LOCAL_CONFIRMATIONS)
 * with the working tree's config; undefined when the config cannot be loaded (said on
 * stderr).
 */
async function confirmLocally(entries, report, configFile, io) {
    const steps = stepsToConfirm(report.changePoints, {
        order: entries.map((e) => e.commit),
        limit: MAX_LOCAL_CONFIRMATIONS,
        series: report.series
    });
    io.stderr.write(`perfgate history: ${steps.length} candidate step${steps.length === 1 ? '' : 's'} to confirm\n`);
    if (steps.length === 0)
        return [];
    let config;
    try {
        config = loadConfigFile(io.cwd, configFile);
    }
    catch (error) {
        if (!(error instanceof ConfigError))
            throw error;
        io.stderr.write(`perfgate history: --confirm: ${error.message}\n`);
        return undefined;
    }
    return confirmSteps(config, steps, {
        runner: io.runner ?? createProcessTrialRunner(),
        log: (line) => io.stderr.write(`${line}\n`)
    }, { budgetMs: Number.POSITIVE_INFINITY });
}

/** A YAML string: JSON's double-quoted form is valid YAML. */
const quoted = (text) => JSON.stringify(text);
/** The config text; `perfgate validate` accepts it as it is. */
function renderStarterConfig(benchmarks) {
    const lines = [
        '# Written by `perfgate init` from the bench files found in this repository.',
        '# Check it with `perfgate validate`; compare a branch with `perfgate run --base main`.',
        '# The README has every setting (trials, budgets, compare.gate, ...).',
        '',
        '# A shell command run in every checkout measured, before any benchmark, e.g.:',
        '# setup: npm ci',
        '',
        'benchmarks:'
    ];
    for (const b of benchmarks) {
        lines.push(`  - name: ${quoted(b.name)} # ${b.harness}`);
        lines.push('    function:');
        lines.push(`      file: ${quoted(b.file)}`);
        lines.push(`      bench: ${quoted(b.bench)}`);
        if (b.timeMs !== undefined)
            lines.push(`      time: ${quoted(`${Math.round(b.timeMs)}ms`)}`);
        if (b.warmupMs !== undefined)
            lines.push(`      warmup: ${quoted(`${Math.round(b.warmupMs)}ms`)}`);
    }
    return lines.join('\n') + '\n';
}

/**
 * `perfgate init`: finds the bench files of a repository — `*.bench.*` files and, in
 * `bench/` or anywhere else, files importing perfgate, vitest's bench, tinybench, mitata or
 * Benchmark.js — lists the benches each registers (loading it in a
 * worker, as a trial would) and writes a starting perfgate.yml with one benchmark each.
 */
/** Folders never searched: dependencies, build output, version control and tool caches. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);
const SCRIPT = /\.(?:[cm]?js|[cm]?ts)$/;
const BENCH_NAME = /\.bench\.(?:[cm]?js|[cm]?ts)$/;
/** Larger files are not bench files worth reading. */
const MAX_SOURCE_BYTES = 1_000_000;
const MAX_NAME_LENGTH = 100;
/** Script files under `root` that look like bench files, sorted. */
function findBenchFiles(root) {
    const found = [];
    const walk = (dir, relative) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
            if (entry.name.startsWith('.'))
                continue;
            const rel = relative ? `${relative}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                if (!SKIPPED_DIRS.has(entry.name))
                    walk(path.join(dir, entry.name), rel);
                continue;
            }
            if (!entry.isFile() || !SCRIPT.test(entry.name) || entry.name.endsWith('.d.ts'))
                continue;
            const full = path.join(dir, entry.name);
            if (statSync(full).size > MAX_SOURCE_BYTES)
                continue;
            const harnesses = importedHarnesses(readFileSync(full, 'utf8'));
            // A *.bench.* file is tried whatever it imports; elsewhere (a bench/ folder included)
            // a file that imports no harness is a helper or a script, and is not run.
            if (harnesses.length > 0 || BENCH_NAME.test(entry.name))
                found.push({ file: rel, harnesses });
        }
    };
    walk(root, '');
    return found.sort((a, b) => a.file.localeCompare(b.file));
}
/** Names unique across files: a repeated bench name is prefixed with its file's name. */
function uniqueName(name, file, taken) {
    let candidate = name;
    if (taken.has(candidate))
        candidate = `${path.posix.basename(file).replace(BENCH_NAME, '')} › ${name}`;
    for (let n = 2; taken.has(candidate); n++)
        candidate = `${name} (${n})`;
    if (candidate.length > MAX_NAME_LENGTH)
        candidate = candidate.slice(0, MAX_NAME_LENGTH - 1) + '…';
    taken.add(candidate);
    return candidate;
}
/** Finds bench files under the config's folder, lists their benches, writes the config. */
async function initProject(options, deps) {
    const root = path.dirname(options.configPath);
    if (existsSync(options.configPath) && !options.force) {
        return {
            ok: false,
            message: `${options.configPath} exists; pass --force to overwrite it`
        };
    }
    const files = findBenchFiles(root);
    const benchmarks = [];
    const notes = [];
    const skipped = [];
    const taken = new Set();
    for (const { file } of files) {
        const listing = await deps.list(path.join(root, file));
        if (!listing.ok) {
            skipped.push({ file, reason: listing.message });
            continue;
        }
        if (listing.benches.length === 0) {
            skipped.push({ file, reason: 'registers no bench' });
            continue;
        }
        for (const bench of listing.benches) {
            benchmarks.push({
                name: uniqueName(bench.name, file, taken),
                file,
                bench: bench.name,
                harness: bench.harness,
                ...(bench.timeMs !== undefined ? { timeMs: bench.timeMs } : {}),
                ...(bench.warmupMs !== undefined ? { warmupMs: bench.warmupMs } : {})
            });
            notes.push(...bench.notes.map((note) => `${file}: ${note}`));
        }
    }
    if (benchmarks.length === 0) {
        const why = skipped.map((s) => `\n  ${s.file}: ${s.reason}`).join('');
        return {
            ok: false,
            message: files.length === 0
                ? `no bench files found under ${root} (looked for *.bench.{js,mjs,cjs,ts,mts,cts} and ` +
                    'files importing perfgate, vitest bench, tinybench, mitata or benchmark)'
                : `no benchmark found in the ${files.length} bench file(s) under ${root}:${why}`
        };
    }
    const text = renderStarterConfig(benchmarks);
    // What is written must pass `perfgate validate`; a ConfigError here is perfgate's bug.
    parseConfig(text, options.configPath, { fileExists: existsSync });
    writeFileSync(options.configPath, text);
    return { ok: true, text, benchmarks, notes: [...new Set(notes)], skipped };
}

/**
 * The benches a bench file registers, whatever harness it is written for: the file is
 * loaded in a worker process, as a trial would load it, and nothing is measured.
 */
/** Loads `file` (absolute) in a fresh worker and lists its benches; `timeoutMs` bounds it. */
async function listBenches(file, timeoutMs = 60_000) {
    let args;
    try {
        args = workerArgs(file);
    }
    catch (error) {
        return { ok: false, message: error.message };
    }
    const { child, finished } = startChild(workerNode().path, args, {
        cwd: path.dirname(file),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        timeoutMs
    });
    let reply;
    child.on('message', (message) => {
        reply ??= message;
    });
    child.send({
        type: 'list',
        file,
        apiUrl: API_URL.href,
        harnessUrls: HARNESS_URLS
    }, () => undefined);
    const end = await finished;
    const answer = reply;
    if (answer?.type === 'listed')
        return { ok: true, benches: answer.benches };
    if (answer?.type === 'error')
        return { ok: false, message: sanitizeChildText(answer.message) };
    if (end.timedOut)
        return { ok: false, message: `loading took over ${timeoutMs / 1000} s` };
    const tail = end.stderr.text();
    return {
        ok: false,
        message: `worker ${describeExit(end)} before listing its benches${tail ? `: ${sanitizeChildText(tail)}` : ''}`
    };
}

/**
 * `perfgate init`: writes a starting perfgate.yml with a function benchmark for each bench
 * found in the repository's bench files, whatever harness they are written for.
 */
const INIT_USAGE = `  perfgate init     [--config perfgate.yml] [--force]`;
const OPTIONS = {
    config: { type: 'string', short: 'c' },
    force: { type: 'boolean' }
};
async function commandInit(args, io) {
    const values = parse(args, OPTIONS);
    const configPath = path.resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE);
    const result = await initProject({ configPath, force: values.force === true }, { list: (file) => listBenches(file) });
    if (!result.ok) {
        io.stderr.write(`perfgate: ${result.message}\n`);
        return EXIT.usage;
    }
    for (const note of result.notes)
        io.stderr.write(`note: ${note}\n`);
    for (const { file, reason } of result.skipped)
        io.stderr.write(`skipped ${file}: ${reason}\n`);
    const files = new Set(result.benchmarks.map((b) => b.file));
    io.stdout.write(`${displayPath(io.cwd, configPath)} written: ${result.benchmarks.length} benchmark(s) ` +
        `from ${files.size} file(s):\n` +
        result.benchmarks.map((b) => `  ${b.name} (${b.harness}, ${b.file})\n`).join('') +
        'Next: perfgate validate, then perfgate run --base main\n');
    return EXIT.passed;
}

/**
 * How the command line presents a run: its outputs opened before anything is measured,
 * the request run through the PR-run use case, and its publishers: the terminal report (or
 * the results as JSON on standard output), the results file (--out) and the markdown report
 * (--report), all from the one report model. Files are written after the report is shown, so a late
 * write failure never hides what was measured; it makes the exit code 3.
 */
/** The terminal report, or the results as JSON on standard output with --json. */
function screenPublisher(outputs, io) {
    const terminal = outputs.out?.isStdout || outputs.report?.isStdout ? io.stderr : io.stdout;
    return {
        publish: ({ results, report }) => {
            if (outputs.json) {
                io.stdout.write(serializeResults(results));
                return;
            }
            const table = results.benchmarks.length > 0 ? renderTerminalReport(results) + '\n' : '';
            terminal.write(`\n${table}${renderTerminalVerdict(report)}`);
        }
    };
}
/** Publishers for the screen, --out and --report. */
function cliPublishers(outputs, io) {
    let failed = false;
    const file = (target, what, text) => target
        ? [
            {
                publish: (run) => {
                    try {
                        target.write(text(run));
                        if (!target.isStdout) {
                            io.stderr.write(`${what} written to ${terminalName(target.display)}\n`);
                        }
                    }
                    catch (error) {
                        if (!(error instanceof OutputError))
                            throw error;
                        writeProblem(io.stderr, error.message);
                        failed = true;
                    }
                }
            }
        ]
        : [];
    return {
        publishers: [
            screenPublisher(outputs, io),
            ...file(outputs.out, 'results', ({ results }) => serializeResults(results)),
            ...file(outputs.report, 'report', ({ report }) => renderMarkdownReport(report, { version: VERSION }))
        ],
        writeFailed: () => failed
    };
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
 * Runs a request through the PR-run use case, published to the screen and the files asked
 * for; returns the outcome's exit code (3 when a file could not be written).
 */
async function judgeAndPresent(request, outputs, io, deps = {}) {
    const shown = cliPublishers(outputs, io);
    const run = await prRun(request, {
        runner: io.runner ?? createProcessTrialRunner(),
        log: cliLog(io.stderr),
        ...deps,
        publishers: shown.publishers
    });
    return shown.writeFailed() ? EXIT.runtime : run.outcome.exitCode;
}
/** The CLI's log for the use case: notes and warnings alike go to stderr. */
function cliLog(stderr) {
    return {
        ...(stderr.isTTY !== undefined ? { isTTY: stderr.isTTY } : {}),
        write: (text) => stderr.write(text),
        info: (line) => void stderr.write(`${line}\n`),
        warning: (line) => void stderr.write(`${line}\n`)
    };
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
            writeProblem(io.stderr, `${error.message}; will try again at the end`);
        }
    };
}

/**
 * The perfgate command line: turns argv into a request for the PR-run use case
 * (src/app/pr-run.ts), has it presented (src/cli/present.ts: terminal report, files, JSON)
 * and returns the exit code of the outcome: 0 passed · 1 gate failed · 2 usage or config error · 3 a benchmark could not be
 * measured (or results could not be written).
 */
const USAGE = `perfgate ${VERSION} — benchmarks with a verdict you can trust

Usage:
  perfgate run      [--config perfgate.yml] [--base <git-ref>] [--baseline <results.json>]
                    [--out results.json] [--report report.md] [--trials N] [--seed S]
                    [--filter <regex>] [--fail-on ${FAIL_ON_VALUES.join('|')}]
                    [--setup-head] [--json] [--measure ${MEASURE_VALUES.join('|')}]
                    [--shard i/n] [--max-duration 15m] [--profile] [--profile-dir DIR]
  perfgate compare  <base-results.json> <head-results.json> [--report report.md]
                    [--out results.json] [--json]
  perfgate merge    <shard-results.json>... [--report report.md] [--out results.json]
                    [--json]
  perfgate validate [--config perfgate.yml]
${INIT_USAGE}
${HISTORY_USAGE}
${CALIBRATE_USAGE}
  perfgate bisect   --good <git-ref> --bad <git-ref> [--benchmark <name>] [--metric <m>]
                    [--config perfgate.yml] [--trials N] [--seed S] [--json]
  perfgate --version | --help

--out and --report take - for standard output (the terminal report then goes to stderr).
--profile CPU-profiles base and head of every compared benchmark (by default only on a
regression, per the config's profile); profiles and flame graphs go to --profile-dir
(default .perfgate/profiles beside the config).
Exit codes: 0 passed · 1 gate failed · 2 usage or config error
            3 a benchmark could not be measured
`;
const RUN_OPTIONS = {
    config: { type: 'string', short: 'c' },
    base: { type: 'string' },
    baseline: { type: 'string' },
    'setup-head': { type: 'boolean' },
    'fail-on': { type: 'string' },
    measure: { type: 'string' },
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
function durationFlag(flag, text) {
    if (text === undefined)
        return undefined;
    const parsed = parseDuration(text);
    if (!parsed.ok || parsed.value <= 0 || parsed.value > MAX_DURATION_MS) {
        throw new UsageError(`--${flag}: expected a duration like "15m" or "90s" (at most 24 hours), got ${JSON.stringify(text)}`);
    }
    return parsed.value;
}
/** A flag taking one of a few words (--fail-on, --measure). */
function choiceFlag(flag, choices, text) {
    if (text === undefined)
        return undefined;
    if (!choices.includes(text)) {
        throw new UsageError(`--${flag}: expected ${choices.join(', ')}, got ${JSON.stringify(text)}`);
    }
    return text;
}
function failOnFlag(text) {
    return choiceFlag('fail-on', FAIL_ON_VALUES, text);
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
    const measure = choiceFlag('measure', MEASURE_VALUES, values.measure);
    const config = loadConfigFile(io.cwd, values.config, measure);
    const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1);
    // Outputs and a stored baseline are checked before anything is measured.
    const outputs = openOutputs(values, io);
    const baseline = values.base !== undefined
        ? { kind: 'merge-base', ref: values.base }
        : values.baseline !== undefined
            ? { kind: 'file', cwd: io.cwd, file: values.baseline }
            : { kind: 'none' };
    const request = {
        kind: 'measure',
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
    const onPartial = partialWriter(outputs.out, io);
    return judgeAndPresent(request, outputs, io, {
        // HEAD seeds a shard's pair order; the command line never fetches a commit.
        git: { head: () => readCheckout(config.dir) },
        ...(onPartial ? { onPartial } : {}),
        profiler: {
            runner: io.profileRunner ?? createProcessProfileRunner(),
            outDir: path.resolve(io.cwd, values['profile-dir'] ?? path.join(config.dir, '.perfgate', 'profiles')),
            link: (dir) => displayPath(io.cwd, dir)
        }
    });
}
async function commandCompare(args, io) {
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
    return judgeAndPresent({ kind: 'compare', base, head, baseSource: baseFile }, outputs, io);
}
async function commandMerge(args, io) {
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
    const files = readShardFiles(io.cwd, parsed.positionals);
    const outputs = openOutputs(parsed.values, io);
    return judgeAndPresent({ kind: 'merge', shards: files }, outputs, io);
}
function commandValidate(args, io) {
    const values = parse(args, VALIDATE_OPTIONS);
    const config = loadConfigFile(io.cwd, values.config);
    io.stdout.write(`${terminalName(displayPath(io.cwd, config.file), Infinity)}: valid, ${config.benchmarks.length} benchmark(s): ` +
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
                return await commandCompare(rest, io);
            case 'merge':
                return await commandMerge(rest, io);
            case 'history':
                return await commandHistory(rest, io);
            case 'calibrate':
                return await commandCalibrate(rest, io);
            case 'bisect':
                return await commandBisect(rest, io);
            case 'validate':
                return commandValidate(rest, io);
            case 'init':
                return await commandInit(rest, io);
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
        const code = reportFailure(io.stderr, error, USAGE);
        if (code === undefined)
            throw error;
        return code;
    }
}

/** Entry of the perfgate command line (bin/perfgate.js runs the bundled copy). */
const stdout = guardOutput(process.stdout);
const stderr = guardOutput(process.stderr);
installSignalCleanup((text) => stderr.write(text));
main(process.argv.slice(2), { stdout, stderr, cwd: process.cwd() }).then((code) => {
    process.exitCode = code;
}, (error) => {
    cleanUpEverything();
    const text = error?.stack ?? String(error);
    stderr.write(`perfgate: internal error: ${sanitizeChildText(text)}\n`);
    process.exitCode = 3;
});
