/**
 * The harnesses perfgate runs unchanged and the package names their files import. A
 * worker maps these imports to perfgate's shims (loader.ts); `perfgate init` reads them
 * to recognize bench files.
 */
import type { ForeignHarness } from '../registry.js'

/** The import specifier of each harness. */
export const HARNESS_SPECIFIERS: Readonly<Record<ForeignHarness, string>> = {
  vitest: 'vitest',
  tinybench: 'tinybench',
  mitata: 'mitata',
  'benchmark.js': 'benchmark'
}

/** Harness versions the shims follow (the ones perfgate's tests run against). */
export const COVERED_VERSIONS: Readonly<Record<ForeignHarness, string>> = {
  vitest: '3.2',
  tinybench: '6.2',
  mitata: '1.0',
  'benchmark.js': '2.1'
}

export const FOREIGN_HARNESSES = Object.keys(HARNESS_SPECIFIERS) as ForeignHarness[]
