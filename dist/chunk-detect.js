import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
import { H as HARNESS_SPECIFIERS } from './chunk-count.js';

/** `from 'x'`, `import 'x'`, `import('x')`, `require('x')`, with the imported names when given. */
const IMPORT = /(?:import\s*(?:([\w*\s{},$]+?)\s*from\s*)?|import\s*\(\s*|require\s*\(\s*)(['"])([^'"\n]+)\2/g;
/**
 * The harnesses `source` imports, perfgate's own included. vitest counts only when its
 * bench API is imported (a test file imports vitest too).
 */
function importedHarnesses(source) {
    const found = new Set();
    for (const match of source.matchAll(IMPORT)) {
        const names = match[1] ?? '';
        const specifier = match[3];
        if (specifier === 'perfgate')
            found.add('perfgate');
        for (const [harness, name] of Object.entries(HARNESS_SPECIFIERS)) {
            if (specifier !== name)
                continue;
            if (harness === 'vitest' && !/\bbench\b|\*/.test(names))
                continue;
            found.add(harness);
        }
    }
    return [...found];
}

export { importedHarnesses as i };
