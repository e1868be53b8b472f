import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Synchronous clean-up steps (stopping children, removing temporary directories and the
 * base worktree) that must run however perfgate ends: normally via `finally`, and on
 * Ctrl-C or SIGTERM through runCleanups() from the CLI.
 */
const steps = new Set();
/** Registers a step; the returned function runs it once and unregisters it. */
function registerCleanup(step) {
    let done = false;
    const once = () => {
        if (done)
            return;
        done = true;
        steps.delete(once);
        step();
    };
    steps.add(once);
    return once;
}
/** Runs every registered step (newest first); a failing step does not stop the others. */
function runCleanups() {
    for (const step of [...steps].reverse()) {
        try {
            step();
        }
        catch {
            // Best effort while exiting.
        }
    }
}
/**
 * A fresh directory under the system's temporary directory, removed by `remove()` (call
 * it in a `finally`) or by runCleanups() if perfgate is interrupted first.
 */
function createTempDir(prefix = 'perfgate-') {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    const remove = registerCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return { path: dir, remove };
}

/**
 * However perfgate ends, its clean-up steps run: Ctrl-C and SIGTERM (a cancelled CI job)
 * run them before exiting, and so does any other exit (an uncaught error, process.exit).
 * Every started child registers one (kill its process group and whatever carries its
 * marker), as do temporary directories and the base worktree. Both entry points install it.
 */
/** Stops children, removes temporary files and worktrees now (also for fatal errors). */
function cleanUpEverything() {
    runCleanups();
}
function installSignalCleanup(write) {
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.once(signal, () => {
            cleanUpEverything();
            write(`\nperfgate: interrupted (${signal}); benchmark processes stopped\n`);
            process.exit(signal === 'SIGINT' ? 130 : 143);
        });
    }
    // The last net: steps are synchronous, so they can still run while the process exits.
    // A step that already ran has unregistered itself, so nothing runs twice.
    process.on('exit', cleanUpEverything);
}
/**
 * perfgate's standard output or error, safe to write whoever reads it. When the reader goes
 * away (`perfgate run | head -1`, a closed terminal or log), the next write fails with EPIPE,
 * reported as an 'error' event; unhandled, that event ends the process on the spot, in the
 * middle of a run. Here a failed stream is marked closed and written no more: the run goes on
 * to its end (its results and report files are still written) and to its clean-up.
 */
function guardOutput(stream) {
    let closed = false;
    // Any error of our own output (EPIPE, EIO of a closed terminal) means: stop writing to it.
    stream.on('error', () => {
        closed = true;
    });
    return {
        write(text) {
            if (closed || stream.destroyed || !stream.writable) {
                closed = true;
                return false;
            }
            try {
                return stream.write(text);
            }
            catch {
                closed = true;
                return false;
            }
        },
        get isTTY() {
            return stream.isTTY === true;
        },
        get closed() {
            return closed;
        }
    };
}

var signals = /*#__PURE__*/Object.freeze({
    __proto__: null,
    cleanUpEverything: cleanUpEverything,
    guardOutput: guardOutput,
    installSignalCleanup: installSignalCleanup
});

export { createTempDir as a, cleanUpEverything as c, guardOutput as g, installSignalCleanup as i, registerCleanup as r, signals as s };
