import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);
/**
 * The environment of every process perfgate starts (benchmarks, servers, function
 * workers, the base's setup command): perfgate's own, minus credentials. GitHub hands a
 * JavaScript action its inputs (`INPUT_TOKEN`), the runtime token of the job and the
 * OIDC request token; none of them may reach the code under test, which in a pull
 * request is the proposed change itself.
 */
/** Variables never passed on, by exact name. */
const WITHHELD_NAMES = new Set([
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'ACTIONS_CACHE_URL',
    'ACTIONS_RESULTS_URL'
]);
/** Variables never passed on, by prefix: action inputs, the runtime and OIDC tokens. */
const WITHHELD_PREFIXES = ['INPUT_', 'ACTIONS_RUNTIME_', 'ACTIONS_ID_TOKEN_REQUEST_'];
/** Whether a variable of perfgate's environment is kept from child processes. */
function isWithheld(name) {
    const upper = name.toUpperCase();
    return WITHHELD_NAMES.has(upper) || WITHHELD_PREFIXES.some((p) => upper.startsWith(p));
}
/**
 * A child's environment: perfgate's environment without the withheld variables, then
 * `extra` (a benchmark's configured `env`, `PORT`, …), which is set as given.
 */
function childEnv(extra = {}, parent = process.env) {
    const env = {};
    for (const [name, value] of Object.entries(parent)) {
        if (value !== undefined && !isWithheld(name))
            env[name] = value;
    }
    return { ...env, ...extra };
}

export { childEnv as c, isWithheld as i };
