import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** I/O stays at the rim: these folders hold pure code (docs/ARCHITECTURE.md, "Pure core"). */
const pureFolders = [
  'src/config/**',
  'src/stats/**',
  'src/compare/**',
  'src/report/**',
  'src/profile/**'
]
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:http',
  'node:net',
  'node:os',
  'fs',
  'child_process',
  '@actions/core',
  '@actions/github'
]

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
    files: pureFolders,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'pure module: pass I/O in from the rim'
          }))
        }
      ]
    }
  }
)
