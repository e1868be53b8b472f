import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { readFileSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { i as isWithheld } from './chunk-env.js';

/**
 * Secrets out of reach of the code perfgate runs. GitHub starts a JavaScript action with its
 * inputs (`INPUT_TOKEN`), the job's runtime token and the OIDC request token in its
 * environment. Deleting them from `process.env` is not enough: on Linux any process of the
 * same user — every benchmark, server, worker and setup command, which in a pull request is
 * the proposed change itself — can read `/proc/<pid>/environ` of its ancestors, and that file
 * shows the environment a process was started with, not the one it has now.
 *
 * So perfgate takes them at start: it keeps their values in memory, deletes them from
 * `process.env` (no child inherits them), and overwrites them where the kernel reads
 * `/proc/<pid>/environ` from — the block of strings at the top of the process's stack,
 * between `env_start` and `env_end` of `/proc/self/stat` (proc(5)) — through
 * `/proc/self/mem`, then reads `/proc/self/environ` back to check. A process's memory is not
 * readable by its children where ptrace is restricted to descendants (Yama `ptrace_scope`
 * 1, the default on Ubuntu and on GitHub's hosted runners), so the values kept in memory
 * stay out of their reach.
 *
 * Why not re-execute without them (`process.execve`, Node 22.15+): Node opens every
 * descriptor close-on-exec, so the new image could only get the token back through a file
 * on disk, and Node 20 has no execve at all; a child process started without them would
 * leave this one, its parent, with the token in its start environment. Overwriting in place
 * works on every Node version, keeps the process the runner waits for, and is checked
 * after the fact.
 */
/**
 * Takes every withheld variable (see env.ts) out of this process's environment: returns the
 * values, deletes them from `env`, and on Linux erases them from the start environment.
 */
function takeSecrets(env = process.env) {
    const values = {};
    for (const [name, value] of Object.entries(env)) {
        if (value !== undefined && isWithheld(name)) {
            values[name] = value;
            delete env[name];
        }
    }
    return { values, start: eraseFromStartEnvironment() };
}
/** The withheld names still in this process's start environment as /proc shows it. */
function exposedNames() {
    return readFileSync('/proc/self/environ')
        .toString('latin1')
        .split('\0')
        .map((entry) => entry.slice(0, Math.max(0, entry.indexOf('='))))
        .filter((name) => name !== '' && isWithheld(name));
}
/** Overwrites the withheld entries of the start environment with zero bytes (Linux). */
function eraseFromStartEnvironment() {
    if (process.platform !== 'linux')
        return { state: 'unchecked', platform: process.platform };
    let names;
    try {
        names = exposedNames();
    }
    catch (error) {
        return { state: 'exposed', names: [], reason: error.message };
    }
    if (names.length === 0)
        return { state: 'clean' };
    try {
        // Fields after the command name's closing parenthesis start at field 3 (state);
        // env_start and env_end are fields 50 and 51 (Linux 3.5+).
        const stat = readFileSync('/proc/self/stat', 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const start = Number(fields[50 - 3]);
        const end = Number(fields[51 - 3]);
        if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start)) {
            throw new Error('/proc/self/stat gives no environment block');
        }
        const block = Buffer.alloc(end - start);
        const mem = openSync('/proc/self/mem', 'r+');
        try {
            readSync(mem, block, 0, block.length, start);
            let offset = 0;
            while (offset < block.length) {
                const stop = block.indexOf(0, offset);
                const entryEnd = stop === -1 ? block.length : stop;
                const entry = block.toString('latin1', offset, entryEnd);
                const name = entry.slice(0, Math.max(0, entry.indexOf('=')));
                if (name !== '' && isWithheld(name)) {
                    block.fill(0, offset, entryEnd);
                    writeSync(mem, block, offset, entryEnd - offset, start + offset);
                }
                offset = entryEnd + 1;
            }
        }
        finally {
            closeSync(mem);
        }
        const left = exposedNames();
        if (left.length > 0)
            throw new Error(`still readable: ${left.join(', ')}`);
        return { state: 'erased', names };
    }
    catch (error) {
        return { state: 'exposed', names, reason: error.message };
    }
}

export { takeSecrets as t };
