// Module hooks that load perfgate's sources the way @github/local-action does: its module
// stubbing (quibble) adds a query to every module URL, e.g. `src/main.ts?__quibble=1`, so
// import.meta.url of a source file does not end in `.ts`. Registered with module.register.
const SOURCES = new URL('../../src/', import.meta.url).href

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  if (resolved.url.startsWith(SOURCES) && !resolved.url.includes('?')) {
    return { ...resolved, url: `${resolved.url}?__quibble=1` }
  }
  return resolved
}
