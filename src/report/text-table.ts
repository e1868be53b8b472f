/** A plain-text table with aligned columns (pure). */

export type Align = 'left' | 'right'

/** Pads every cell to its column's width; the header row is underlined. */
export function renderTextTable(header: string[], rows: string[][], align: Align[]): string {
  const widths = header.map((h, col) =>
    Math.max(h.length, ...rows.map((row) => (row[col] ?? '').length))
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, col) =>
        align[col] === 'right' ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)
      )
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '─'.repeat(w)).join('  ')
  return [line(header), rule, ...rows.map(line)].join('\n')
}
