// The files a user of the action and the package looks for, and the one place the
// repository's home is written: package.json's `repository`. Everything else that names
// the repository (homepage, bugs, the README's `uses:` lines, the docs) must agree with it,
// so moving the project is one edit and this test lists what else to change.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { changelogSection, ChangelogError, versionOfTag } from '../scripts/release-notes.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8')
const pkg = JSON.parse(read('package.json')) as {
  version: string
  license: string
  repository: { type: string; url: string }
  homepage: string
  bugs: { url: string }
  keywords: string[]
}

/** The placeholder the docs use until the project has its home on GitHub. */
const PLACEHOLDER = 'OWNER/perfgate'
const SLUG = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)\.git$/.exec(pkg.repository.url)?.[1]

/** Text files of the repository that users read (generated and installed files skipped). */
function textFiles(dir = ''): string[] {
  const skipped = new Set(['node_modules', 'dist', '.git', 'coverage', '__fixtures__'])
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name)
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : textFiles(relative)
    return /\.(md|ya?ml|json|ts|js|sh)$/.test(entry.name) && entry.name !== 'package-lock.json'
      ? [relative]
      : []
  })
}

describe('the repository named once', () => {
  it('package.json names a GitHub repository', () => {
    expect(pkg.repository.type).toBe('git')
    expect(SLUG).toBeDefined()
  })

  it('homepage and bugs point at the same repository', () => {
    expect(pkg.homepage).toBe(`https://github.com/${SLUG}#readme`)
    expect(pkg.bugs.url).toBe(`https://github.com/${SLUG}/issues`)
  })

  it("the README's workflows use the action of that repository", () => {
    const uses = [...read('README.md').matchAll(/uses: ([\w.-]+\/[\w.-]+)@/g)].map((m) => m[1]!)
    const ours = uses.filter((name) => !name.startsWith('actions/'))
    expect(ours.length).toBeGreaterThan(0)
    expect(new Set(ours)).toEqual(new Set([SLUG]))
  })

  it('no file keeps the placeholder once the repository has its home', () => {
    if (SLUG === PLACEHOLDER) return
    const stale = textFiles().filter((file) => read(file).includes(PLACEHOLDER))
    expect(stale).toEqual([])
  })
})

describe('the files people look for', () => {
  it('LICENSE is the MIT license package.json declares', () => {
    expect(pkg.license).toBe('MIT')
    const license = read('LICENSE')
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the perfgate authors\n/)
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS"')
  })

  it('package.json has keywords', () => {
    expect(pkg.keywords).toEqual(expect.arrayContaining(['benchmark', 'github-action']))
  })

  it("CHANGELOG.md has a section for package.json's version, dated or Unreleased", () => {
    const changelog = read('CHANGELOG.md')
    const heading = new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')} — (.+)$`, 'm')
    const when = heading.exec(changelog)?.[1]
    expect(when).toMatch(/^(Unreleased|\d{4}-\d{2}-\d{2})$/)
    if (when !== 'Unreleased') expect(changelogSection(changelog, pkg.version)).not.toBe('')
  })

  it("CONTRIBUTING.md lists every one of perfgate's benchmarks", () => {
    const scripts = Object.keys(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
    ).filter((name) => name.startsWith('bench:'))
    expect(scripts.length).toBeGreaterThan(0)
    const contributing = read('CONTRIBUTING.md')
    expect(scripts.filter((name) => !contributing.includes(`npm run ${name}\``))).toEqual([])
  })

  it.each(['SECURITY.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'docs/VERSIONING.md'])(
    '%s is linked from the README',
    (file) => {
      expect(read('README.md')).toContain(`](${file})`)
    }
  )
})

describe('release notes from the changelog', () => {
  const changelog = [
    '# Changelog',
    '',
    '## Unreleased',
    '',
    '- next',
    '',
    '## 1.1.0 — Unreleased',
    '',
    '- pending',
    '',
    '## 1.0.1 — 2027-02-01',
    '',
    '### Fixed',
    '',
    '- a fix',
    '',
    '## [1.0.0] - 2027-01-15',
    '',
    'First.',
    '',
    '## 0.9.0 — 2026-12-01',
    ''
  ].join('\n')

  it("gives a version's section, up to the next release heading", () => {
    expect(changelogSection(changelog, '1.0.1')).toBe('### Fixed\n\n- a fix')
    expect(changelogSection(changelog, '1.0.0')).toBe('First.')
  })

  it('refuses a missing, undated or empty section', () => {
    expect(() => changelogSection(changelog, '2.0.0')).toThrow(/no section "## 2.0.0/)
    expect(() => changelogSection(changelog, '1.1.0')).toThrow(/dated "Unreleased"/)
    expect(() => changelogSection(changelog, '0.9.0')).toThrow(/is empty/)
  })

  it('reads a version from a tag', () => {
    expect(versionOfTag('v1.2.3')).toBe('1.2.3')
    expect(versionOfTag('refs/tags/v2.0.0-rc.1')).toBe('2.0.0-rc.1')
    expect(versionOfTag('1.2.3')).toBe('1.2.3')
    expect(() => versionOfTag('v1')).toThrow(ChangelogError)
    expect(() => versionOfTag('v1.2')).toThrow(/not a version tag/)
  })
})
