import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * I/O stays at the rim (docs/ARCHITECTURE.md, "Pure core"). Pure code: the four core
 * folders, and the decisions of the other layers (outcome, plan, shards, merge, series,
 * text sanitizing), which tests check with plain values.
 */
const pureModules = [
  'src/{config,stats,compare,report,profile}/**/*.ts',
  'src/app/{outcome,judge,requests,shards,merge}.ts',
  'src/github/{plan,log}.ts',
  'src/history/series.ts',
  'src/process/text.ts'
]
/** What a pure module may not import: the system's I/O and perfgate's own I/O modules. */
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:http',
  'node:https',
  'node:net',
  'node:os',
  'fs',
  'fs/promises',
  'child_process',
  'http',
  'net',
  'os',
  '@actions/core',
  '@actions/github'
]
const ioFiles = {
  process: 'children|cleanup|signals|leftovers|env',
  history: 'read-dir|read-branch|chart-library',
  app: 'files|run|measure|errors|history|progress',
  github: 'action|comment|octokit|outputs|inputs',
  results: 'environment'
}
/** perfgate's own I/O modules, as a pure module would import them (relative paths). */
const ioProjectModules = [
  '(^|/)(git|store|runners)/',
  ...Object.entries(ioFiles).map(([folder, names]) => `(^|/)${folder}/(${names})\\.js$`),
  // Same-folder imports by name ('errors' is also the config's pure error module).
  `^\\./(${Object.values(ioFiles).join('|').replace('errors|', '')})\\.js$`
].join('|')

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'examples/**/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    // A recorded program of the profile fixtures: CommonJS, as `node --cpu-prof` ran it,
    // and bench files written for Benchmark.js in CommonJS, as its README shows.
    files: ['__fixtures__/profiles/program/**/*.js', '__fixtures__/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: pureModules,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'pure module: pass I/O in from the rim'
          })),
          patterns: [
            {
              regex: ioProjectModules,
              allowTypeImports: true,
              message: 'pure module: pass I/O in from the rim'
            }
          ]
        }
      ]
    }
  }
)
