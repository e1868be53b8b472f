#!/usr/bin/env python3
"""Reference values for src/stats/trimmed.ts (the 20 % trimmed mean of paired log ratios
with its trimmed t interval and test), recorded from scipy.

How this fixture was recorded (from the repository root):
    python3 __fixtures__/stats/make-trimmed-fixtures.py
    npx prettier --write __fixtures__/stats/trimmed-reference.json
(writes __fixtures__/stats/trimmed-reference.json; a rerun reproduces it byte for byte)
with Python 3.11.7, scipy 1.17.1, numpy 2.4.6 (also stored under "recorded").

Sources of the values, for d = log(head) - log(base) and trim 0.2:
- estimate: scipy.stats.trim_mean(d, 0.2) (cuts floor(0.2 n) from each end);
- standardError: scipy.stats.mstats.trimmed_stde(d, limits=(0.2, 0.2), inclusive=(True, True))
  (winsorized SD / ((1 - 0.4) sqrt(n)), Wilcox's trimci);
- df: the count left after scipy.stats.mstats.trimr(d, (0.2, 0.2)) minus 1;
- intervals: scipy.stats.mstats.trimmed_mean_ci(d, limits=(0.2, 0.2), alpha=1 - confidence)
  at each confidence listed;
- pValue: 2 * scipy.stats.t.sf(|estimate / standardError|, df).
- kept, tScreened, pScreened: the screened t-test, kept = d[|d| <= 3 * numpy.median(|d|)]
  and scipy.stats.ttest_1samp(kept, 0) (statistic, two-sided p-value).

Data sets: the paired sets of scipy-reference.json (read from it), and disturbed sets made
here with numpy's PCG64 (seeds in the code): lognormal noise, and a share of trials on
either side slowed as a whole by a factor log-uniform in [1.5, 10]; n not a multiple of 5
included, so floor(0.2 n) < 0.2 n is covered.
"""

import json
import platform
from pathlib import Path

import numpy as np
import scipy
from scipy import stats
from scipy.stats import mstats

HERE = Path(__file__).parent
OUT = HERE / 'trimmed-reference.json'
CONFIDENCES = [0.95, 0.99, 1 - 0.05 / 3]


def disturbed(seed, n, noise, share, log_ratio):
    rng = np.random.default_rng(seed)

    def side():
        slow = rng.random(n) < share
        factor = np.exp(rng.uniform(np.log(1.5), np.log(10.0), n))
        return np.exp(rng.normal(np.log(5.0), noise, n)) * np.where(slow, factor, 1.0)

    base = side()
    head = side() * np.exp(log_ratio)
    return base, head


scipy_ref = json.loads((HERE / 'scipy-reference.json').read_text())
sets = [(s['name'], np.array(s['base']), np.array(s['head'])) for s in scipy_ref['paired']]
for seed, n, noise, share, log_ratio in [
    (11, 10, 0.02, 0.2, np.log(1.1)),
    (12, 20, 0.02, 0.15, np.log(1.1)),
    (13, 30, 0.04, 0.2, 0.0),
    (14, 13, 0.01, 0.1, np.log(1.05)),
    (15, 27, 0.03, 0.2, np.log(0.9)),
    (16, 4, 0.02, 0.0, np.log(1.02)),
]:
    base, head = disturbed(seed, n, noise, share, log_ratio)
    sets.append((f'disturbed-seed{seed}-n{n}', base, head))

out = []
for name, base, head in sets:
    d = np.log(head) - np.log(base)
    estimate = stats.trim_mean(d, 0.2)
    se = mstats.trimmed_stde(d, limits=(0.2, 0.2), inclusive=(True, True))
    df = int(mstats.trimr(d, limits=(0.2, 0.2)).count()) - 1
    p = 2 * stats.t.sf(abs(estimate / se), df)
    intervals = []
    for c in CONFIDENCES:
        low, high = mstats.trimmed_mean_ci(d, limits=(0.2, 0.2), alpha=1 - c)
        intervals.append({'confidence': float(c), 'low': float(low), 'high': float(high)})
    kept = d[np.abs(d) <= 3 * np.median(np.abs(d))]
    screened = stats.ttest_1samp(kept, 0.0)
    entry_flip = {'kept': int(len(kept)), 'tScreened': float(screened.statistic),
                  'pScreened': float(screened.pvalue)}
    out.append({
        'name': name,
        'base': [float(x) for x in base],
        'head': [float(x) for x in head],
        'estimate': float(estimate),
        'standardError': float(se),
        'df': df,
        'pValue': float(p),
        'intervals': intervals,
        **entry_flip,
    })

recorded = {
    'command': 'python3 __fixtures__/stats/make-trimmed-fixtures.py',
    'python': platform.python_version(),
    'scipy': scipy.__version__,
    'numpy': np.__version__,
}
OUT.write_text(json.dumps({'recorded': recorded, 'trimmed': out}, indent=2) + '\n')
