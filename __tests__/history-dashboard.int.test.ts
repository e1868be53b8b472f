// The history dashboard (`perfgate history --html`) in a real headless Chromium: the page
// loads from disk with no network, logs no error, draws every chart, marks the change
// point and links it to its commit, and shows an untrusted benchmark name as text.
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext } from 'playwright-core'
import { commandHistory } from '../src/cli/history.js'
import { serializeResults } from '../src/results/format.js'
import { createRandom } from '../src/stats/random.js'
import { BUILD_DIR } from './helpers/build.js'
import { fakeSha, functionResult, hoursAfterStart, resultsOf } from './helpers/history.js'
import { captureIo } from './helpers/io.js'
import { scratchDir } from './helpers/scratch.js'

const CHROMIUM = '/usr/bin/chromium'

/** What the page's canvases offer (the tests' types have no DOM). */
interface Canvas {
  readonly width: number
  readonly height: number
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  } | null
}
const EVIL = 'flat <img src=x onerror=alert(1)>'
let top: string
let context: BrowserContext | undefined

beforeAll(() => {
  top = mkdtempSync(path.join(tmpdir(), 'perfgate-dashboard-'))
  const random = createRandom(2026)
  for (let i = 0; i < 30; i++) {
    const run = () => Math.exp(0.015 * random.normal())
    const results = resultsOf(fakeSha(i), hoursAfterStart(i), [
      functionResult('steps', 2 * run() * (i >= 17 ? 1.1 : 1), 0.03, 10, random),
      functionResult(EVIL, 0.5 * run(), 0.03, 10, random)
    ])
    writeFileSync(path.join(top, `${i}.json`), serializeResults(results))
  }
})

afterAll(async () => {
  await context?.close()
  rmSync(top, { recursive: true, force: true })
})

describe('perfgate history --html', () => {
  it('refuses a commit URL without {commit} or not http(s)', async () => {
    for (const url of ['https://example.invalid/commit/', 'javascript:alert(1)//{commit}']) {
      const { io, out } = captureIo(top)
      expect(await commandHistory(['--dir', '.', '--commit-url', url], io)).toBe(2)
      expect(out.stderr).toContain('--commit-url: expected an http(s) URL containing {commit}')
    }
  })

  it('writes a self-contained page that Chromium draws without an error', async () => {
    const { io, out } = captureIo(top)
    const url = 'https://example.invalid/o/r/commit/{commit}'
    expect(await commandHistory(['--dir', '.', '--html', 'site', '--commit-url', url], io)).toBe(0)
    expect(out.stderr).toBe('dashboard written to site/index.html\n')
    const file = path.join(top, 'site', 'index.html')
    const html = readFileSync(file, 'utf8')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    expect(html).not.toContain('<img')

    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (.ci/run does)`)
    }
    context = await chromium.launchPersistentContext(mkdtempSync(path.join(top, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ],
      viewport: { width: 1000, height: 800 }
    })
    const page = await context.newPage()
    const problems: string[] = []
    const requests: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(String(error)))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    await page.route('**/*', (route) => {
      const requested = route.request().url()
      if (requested.startsWith('file:')) return route.continue()
      requests.push(requested)
      return route.abort()
    })
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 })
    // Loading and drawing logged nothing (the test's own pixel reads below may warn).
    expect(problems).toEqual([])

    // 2 benchmarks × 4 headline metrics of a function benchmark (p50, p95, ops, memory).
    expect(await page.getAttribute('body', 'data-ready')).toBe('8')
    expect(await page.locator('.uplot').count()).toBe(8)
    const painted = await page.$$eval('.uplot canvas', (canvases) =>
      (canvases as unknown as Canvas[]).map((canvas) => {
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
        let inked = 0
        for (let i = 3; i < pixels.data.length; i += 4) if (pixels.data[i]! > 0) inked++
        return inked
      })
    )
    expect(painted).toHaveLength(8)
    for (const inked of painted) expect(inked).toBeGreaterThan(1000)

    // The change point's marker is drawn in the p50 chart, just left of commit 18: dashed
    // grey, a candidate (no paired re-measure confirmed it; --dir has no confirmations).
    const marker = await page.$eval('[data-chart="0"] .uplot canvas', (element) => {
      const canvas = element as unknown as Canvas
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
      const columns = new Set<number>()
      for (let i = 0; i < pixels.data.length; i += 4) {
        const [r, g, b] = [pixels.data[i]!, pixels.data[i + 1]!, pixels.data[i + 2]!]
        const grey = r > 140 && r < 165 && Math.abs(r - g) < 6 && Math.abs(g - b) < 6
        if (grey && pixels.data[i + 3]! > 200) columns.add(((i / 4) % canvas.width) / canvas.width)
      }
      return [...columns]
    })
    expect(marker.length).toBeGreaterThan(0)
    for (const x of marker) {
      expect(x).toBeGreaterThan(0.45)
      expect(x).toBeLessThan(0.7)
    }

    const steps = await page.$$eval('[data-chart="0"] ul.steps li', (items) =>
      items.map((li) => ({ text: li.textContent, href: li.querySelector('a')?.href }))
    )
    expect(steps).toEqual([
      {
        text: expect.stringMatching(
          /^▲ worse \+\d+\.\d % \[.*\] at commit #18 0000001200, p = .* — candidate, not re-measured$/
        ),
        href: `https://example.invalid/o/r/commit/${fakeSha(17)}`
      }
    ])
    expect(await page.locator('h2').allTextContents()).toEqual(['steps', EVIL])
    expect(await page.locator('main img').count()).toBe(0)
    expect(problems.filter((text) => !text.startsWith('Canvas2D: Multiple readback'))).toEqual([])
    expect(requests).toEqual([])
  }, 90_000)

  it('is the same page from the bundle alone: the charting library is inlined, not read from node_modules', async () => {
    // The action runs dist/ with no node_modules: a copy of the bundle far from any.
    const alone = scratchDir('perfgate-bundle-')
    for (const name of readdirSync(BUILD_DIR).filter((n) => n.endsWith('.js'))) {
      cpSync(path.join(BUILD_DIR, name), path.join(alone, name))
    }
    writeFileSync(path.join(alone, 'package.json'), '{ "type": "module" }\n')
    const bundled = spawnSync(
      process.execPath,
      [path.join(alone, 'cli.js'), 'history', '--dir', '.', '--html', 'site-bundled'],
      { cwd: top, encoding: 'utf8' }
    )
    expect(bundled.stderr).toBe('dashboard written to site-bundled/index.html\n')
    const { io } = captureIo(top)
    expect(await commandHistory(['--dir', '.', '--html', 'site-source'], io)).toBe(0)
    const page = (dir: string) =>
      readFileSync(path.join(top, dir, 'index.html'), 'utf8').replace(/generated \S+Z\./, '')
    expect(page('site-bundled')).toBe(page('site-source'))
    expect(page('site-bundled')).toContain('uPlot')
  })
})
