/**
 * The history dashboard (pure; returns one HTML page): per benchmark × metric, a chart of
 * every stored commit of main — the median of its trials, the band from the lowest to the
 * highest trial, each change point marked — and the change points listed with their step,
 * interval and p. The page is self-contained: the charting library (uPlot, passed in by the
 * caller) and the data are inlined, so it works offline and from a data branch served as a
 * static site. Shown: each benchmark's headline metrics and any series with a change point.
 *
 * Untrusted text (benchmark names) reaches the page only as JSON inside a script element
 * with every `<` escaped, and is put into the document with `textContent`, never as markup.
 */
import { HEADLINE_METRICS, metricLabel } from '../metrics.js'
import { stepCommit, whereText } from '../history/confirmation.js'
import type { HistoryReport } from '../history/series.js'
import { escapeHtml } from './html.js'

/** The charting library's files, inlined into the page. */
export interface ChartLibrary {
  readonly script: string
  readonly css: string
}

export interface DashboardOptions {
  readonly library: ChartLibrary
  /**
   * A link to a commit, `{commit}` standing for its full sha (e.g. the repository's commit
   * page); without it, commits are shown but not linked. Must start with http:// or https://.
   */
  readonly commitUrl?: string
  /** When the page was made (shown in its header). */
  readonly generatedAt: string
}

/**
 * One chart's data as the page embeds it. Commits are indices into the page's one list of
 * commits (a sha per chart and point made the page four times larger), and values carry 5
 * significant digits (the page shows 3; the data branch keeps every digit).
 */
interface ChartData {
  readonly benchmark: string
  readonly label: string
  readonly unit: string
  readonly higherIsBetter: boolean
  /** Why the series was not tested for change points, when it was not. */
  readonly skipped?: string
  /** Index of each point's commit in the page's `commits`. */
  readonly at: readonly number[]
  readonly median: readonly number[]
  readonly low: readonly number[]
  readonly high: readonly number[]
  readonly changePoints: readonly {
    readonly index: number
    readonly ratio: number
    readonly ciLow: number
    readonly ciHigh: number
    readonly p: number
    /** candidate, confirmed, not-confirmed or accepted (see HistoryChangePoint). */
    readonly status: string
    /** raw, relative or both: the series that found the step (see HistoryChangePoint). */
    readonly foundOn: string
    /** The paired re-measure across the step's window, when one was made. */
    readonly confirmed: {
      readonly ratio: number
      readonly low: number
      readonly high: number
      readonly pairs: number
      /** "between 1a2b3c4 and 5d6e7f8": the commits the pairs compared. */
      readonly between: string
    } | null
    /** Who accepted the regression, on which pull request, why (shown as text). */
    readonly accepted?: {
      readonly reason: string
      readonly by: string
      readonly pullRequest: number
    }
  }[]
}

const COMMIT = /^[0-9a-f]{7,64}$/

/** JSON that cannot end the script element it sits in, nor open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Shown values: 5 significant digits. */
const shown = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(5)) : value)

/** The chart data of the series shown on the dashboard, and the commits they index. */
function dashboardCharts(report: HistoryReport): { charts: ChartData[]; commits: string[] } {
  const charts: ChartData[] = []
  const commitList: string[] = []
  const indexOf = new Map<string, number>()
  const commitIndex = (commit: string) => {
    const sha = COMMIT.test(commit) ? commit : ''
    let index = indexOf.get(sha)
    if (index === undefined) {
      index = commitList.push(sha) - 1
      indexOf.set(sha, index)
    }
    return index
  }
  for (const series of report.series) {
    const steps = report.changePoints.filter(
      (step) => step.benchmark === series.benchmark && step.metric === series.metric
    )
    if (!HEADLINE_METRICS[series.kind].includes(series.metric) && steps.length === 0) continue
    const commits = series.points.map((point) => point.commit)
    charts.push({
      benchmark: series.benchmark,
      label: metricLabel(series.metric, series.kind),
      unit: series.unit,
      higherIsBetter: series.higherIsBetter,
      skipped: series.skipped,
      at: commits.map(commitIndex),
      median: series.points.map((point) => shown(point.median)),
      low: series.points.map((point) => shown(Math.min(...point.values))),
      high: series.points.map((point) => shown(Math.max(...point.values))),
      changePoints: steps.map((step) => ({
        // Drawn where the confirmation located it when that commit was stored; else found.
        index: markIndex(commits, step),
        ratio: step.ratio,
        ciLow: step.ciLow,
        ciHigh: step.ciHigh,
        p: step.p,
        status: step.status,
        foundOn: step.foundOn,
        confirmed:
          step.confirmed && step.confirmed.verdict !== 'unmeasured'
            ? {
                ratio: step.confirmed.ratio,
                low: step.confirmed.low,
                high: step.confirmed.high,
                pairs: step.confirmed.pairs,
                between: whereText(step.confirmed)
              }
            : null,
        ...(step.accepted
          ? {
              accepted: {
                reason: step.accepted.reason,
                by: step.accepted.by,
                pullRequest: step.accepted.pullRequest
              }
            }
          : {})
      }))
    })
  }
  return { charts, commits: commitList }
}

// The page's own script: plain browser JavaScript, reading the inlined data.
const PAGE_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('perfgate-data').textContent);
  var commitUrl = data.commitUrl;
  data.charts.forEach(function (chart) {
    chart.commits = chart.at.map(function (i) { return data.commits[i]; });
  });
  function three(v) {
    var r = Number(v.toPrecision(3)), a = Math.abs(r);
    return r.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
  }
  function scaled(v, units) {
    var a = Math.abs(v);
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0] * 0.9995 || i === units.length - 1) return three(v / units[i][0]) + ' ' + units[i][1];
    }
  }
  function fmt(unit, v) {
    if (v == null || !isFinite(v)) return '–';
    if (unit === 'duration') return v === 0 ? '0 ms' : scaled(v, [[1000, 's'], [1, 'ms'], [1e-3, 'µs'], [1e-6, 'ns']]);
    if (unit === 'bytes') return Math.abs(v) < 999.5 ? Math.round(v) + ' B' : scaled(v, [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']]);
    if (unit === 'rate') return Math.abs(v) < 9999.5 ? three(v) + '/s' : scaled(v, [[1e9, 'G/s'], [1e6, 'M/s'], [1e3, 'k/s']]);
    if (unit === 'share') return (v * 100).toFixed(1) + ' %';
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
  function pct(r) { return (r >= 1 ? '+' : '') + ((r - 1) * 100).toFixed(1) + ' %'; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function commitLink(sha) {
    if (!sha) return el('span', null, '(unknown commit)');
    if (!commitUrl) return el('code', null, sha.slice(0, 10));
    var a = el('a', null, sha.slice(0, 10));
    a.href = commitUrl.split('{commit}').join(sha);
    return a;
  }
  var root = document.getElementById('charts');
  var current = null;
  var width = Math.max(320, Math.min(960, root.clientWidth || 960));
  data.charts.forEach(function (chart, n) {
    if (chart.benchmark !== current) {
      current = chart.benchmark;
      root.appendChild(el('h2', null, chart.benchmark));
    }
    var box = el('section', 'chart');
    box.setAttribute('data-chart', String(n));
    box.appendChild(el('h3', null, chart.label));
    var plot = el('div', 'plot');
    box.appendChild(plot);
    root.appendChild(box);
    var xs = chart.median.map(function (_, i) { return i; });
    var marks = chart.changePoints;
    var opts = {
      width: width,
      height: 240,
      scales: { x: { time: false } },
      legend: { live: true },
      axes: [
        { label: 'commit (oldest → newest)', values: function (u, ticks) { return ticks.map(function (i) { return Number.isInteger(i) ? '#' + (i + 1) : ''; }); } },
        { size: 80, values: function (u, ticks) { return ticks.map(function (v) { return fmt(chart.unit, v); }); } }
      ],
      series: [
        { label: 'commit', value: function (u, i) { return i == null || !chart.commits[i] ? '–' : '#' + (i + 1) + ' ' + chart.commits[i].slice(0, 10); } },
        { label: 'fastest trial', stroke: '#9db4d6', width: 1, value: function (u, v) { return fmt(chart.unit, v); } },
        { label: 'slowest trial', stroke: '#9db4d6', width: 1, value: function (u, v) { return fmt(chart.unit, v); } },
        { label: 'median', stroke: '#1f5fbf', width: 2, points: { show: true, size: 5 }, value: function (u, v) { return fmt(chart.unit, v); } }
      ],
      bands: [{ series: [2, 1], fill: 'rgba(31, 95, 191, 0.12)' }],
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.lineWidth = 2 * devicePixelRatio;
          marks.forEach(function (c) {
            var x = Math.round(u.valToPos(c.index - 0.5, 'x', true));
            ctx.strokeStyle = c.status === 'confirmed' ? '#c0392b' : c.status === 'accepted' ? '#8e6c00' : '#999';
            ctx.setLineDash(c.status === 'confirmed' ? [] : [6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          });
          ctx.restore();
        }]
      }
    };
    if (chart.higherIsBetter) { opts.series[1].label = 'lowest trial'; opts.series[2].label = 'highest trial'; }
    var u = new uPlot(opts, [xs, chart.low, chart.high, chart.median], plot);
    if (commitUrl) {
      u.over.style.cursor = 'pointer';
      u.over.addEventListener('click', function () {
        var i = u.cursor.idx;
        if (i != null && chart.commits[i]) window.open(commitUrl.split('{commit}').join(chart.commits[i]), '_blank', 'noopener');
      });
    }
    var STATUS = { candidate: 'candidate, not re-measured', confirmed: 'confirmed', 'not-confirmed': 'not confirmed by a paired re-measure', accepted: 'accepted' };
    var FOUND = { raw: 'found on the stored values', relative: 'found relative to the other benchmarks of each run', both: 'found on the stored values and relative to the other benchmarks' };
    var list = el('ul', 'steps');
    chart.changePoints.forEach(function (c) {
      var worse = chart.higherIsBetter ? c.ratio < 1 : c.ratio > 1;
      var li = el('li', worse ? 'worse' : 'better');
      li.appendChild(el('span', null, (worse ? '▲ worse ' : '▼ better ') + pct(c.ratio) + ' [' + pct(c.ciLow) + ', ' + pct(c.ciHigh) + '] at commit #' + (c.index + 1) + ' '));
      li.appendChild(commitLink(chart.commits[c.index]));
      li.appendChild(el('span', null, ', p = ' + (c.p < 0.001 ? c.p.toExponential(1) : c.p.toFixed(3)) + ', ' + FOUND[c.foundOn]));
      li.appendChild(el('span', 'status', ' — ' + STATUS[c.status] + (c.confirmed ? ': ' + c.confirmed.between + ' ' + pct(c.confirmed.ratio) + ' [' + pct(c.confirmed.low) + ', ' + pct(c.confirmed.high) + '], ' + c.confirmed.pairs + ' pairs' : '') + (c.accepted ? ' by ' + c.accepted.by + ' on pull request ' + c.accepted.pullRequest + ': ' + c.accepted.reason : '')));
      list.appendChild(li);
    });
    if (chart.changePoints.length === 0) list.appendChild(el('li', 'none', chart.skipped ? 'not tested: ' + chart.skipped : 'no change point'));
    box.appendChild(list);
  });
  document.body.setAttribute('data-ready', String(data.charts.length));
})();
`

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 16px; max-width: 1000px; color: #1d1d1f; }
header p { color: #555; margin: 4px 0 16px; }
h2 { font-size: 18px; margin: 28px 0 4px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 14px 0 4px; font-weight: 600; }
ul.steps { margin: 4px 0 0; padding-left: 18px; }
ul.steps li.worse { color: #a5281b; }
ul.steps li.better { color: #1e7b34; }
ul.steps li.none { color: #777; list-style: none; margin-left: -18px; }
ul.steps .status { color: #555; }
code { font-size: 13px; }
`

/** Renders the dashboard page. */
export function renderHistoryHtml(report: HistoryReport, options: DashboardOptions): string {
  if (options.commitUrl !== undefined && !/^https?:\/\//.test(options.commitUrl)) {
    throw new RangeError(`commitUrl must start with http:// or https://, got ${options.commitUrl}`)
  }
  if (/<\/script/i.test(options.library.script) || /<\/style/i.test(options.library.css)) {
    throw new RangeError('the chart library cannot be inlined: it contains a closing tag')
  }
  const { charts, commits: commitList } = dashboardCharts(report)
  const commits = new Set(report.series.flatMap((s) => s.points.map((p) => p.commit))).size
  const summary =
    `${commits} commit${commits === 1 ? '' : 's'} of main, ${charts.length} chart` +
    `${charts.length === 1 ? '' : 's'}, ${report.changePoints.length} change ` +
    `point${report.changePoints.length === 1 ? '' : 's'}; generated ${options.generatedAt}. ` +
    'Line: median of the trials; band: fastest to slowest trial; solid red: a step confirmed by a paired re-measure; dashed grey: a change point not confirmed (or not re-measured yet); dashed amber: an accepted regression.'
  const data = { commitUrl: options.commitUrl, commits: commitList, charts }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfgate history</title>
<style>${options.library.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>perfgate history</h1><p>${escapeHtml(summary)}</p></header>
<main id="charts"></main>
<script type="application/json" id="perfgate-data">${scriptJson(data)}</script>
<script>${options.library.script}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`
}

/** Where a step's mark goes: its located commit when stored, else where it was found. */
function markIndex(
  commits: readonly string[],
  step: Parameters<typeof stepCommit>[0] & { readonly commit: string }
): number {
  const located = commits.indexOf(stepCommit(step))
  return located >= 0 ? located : commits.indexOf(step.commit)
}
