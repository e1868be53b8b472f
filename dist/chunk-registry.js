import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
const KEY = Symbol.for('perfgate.benches');
/** The process-wide registry of benches (created on first use). */
function benchRegistry() {
    const root = globalThis;
    root[KEY] ??= new Map();
    return root[KEY];
}

export { benchRegistry as b };
