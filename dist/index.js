import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { t as takeSecrets } from './chunk-start-env.js';
import 'node:fs';
import './chunk-env.js';

/**
 * Entry of the GitHub Action (action.yml runs dist/index.js). The secrets leave the start
 * environment first, before the rest of the action (a large bundle that takes a while to
 * load) is imported: a process already running beside the action, left by an earlier step,
 * could read them in /proc/<pid>/environ for as long as they stay there.
 */
const secrets = takeSecrets();
const { run } = await import('./chunk-main.js');
const { installSignalCleanup } = await import('./chunk-signals.js').then(function (n) { return n.s; });
installSignalCleanup((text) => process.stdout.write(text));
void run(secrets);
