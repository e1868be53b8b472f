import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
/**
 * Where bench() calls register their functions. The registry lives on globalThis under a
 * registered symbol, so the worker finds the benches whichever copy of perfgate's API the
 * bench file loaded (bundled, from source, or through the resolve hook).
 */
const KEY = Symbol.for('perfgate.benches');
/** The process-wide registry of benches (created on first use). */
function benchRegistry() {
    const root = globalThis;
    root[KEY] ??= new Map();
    return root[KEY];
}

export { benchRegistry as b };
