// Bundles perfgate into dist/: the action entry, the CLI, the function worker and the
// bench-file API. Files sit flat in dist/ because src/runtime-files.ts finds the worker
// and the API next to the running bundle. Also writes api.d.ts, the bench-file API's
// types in one file, generated from src/api.ts.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

/** @type {import('rollup').RollupOptions} */
const config = {
  input: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    worker: 'src/runners/function/worker.ts',
    api: 'src/api.ts'
  },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunk-[name].js',
    sourcemap: false,
    // CommonJS dependencies that call require() at run time need it in an ES module.
    banner:
      "import { createRequire as __perfgateCreateRequire } from 'node:module'; const require = __perfgateCreateRequire(import.meta.url);"
  },
  plugins: [
    typescript({ tsconfig: 'tsconfig.build.json' }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    json()
  ],
  onwarn(warning, warn) {
    // Dependencies' own circular imports and `this` rewriting are theirs, not ours.
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return
    // hdr-histogram-js looks for zlib with eval('require("zlib")'); the banner's require serves it.
    if (warning.code === 'EVAL' && warning.id?.includes('hdr-histogram-js')) return
    warn(warning)
  }
}

/** @type {import('rollup').RollupOptions} */
const declarations = {
  input: 'src/api.ts',
  output: {
    file: 'api.d.ts',
    format: 'es',
    banner: "// Generated from src/api.ts by 'npm run build': do not edit."
  },
  plugins: [dts({ tsconfig: 'tsconfig.build.json' })]
}

export default [config, declarations]
