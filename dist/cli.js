import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { i as installSignalCleanup, m as main, c as cleanUpEverything } from './chunk-signals.js';
import 'node:crypto';
import 'node:fs';
import 'node:path';
import 'node:util';
import 'process';
import 'buffer';
import './chunk-quantile.js';
import 'node:os';
import 'node:child_process';
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
