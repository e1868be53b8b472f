// Prints the CHANGELOG.md section of one version: the body of a GitHub release.
//
//   node scripts/release-notes.ts v1.2.0          (Node 22.18+: types are stripped)
//   node --import tsx scripts/release-notes.ts 1.2.0
//
// The release workflow runs it on the pushed tag before anything is published, so a tag
// whose version has no dated section in the changelog stops the release. Written in
// erasable TypeScript with no imports beyond Node's, so the workflow needs no npm install.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** `## 1.2.0 — 2027-01-15` or `## 1.2.0 - Unreleased` (the version may be bracketed). */
const HEADING = /^## \[?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]?\s+[—–-]\s+(.+?)\s*$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export class ChangelogError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ChangelogError'
  }
}

/** A version from a tag (`v1.2.0`) or a bare version (`1.2.0`). */
export function versionOfTag(tag: string): string {
  const version = tag.replace(/^refs\/tags\//, '').replace(/^v/, '')
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new ChangelogError(`"${tag}" is not a version tag (v<major>.<minor>.<patch>)`)
  }
  return version
}

/**
 * The body of `version`'s section: the lines under its heading up to the next `## `
 * heading, trimmed. Refused when the section is missing, empty or not yet dated.
 */
export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const start = lines.findIndex((line) => HEADING.exec(line)?.[1] === version)
  if (start < 0) throw new ChangelogError(`CHANGELOG.md has no section "## ${version} — <date>"`)
  const when = HEADING.exec(lines[start]!)![2]!
  if (!DATE.test(when)) {
    throw new ChangelogError(
      `CHANGELOG.md's section ${version} is dated "${when}": give it the release date (YYYY-MM-DD)`
    )
  }
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => line.startsWith('## '))
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
  if (body === '') throw new ChangelogError(`CHANGELOG.md's section ${version} is empty`)
  return body
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [tag, file = 'CHANGELOG.md'] = process.argv.slice(2)
  try {
    if (!tag) throw new ChangelogError('usage: release-notes.ts <tag or version> [CHANGELOG.md]')
    process.stdout.write(changelogSection(readFileSync(file, 'utf8'), versionOfTag(tag)) + '\n')
  } catch (error) {
    if (!(error instanceof ChangelogError)) throw error
    process.stderr.write(`release-notes: ${error.message}\n`)
    process.exitCode = 1
  }
}
