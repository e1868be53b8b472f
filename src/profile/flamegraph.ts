/**
 * A differential flame graph as one self-contained HTML page (pure; returns the text): the
 * head's call tree (per unit of work) drawn as an icicle in inline SVG, each frame coloured
 * by how its self time changed from base — red where it grew, blue where it shrank, grey
 * where it held — with base → head figures in its tooltip. No script, no external files.
 * Every name is untrusted text and is escaped for HTML.
 */
import { escapeHtml } from '../report/html.js'
import type { CallTree, FunctionId } from './aggregate.js'

interface Merged {
  readonly id: FunctionId
  head: { self: number; total: number }
  base: { self: number; total: number }
  readonly children: Map<string, Merged>
}

/** Head's tree with base's figures beside each frame (iterative: any depth). */
function merge(head: CallTree, base: CallTree | undefined): Merged {
  const make = (h: CallTree, b: CallTree | undefined): Merged => ({
    id: h.id,
    head: { self: h.self, total: h.total },
    base: { self: b?.self ?? 0, total: b?.total ?? 0 },
    children: new Map()
  })
  const root = make(head, base)
  const stack: { merged: Merged; head: CallTree; base: CallTree | undefined }[] = [
    { merged: root, head, base }
  ]
  while (stack.length > 0) {
    const at = stack.pop()!
    const onBase = new Map((at.base?.children ?? []).map((c) => [c.id.key, c]))
    for (const child of at.head.children) {
      const b = onBase.get(child.id.key)
      const merged = make(child, b)
      at.merged.children.set(child.id.key, merged)
      stack.push({ merged, head: child, base: b })
    }
  }
  return root
}

/**
 * The frames in drawing order (a frame, then its children largest first, left to right),
 * with their depth and left edge; `keep` false leaves a frame and its subtree out. Without
 * recursion: a profile's tree can be thousands of frames deep.
 */
function* depthFirst(
  root: Merged,
  keep: (node: Merged) => boolean,
  perPx = 0
): Generator<{ node: Merged; x: number; d: number }> {
  const stack = [{ node: root, x: 0, d: 0 }]
  while (stack.length > 0) {
    const at = stack.pop()!
    if (!keep(at.node)) continue
    yield at
    let cx = at.x
    const below: typeof stack = []
    for (const c of [...at.node.children.values()].sort((a, b) => b.head.total - a.head.total)) {
      below.push({ node: c, x: cx, d: at.d + 1 })
      cx += c.head.total * perPx
    }
    for (let i = below.length - 1; i >= 0; i--) stack.push(below[i]!)
  }
}

const WIDTH = 1200
const ROW = 18
const MIN_PX = 0.5

export function formatMicros(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toPrecision(3)} s`
  if (us >= 1e3) return `${(us / 1e3).toPrecision(3)} ms`
  if (us >= 1) return `${us.toPrecision(3)} µs`
  return `${(us * 1e3).toPrecision(3)} ns`
}

function colour(delta: number, scale: number): string {
  if (scale <= 0 || Math.abs(delta) < scale * 0.02) return 'rgb(205,205,205)'
  const t = Math.min(1, Math.abs(delta) / scale)
  const fade = Math.round(225 - 160 * t)
  return delta > 0 ? `rgb(240,${fade},${fade})` : `rgb(${fade},${fade},240)`
}

export interface FlameGraphInput {
  readonly title: string
  readonly unit: string
  readonly base: CallTree
  readonly head: CallTree
  readonly note?: string
}

/** The page: a heading, a legend and the SVG. */
export function renderFlameGraph(input: FlameGraphInput): string {
  const root = merge(input.head, input.base)
  let scale = 0
  let depth = 0
  for (const { node, d } of depthFirst(root, () => true)) {
    scale = Math.max(scale, Math.abs(node.head.self - node.base.self))
    depth = Math.max(depth, d)
  }
  const perPx = root.head.total > 0 ? WIDTH / root.head.total : 0
  const rects: string[] = []
  for (const { node: n, x, d } of depthFirst(root, (n) => n.head.total * perPx >= MIN_PX, perPx)) {
    const w = n.head.total * perPx
    const label = n.id.file
      ? `${n.id.name} (${n.id.file}${n.id.line ? `:${n.id.line}` : ''})`
      : n.id.name
    const tip =
      `${label}\ntotal per ${input.unit}: ${formatMicros(n.base.total)} → ${formatMicros(n.head.total)}` +
      `\nself per ${input.unit}: ${formatMicros(n.base.self)} → ${formatMicros(n.head.self)}` +
      (n.base.total === 0 && d > 0 ? '\nnew: not on base' : '')
    const chars = Math.floor((w - 6) / 7)
    const text =
      chars >= 3 ? (n.id.name.length > chars ? `${n.id.name.slice(0, chars - 1)}…` : n.id.name) : ''
    const y = d * ROW
    rects.push(
      `<g><title>${escapeHtml(tip)}</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW - 1}" fill="${colour(n.head.self - n.base.self, scale)}" rx="2"/>` +
        (text ? `<text x="${(x + 3).toFixed(2)}" y="${y + 13}">${escapeHtml(text)}</text>` : '') +
        '</g>'
    )
  }
  const height = (depth + 1) * ROW
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222}
svg text{font:11px ui-monospace,monospace;fill:#111;pointer-events:none}
svg rect:hover{stroke:#000;stroke-width:1}
.legend span{display:inline-block;padding:1px 6px;margin-right:6px;border-radius:2px}
</style></head>
<body>
<h1 style="font-size:16px">${escapeHtml(input.title)}</h1>
<p>Head's CPU time per ${escapeHtml(input.unit)} (${formatMicros(root.head.total)}; base ${formatMicros(root.base.total)}), callers above callees; width is head's time, colour the change of a frame's own (self) time from base. Hover a frame for base → head figures.${input.note ? ` ${escapeHtml(input.note)}` : ''}</p>
<p class="legend"><span style="background:rgb(240,65,65)">grew</span><span style="background:rgb(205,205,205)">about the same</span><span style="background:rgb(65,65,240);color:#fff">shrank</span></p>
<svg width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
${rects.join('\n')}
</svg>
</body></html>
`
}
