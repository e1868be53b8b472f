/**
 * The repository stands on its own: no text in it points at a file it does not contain.
 * Scans sources, tests, benches, scripts, docs, the README, action.yml, the config files
 * and CI files for (a) paths outside the repository (`../shared`) and names of markdown
 * files that do not exist in it, and (b) relative markdown links that lead nowhere: to a
 * missing file, or to a `#section` that no heading of the markdown file it names has.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** This file: its in-memory samples below contain bad references on purpose. */
const SELF = '__tests__/docs-references.test.ts'

/** Folders and top-level files that are scanned (relative to the repository root). */
const SCANNED_DIRS = ['src', 'bench', 'scripts', '__tests__', 'docs', '.ci', '.github']
const SCANNED_ROOT_FILES =
  /^((README|CHANGELOG|CONTRIBUTING|SECURITY)\.md|action\.yml|[\w.-]+\.config\.(js|mjs|cjs|ts))$/
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git'])

/**
 * Names of markdown files that perfgate or a test writes at run time (the `--report`
 * file, a job summary file): data, not references to files of the repository.
 */
const WRITTEN_AT_RUN_TIME = new Set(['report.md', 'summary.md'])

interface Problem {
  readonly file: string
  readonly line: number
  readonly message: string
}

/** What the scanner needs to know about the repository. */
interface RepoView {
  /** Whether a repository-relative path (posix separators) is a file or folder. */
  exists(repoPath: string): boolean
  /** Base names of files under __fixtures__ (tests name them relative to a fixture folder). */
  readonly fixtureNames: ReadonlySet<string>
  /** Repository-relative paths of every markdown file, to suggest the full path. */
  readonly markdownFiles: readonly string[]
  /** The `#fragment`s the headings of a markdown file give it (see `headingAnchors`). */
  anchors(repoPath: string): ReadonlySet<string>
}

const OUTSIDE = /(?:\.\.\/)+shared\b|\/work\/shared\b/
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)>\]'"`]+/gi
const MARKDOWN_NAME = /[\w./-]*[\w-]\.md\b/g
const INLINE_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)/g
const REFERENCE_LINK = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/

/** A repository-relative path, or undefined when it leaves the repository. */
function inRepo(...parts: string[]): string | undefined {
  const joined = path.posix.normalize(path.posix.join(...parts))
  if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(joined)) return undefined
  return joined.replace(/\/$/, '')
}

function resolvesMarkdownName(file: string, name: string, repo: RepoView): boolean {
  const dir = path.posix.dirname(file)
  // Files perfgate writes into its output directory are not the repository's.
  if (name.startsWith('perfgate-output/') && WRITTEN_AT_RUN_TIME.has(path.posix.basename(name))) {
    return true
  }
  if (!name.includes('/')) {
    if (WRITTEN_AT_RUN_TIME.has(name) || repo.fixtureNames.has(name)) return true
    // A bare name means the file next to the text, or a top-level file (README.md).
    return [inRepo(dir, name), inRepo(name)].some((p) => p !== undefined && repo.exists(p))
  }
  const stripped = name.replace(/^(\.\/|\/)+/, '')
  const candidates = name.startsWith('.') ? [inRepo(dir, name)] : [inRepo(dir, name), stripped]
  return candidates.some((p) => p !== undefined && repo.exists(p))
}

/**
 * The anchors GitHub gives a markdown file's headings: lower case, without punctuation
 * (letters, digits, `-`, `_` and spaces kept), spaces as `-`; a repeated one gets `-1`,
 * `-2`, …. Headings inside fenced code blocks are not headings.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined
      continue
    }
    const heading = fence === undefined ? /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null
    if (!heading) continue
    const slug = heading[1]!
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

function isRelativeTarget(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target)
}

/** What is wrong with a relative link, or undefined when it leads somewhere. */
function linkProblem(file: string, text: string, target: string, repo: RepoView) {
  const bare = decodeURI(target.replace(/[#?].*$/, ''))
  const fragment = /#(.*)$/.exec(target)?.[1]
  const resolved =
    bare === ''
      ? file
      : bare.startsWith('/')
        ? inRepo(bare.slice(1))
        : inRepo(path.posix.dirname(file), bare)
  if (resolved === undefined || !repo.exists(resolved)) {
    return `links to "${target}", which does not exist`
  }
  if (fragment === undefined || fragment === '' || !resolved.endsWith('.md')) return undefined
  const anchors = resolved === file ? headingAnchors(text) : repo.anchors(resolved)
  return anchors.has(decodeURIComponent(fragment).toLowerCase())
    ? undefined
    : `links to "${target}", but ${resolved} has no heading with that anchor`
}

/** Problems in one text file; `file` is its repository-relative path. */
function scanText(file: string, text: string, repo: RepoView): Problem[] {
  const problems: Problem[] = []
  const isMarkdown = file.endsWith('.md')
  text.split('\n').forEach((rawLine, index) => {
    const line = index + 1
    const seen = new Set<string>()
    const report = (message: string) => {
      if (seen.has(message)) return
      seen.add(message)
      problems.push({ file, line, message })
    }
    const withoutUrls = rawLine.replace(URL_PATTERN, ' ')
    if (OUTSIDE.test(withoutUrls)) report('points outside the repository (a shared folder)')
    for (const match of withoutUrls.matchAll(MARKDOWN_NAME)) {
      const name = match[0]
      if (resolvesMarkdownName(file, name, repo)) continue
      const elsewhere = name.includes('/')
        ? undefined
        : repo.markdownFiles.find((p) => path.posix.basename(p) === name)
      report(
        elsewhere
          ? `names "${name}", which is neither beside this file nor at the top level: write ${elsewhere}`
          : `names "${name}", which is not a file in this repository`
      )
    }
    if (!isMarkdown) return
    const targets = [...rawLine.matchAll(INLINE_LINK)].map((m) => m[1]!)
    const reference = REFERENCE_LINK.exec(rawLine)
    if (reference) targets.push(reference[1]!)
    for (const target of targets) {
      const problem = isRelativeTarget(target) ? linkProblem(file, text, target, repo) : undefined
      if (problem) report(problem)
    }
  })
  return problems
}

function format(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`
}

/** Repository-relative paths of every file under `dir`, skipping generated folders. */
function walk(dir: string): string[] {
  const absolute = path.join(ROOT, dir)
  return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name)
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(relative)
    return entry.isFile() ? [relative] : []
  })
}

function repositoryView(): RepoView {
  const markdownFiles = ['.', ...SCANNED_DIRS, '__fixtures__', 'examples', 'schema']
    .flatMap((dir) => (dir === '.' ? readdirSync(ROOT) : walk(dir)))
    .filter((p) => p.endsWith('.md'))
  return {
    exists(repoPath) {
      try {
        statSync(path.join(ROOT, repoPath))
        return true
      } catch {
        return false
      }
    },
    fixtureNames: new Set(walk('__fixtures__').map((p) => path.posix.basename(p))),
    markdownFiles,
    anchors: (repoPath) => headingAnchors(readFileSync(path.join(ROOT, repoPath), 'utf8'))
  }
}

function scannedFiles(): string[] {
  const top = readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isFile() && SCANNED_ROOT_FILES.test(entry.name))
    .map((entry) => entry.name)
  return [...top, ...SCANNED_DIRS.flatMap(walk)].filter((p) => p !== SELF).sort()
}

/**
 * A repository of the given paths (folders are implied by the paths under them), with the
 * given text for some of its markdown files.
 */
function sampleRepo(paths: string[], texts: Record<string, string> = {}): RepoView {
  return {
    anchors: (p) => headingAnchors(texts[p] ?? ''),
    exists: (p) => paths.some((known) => known === p || known.startsWith(`${p}/`)),
    fixtureNames: new Set(
      paths.filter((p) => p.startsWith('__fixtures__/')).map((p) => path.posix.basename(p))
    ),
    markdownFiles: paths.filter((p) => p.endsWith('.md'))
  }
}

describe('scanText', () => {
  const repo = sampleRepo(
    [
      'README.md',
      'docs/DESIGN.md',
      'docs/ARCHITECTURE.md',
      'src/stats/paired.ts',
      '__fixtures__/report/comparison.golden.md',
      'schema/perfgate.schema.json'
    ],
    { 'docs/DESIGN.md': '# Design\n\n## Planned looks\n\n```\n# not a heading\n```' }
  )

  it('flags paths outside the repository and markdown names that are not in it', () => {
    const text = [
      '/** Paired comparison (see ../shared/DESIGN.md, section 3). */',
      '// why: TOOLCHAIN.md',
      '// see DESIGN.md §3',
      '// a path in the shared folder: shared/REPORT.md',
      '// fine: docs/DESIGN.md, README.md, ../../docs/ARCHITECTURE.md',
      '// fine: https://example.com/notes/PRNGs.md#splitmix32, *.md, report.md',
      "const golden = path.join(FIXTURES, 'comparison.golden.md')"
    ].join('\n')
    expect(scanText('src/stats/paired.ts', text, repo).map(format)).toEqual([
      'src/stats/paired.ts:1: points outside the repository (a shared folder)',
      'src/stats/paired.ts:1: names "../shared/DESIGN.md", which is not a file in this repository',
      'src/stats/paired.ts:2: names "TOOLCHAIN.md", which is not a file in this repository',
      'src/stats/paired.ts:3: names "DESIGN.md", which is neither beside this file nor at the top level: write docs/DESIGN.md',
      'src/stats/paired.ts:4: names "shared/REPORT.md", which is not a file in this repository'
    ])
  })

  it('checks relative links in markdown, resolved from the document', () => {
    const text = [
      'See [the design](DESIGN.md#planned-looks) and [the README](../README.md).',
      'Also [missing](MISSING.md), [a folder](../schema/), [gone](../nowhere/) and [web](https://example.com/x).',
      '[anchor](#layers) [root](/README.md) [bad root](/docs/NOPE.md)',
      '[ref]: ../src/stats/paired.ts',
      '[badref]: ../src/stats/gone.ts',
      '## Layers',
      '[gone](DESIGN.md#trials) [no such](#nowhere) [code comment](DESIGN.md#not-a-heading)'
    ].join('\n')
    expect(scanText('docs/ARCHITECTURE.md', text, repo).map(format)).toEqual([
      'docs/ARCHITECTURE.md:2: names "MISSING.md", which is not a file in this repository',
      'docs/ARCHITECTURE.md:2: links to "MISSING.md", which does not exist',
      'docs/ARCHITECTURE.md:2: links to "../nowhere/", which does not exist',
      'docs/ARCHITECTURE.md:3: names "/docs/NOPE.md", which is not a file in this repository',
      'docs/ARCHITECTURE.md:3: links to "/docs/NOPE.md", which does not exist',
      'docs/ARCHITECTURE.md:5: links to "../src/stats/gone.ts", which does not exist',
      'docs/ARCHITECTURE.md:7: links to "DESIGN.md#trials", but docs/DESIGN.md has no heading with that anchor',
      'docs/ARCHITECTURE.md:7: links to "#nowhere", but docs/ARCHITECTURE.md has no heading with that anchor',
      'docs/ARCHITECTURE.md:7: links to "DESIGN.md#not-a-heading", but docs/DESIGN.md has no heading with that anchor'
    ])
  })

  it('gives headings the anchors GitHub gives them', () => {
    const text = [
      '# perfgate',
      '## Change points on main (`npm run bench:changepoints`)',
      '## The example suite, A/A',
      '### Bounds',
      '### Bounds',
      '## 🔴 Regression — `p95`'
    ].join('\n')
    expect([...headingAnchors(text)]).toEqual([
      'perfgate',
      'change-points-on-main-npm-run-benchchangepoints',
      'the-example-suite-aa',
      'bounds',
      'bounds-1',
      '-regression--p95'
    ])
  })

  it('accepts a bare name next to the text, and names written at run time', () => {
    expect(scanText('docs/DESIGN.md', 'See ARCHITECTURE.md and report.md.', repo)).toEqual([])
    expect(scanText('src/stats/paired.ts', '// ARCHITECTURE.md', repo)).toHaveLength(1)
  })
})

describe('the repository', () => {
  it('refers to no file it does not contain', () => {
    const repo = repositoryView()
    const files = scannedFiles()
    expect(files).toContain('README.md')
    expect(files).toContain('eslint.config.js')
    expect(files).toContain('.github/workflows/perf.yml')
    const problems = files.flatMap((file) => {
      const bytes = readFileSync(path.join(ROOT, file))
      if (bytes.includes(0)) return [] // binary
      return scanText(file, bytes.toString('utf8'), repo)
    })
    expect(problems.map(format)).toEqual([])
  })
})
