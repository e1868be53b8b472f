/**
 * The charting library the history dashboard inlines: uPlot (MIT; ~51 kB minified, no
 * dependencies), read from the installed package so the page needs no network.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { ChartLibrary } from '../report/history-html.js'
import { HistoryError } from './read-dir.js'

/** Reads uPlot's minified script and style; throws HistoryError when they are not installed. */
export function loadChartLibrary(): ChartLibrary {
  const require = createRequire(import.meta.url)
  try {
    return {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')
    }
  } catch (error) {
    throw new HistoryError(
      `the dashboard's charting library (the uplot package) cannot be read: ${(error as Error).message}`
    )
  }
}
