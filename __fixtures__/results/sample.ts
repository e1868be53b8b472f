// A hand-built results object (no measuring) used by format and report tests.
import type { Results, TrialResult } from '../../src/results/types.js'
import { summarizeTrials } from '../../src/results/summary.js'

const fnTrials: TrialResult[] = [0.84, 0.81, 0.88, 0.83, 0.86].map((p50, i) => ({
  metrics: {
    p50,
    p95: p50 * 1.6,
    p99: p50 * 1.9,
    max: p50 * 3,
    mean: p50 * 1.05,
    ops: 1000 / (p50 * 1.05),
    heap: 290_000 + i * 1000,
    memory: 1_340_000 + i * 2000,
    rss: 61_000_000 + i * 100_000,
    gcCount: 2,
    gcTime: 0.4
  },
  durationMs: 600,
  details: { samples: 350, batchSize: 1, async: false }
}))

const settings = (gate: 'p50' | 'wall') => ({
  compare: { gate: [gate], threshold: 0.05, alpha: 0.05 },
  budgets: [],
  targets: []
})

const cmdTrials: TrialResult[] = [156, 150, 176, 152, 160].map((wall) => ({
  metrics: { wall, user: 140, sys: 30, cpu: 170, rss: 90_300_000 },
  durationMs: wall * 2,
  details: { rusage: 'gnu-time' }
}))

export const SAMPLE_RESULTS: Results = {
  schemaVersion: 1,
  tool: { name: 'perfgate', version: '0.1.0' },
  createdAt: '2026-11-25T06:00:00.000Z',
  seed: 48213,
  environment: {
    os: 'Linux',
    osRelease: '6.1.0',
    arch: 'x64',
    cpuModel: 'AMD EPYC 7763',
    cores: 2,
    totalMemoryBytes: 25_300_000_000,
    node: 'v20.20.2',
    ci: true,
    git: { commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', branch: 'main', dirty: false },
    configHash: 'c0ffee'
  },
  compare: { failOn: 'both', test: 't', maxPairs: undefined, maxTimeMs: 600000 },
  benchmarks: [
    {
      name: 'parse orders CSV',
      kind: 'function',
      definitionHash: 'd1',
      settings: settings('p50'),
      state: 'ok',
      trials: fnTrials,
      summary: summarizeTrials(fnTrials)
    },
    {
      name: 'report CLI',
      kind: 'command',
      definitionHash: 'd2',
      settings: settings('wall'),
      state: 'ok',
      trials: cmdTrials,
      summary: summarizeTrials(cmdTrials)
    },
    {
      name: 'broken <b>bench</b>',
      kind: 'function',
      definitionHash: 'd3',
      settings: settings('p50'),
      state: 'errored',
      error: {
        message: 'boom in bench',
        detail: 'Error: boom in bench\n    at file:///repo/bench/broken.bench.js:4:9',
        trial: 0
      },
      trials: [],
      summary: {}
    }
  ]
}
