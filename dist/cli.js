import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { V as VERSION, F as FAIL_ON_VALUES, E as EXIT, R as RequestError, a as ResultsError, B as BaseCheckoutError, C as ConfigError, l as loadConfigFile, d as displayPath, r as readResultsFile, m as mergeShards, c as compareStored, p as parseShard, s as sharedSeed, b as configHash, e as readEnvironment, f as runBenchmarks, g as buildReport, h as serializeResults, i as renderTerminalReport, j as renderTerminalVerdict, k as renderMarkdownReport, O as OutputError, o as outcomeOf, n as openOutput, M as MAX_TRIALS, q as createProcessTrialRunner, t as installSignalCleanup, u as cleanUpEverything } from './chunk-signals.js';
import 'node:fs';
import 'node:path';
import 'process';
import 'buffer';
import 'node:child_process';
import 'node:os';
import './chunk-quantile.js';
import 'node:module';
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
                    [--shard i/n]
  perfgate compare  <base-results.json> <head-results.json> [--report report.md]
                    [--out results.json] [--json]
  perfgate merge    <shard-results.json>... [--report report.md] [--out results.json]
                    [--json]
  perfgate validate [--config perfgate.yml]
  perfgate --version | --help

--out and --report take - for standard output (the terminal report then goes to stderr).
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
function present(results, outputs, io) {
    const model = buildReport(results, results.comparison);
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
        ...(shard ? { shard } : {})
    };
    const results = await runBenchmarks(request, {
        runner: io.runner ?? createProcessTrialRunner(),
        log: io.stderr,
        onPartial: partialWriter(outputs.out, io)
    });
    return present(results, outputs, io);
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
