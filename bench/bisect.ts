/**
 * `npm run bench:bisect`: real bisections. Each run builds a fresh git repository of a
 * good commit and 16 more, one of them (drawn from the seed) planting a +10 % slowdown in a
 * small function benchmark (`__fixtures__/projects/ab`: 10 % more loop iterations per
 * call), then runs `perfgate bisect --json` through the CLI's own command with real trials
 * and counts how often the planted commit is named, in how many steps, and whether any
 * named commit lies outside the range.
 *
 * Options: --runs N (10), --seed S (1), --trials N (10, pairs per look: the config default).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { commandBisect } from '../src/cli/bisect.js'
import { registerCleanup } from '../src/process/cleanup.js'
import { createRandom } from '../src/stats/random.js'
import { git, integerOption, runBench } from './common.js'

const FIXTURE = fileURLToPath(new URL('../__fixtures__/projects/ab/', import.meta.url))
const BASE_ITERATIONS = 20000
const COMMITS = 16

/** good + 16 commits; commit `planted` (1-based) raises the work per call by 10 %. */
function makeRepo(planted: number): { root: string; commits: string[]; remove: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'perfgate-bench-bisect-'))
  const remove = registerCleanup(() => rmSync(root, { recursive: true, force: true }))
  cpSync(FIXTURE, root, { recursive: true })
  writeFileSync(
    path.join(root, 'perfgate.yml'),
    'benchmarks:\n  - name: busy work\n' +
      '    function: { file: bench/work.bench.js, time: 60ms, warmup: 20ms }\n'
  )
  const work = path.join(root, 'src/work.js')
  const setIterations = (n: number) =>
    writeFileSync(work, readFileSync(work, 'utf8').replace(/ITERATIONS = \d+/, `ITERATIONS = ${n}`))
  setIterations(BASE_ITERATIONS)
  git(root, 'init', '--quiet', '--initial-branch=main')
  git(root, 'add', '.')
  git(root, 'commit', '--quiet', '-m', 'good')
  const commits = [git(root, 'rev-parse', 'HEAD')]
  for (let i = 1; i <= COMMITS; i++) {
    writeFileSync(path.join(root, 'notes.txt'), `change ${i}\n`)
    if (i === planted) setIterations(Math.round(BASE_ITERATIONS * 1.1))
    git(root, 'add', '.')
    git(root, 'commit', '--quiet', '-m', `change ${i}`)
    commits.push(git(root, 'rev-parse', 'HEAD'))
  }
  return { root, commits, remove }
}

interface StepJson {
  commit: string
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      trials: { type: 'string', default: '10' }
    }
  })
  const runs = integerOption('runs', values.runs, 1)
  const seed = integerOption('seed', values.seed, 0)
  const trials = integerOption('trials', values.trials, 2)
  const random = createRandom(seed)
  console.log(
    `bench:bisect — ${runs} runs, +10 % planted among ${COMMITS} commits, ${trials} pairs per look; ` +
      `${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at start`
  )
  let found = 0
  let outside = 0
  const stepCounts: number[] = []
  for (let run = 1; run <= runs; run++) {
    const planted = 1 + Math.floor(random.next() * COMMITS)
    const repo = makeRepo(planted)
    try {
      let stdout = ''
      const started = performance.now()
      const code = await commandBisect(
        [
          '--good',
          repo.commits[0]!,
          '--bad',
          'HEAD',
          '--json',
          '--trials',
          String(trials),
          '--seed',
          String(seed * 1000 + run)
        ],
        {
          stdout: { write: (t: string) => (stdout += t) },
          stderr: { write: () => true },
          cwd: repo.root
        }
      )
      const seconds = (performance.now() - started) / 1000
      const json = JSON.parse(stdout) as {
        culprit: { commit: string } | null
        reason?: string
        steps: StepJson[]
      }
      const inRange = (c: string) => repo.commits.slice(1).includes(c)
      const named = [
        ...json.steps.map((s) => s.commit),
        ...(json.culprit ? [json.culprit.commit] : [])
      ]
      if (!named.every(inRange)) outside++
      const right = json.culprit?.commit === repo.commits[planted]
      if (right) found++
      stepCounts.push(json.steps.length)
      const culprit = json.culprit
        ? `named change ${repo.commits.indexOf(json.culprit.commit)}`
        : `none (${json.reason})`
      console.log(
        `run ${run}: planted change ${planted}, ${culprit}, ${right ? 'right' : json.culprit ? 'WRONG' : 'missed'}, ` +
          `${json.steps.length} steps, exit ${code}, ${seconds.toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}`
      )
    } finally {
      repo.remove()
    }
  }
  console.log(
    `found the planted commit in ${found}/${runs} runs; steps max ${Math.max(...stepCounts)}; ` +
      `commits named outside the range: ${outside}`
  )
}

runBench('bench:bisect', main)
