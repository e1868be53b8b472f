// Finding the shards' results in a downloaded artifact folder: real folders, links and a
// FIFO; the walk stays inside, never blocks, and says what it skipped.
import { spawnSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { findFilesNamed } from '../src/app/find-files.js'
import { scratchDir } from './helpers/scratch.js'

function tree(): string {
  const dir = scratchDir('perfgate-find-')
  for (const sub of ['a', 'b/c', 'd/e/f/g']) {
    mkdirSync(path.join(dir, sub), { recursive: true })
    writeFileSync(path.join(dir, sub, 'results.json'), '{}')
  }
  writeFileSync(path.join(dir, 'a', 'other.json'), '{}')
  return dir
}

describe('findFilesNamed', () => {
  it('finds the files of that name, sorted, and nothing else', () => {
    const dir = tree()
    const skipped: string[] = []
    expect(findFilesNamed(dir, 'results.json', { onSkip: (l) => skipped.push(l) })).toEqual(
      ['a', 'b/c', 'd/e/f/g'].map((sub) => path.join(dir, sub, 'results.json'))
    )
    expect(skipped).toEqual([])
  })

  it('follows no link, opens no FIFO, and names each one skipped', () => {
    const dir = tree()
    symlinkSync('..', path.join(dir, 'a', 'up'))
    symlinkSync('/etc', path.join(dir, 'etc'))
    symlinkSync(path.join(dir, 'a', 'results.json'), path.join(dir, 'b', 'results.json'))
    spawnSync('mkfifo', [path.join(dir, 'results.json')])
    const skipped: string[] = []
    const found = findFilesNamed(dir, 'results.json', { onSkip: (l) => skipped.push(l) })
    expect(found).toHaveLength(3)
    expect(skipped.sort()).toEqual([
      'skipping a/up: a symbolic link (not followed)',
      'skipping b/results.json: a symbolic link (not followed)',
      'skipping etc: a symbolic link (not followed)',
      'skipping results.json: a FIFO'
    ])
  })

  it('stops at the depth and entry bounds, and says so', () => {
    const dir = tree()
    const skipped: string[] = []
    const onSkip = (l: string) => skipped.push(l)
    expect(findFilesNamed(dir, 'results.json', { onSkip, maxDepth: 3 })).toHaveLength(2)
    expect(skipped).toEqual(['skipping d/e/f: deeper than 3 levels'])
    skipped.length = 0
    expect(findFilesNamed(dir, 'results.json', { onSkip, maxEntries: 4 }).length).toBeLessThan(3)
    expect(skipped).toEqual(['stopped searching after 4 entries'])
  })

  it('gives nothing for a folder that is not there', () => {
    const skipped: string[] = []
    const missing = path.join(scratchDir('perfgate-find-'), 'nope')
    expect(findFilesNamed(missing, 'results.json', { onSkip: (l) => skipped.push(l) })).toEqual([])
    expect(skipped).toEqual([])
  })
})
