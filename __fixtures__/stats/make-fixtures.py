#!/usr/bin/env python3
"""Reference values for src/stats, recorded from scipy (and mpmath for far tails).

How this fixture was recorded (from the repository root):
    python3 __fixtures__/stats/make-fixtures.py
    npx prettier --write __fixtures__/stats/scipy-reference.json
(writes __fixtures__/stats/scipy-reference.json; prettier only re-indents it, and a rerun
reproduces the file byte for byte)
with Python 3.11.7, scipy 1.17.1, numpy 2.4.6, mpmath 1.3.0 as installed on the
development machine (the versions are also stored in the JSON under "recorded").

Sources of the values:
- distributions: scipy.stats.t.cdf / t.ppf, scipy.stats.norm.cdf / norm.ppf,
  scipy.special.erf / erfc / gammaln / betaln / betainc. Each point also carries an
  mpmath value at 50 significant digits, the tie-breaker where scipy itself is only
  approximate (its t.cdf at huge df, for instance).
- paired: scipy.stats.ttest_rel on the logs (statistic, p-value, 95 % interval of the
  mean log ratio via TtestResult.confidence_interval), and the exact sign-flip p-value
  from scipy.stats.permutation_test(permutation_type='samples', n_resamples=inf).
- unpaired: scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='exact' and
  'asymptotic', use_continuity=True).
- Holm adjustments are not here (scipy has no Holm): they come from R's p.adjust, see
  make-r-fixtures.R and r-reference.json.

Data sets are generated here with numpy's PCG64 (seeds in the code) and stored in the JSON,
so the tests read the same numbers.
"""

import json
import platform
import sys
from pathlib import Path

import mpmath as mp
import numpy as np
import scipy
from scipy import special, stats

mp.mp.dps = 50
OUT = Path(__file__).with_name('scipy-reference.json')


def f(x):
    """A float for JSON (repr round-trips exactly)."""
    return float(x)


def mp_t_cdf(t, df):
    t = mp.mpf(t)
    df = mp.mpf(df)
    x = df / (df + t * t)
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, x, regularized=True) / 2
    return tail if t < 0 else 1 - tail


def mp_t_ppf(p, df):
    p = mp.mpf(p)
    guess = stats.t.ppf(float(p), df)
    return mp.findroot(lambda t: mp_t_cdf(t, df) - p, mp.mpf(guess), tol=mp.mpf(10) ** -40)


def mp_norm_ppf(p):
    if p == 0.5:
        return mp.mpf(0)
    return mp.findroot(lambda x: mp.ncdf(x) - mp.mpf(p), mp.mpf(special.ndtri(p)))


DFS = [1, 2, 3, 4.5, 9, 29, 100, 1e4, 1e6]
TS = [-1e10, -40, -10, -3, -1.5, -0.1, -1e-8, 0.5, 2, 5, 1e3]
PS = [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.4, 0.5, 0.8, 0.975, 0.999999]

distributions = {
    't_cdf': [
        {'t': t, 'df': df, 'scipy': f(stats.t.cdf(t, df)), 'mpmath': f(mp_t_cdf(t, df))}
        for df in DFS
        for t in TS
    ],
    't_ppf': [
        {'p': p, 'df': df, 'scipy': f(stats.t.ppf(p, df)), 'mpmath': f(mp_t_ppf(p, df))}
        for df in DFS
        for p in PS
    ],
    'norm_cdf': [
        {'x': x, 'scipy': f(stats.norm.cdf(x)), 'mpmath': f(mp.ncdf(x))}
        for x in [-38, -20, -8, -3, -1, -1e-9, 0, 0.3, 2, 6, 9]
    ],
    'norm_ppf': [
        {'p': p, 'scipy': f(stats.norm.ppf(p)), 'mpmath': f(mp_norm_ppf(p))}
        for p in [1e-300, 1e-20, 1e-10, 1e-3, 0.02, 0.02425, 0.3, 0.4999999999, 0.5, 0.75,
                  0.98, 0.999, 1 - 1e-12]
    ],
    'erfc': [
        {'x': x, 'scipy': f(special.erfc(x)), 'mpmath': f(mp.erfc(x))}
        for x in [-3, -1, -0.2, 1e-10, 0.1, 0.5, 1, 1.49, 1.5, 1.51, 2, 3, 5, 10, 26]
    ],
    'erf': [
        {'x': x, 'scipy': f(special.erf(x)), 'mpmath': f(mp.erf(x))}
        for x in [-2, -0.5, 1e-12, 1e-5, 0.3, 1.2, 1.6, 4]
    ],
    'gammaln': [
        {'x': x, 'scipy': f(special.gammaln(x)), 'mpmath': f(mp.loggamma(x))}
        for x in [1e-10, 0.5, 1, 1.5, 2, 3.7, 9.99, 10, 25.5, 1e3, 1e6]
    ],
    'betaln': [
        {'a': a, 'b': b, 'scipy': f(special.betaln(a, b)), 'mpmath': f(mp.log(mp.beta(a, b)))}
        for a, b in [(0.5, 0.5), (2, 3), (4.5, 0.5), (50, 0.5), (5e5, 0.5), (12, 30), (1e3, 1e3)]
    ],
    'betainc': [
        {'x': x, 'a': a, 'b': b, 'scipy': f(special.betainc(a, b, x)),
         'mpmath': f(mp.betainc(a, b, 0, x, regularized=True))}
        for a, b, x in [(2, 3, 0.4), (0.5, 0.5, 0.01), (10, 0.5, 0.9), (0.5, 10, 0.02),
                        (30, 40, 0.45), (1, 1, 0.3), (5, 5, 0.999)]
    ],
}


def lognormal_pairs(seed, n, log_ratio, noise):
    rng = np.random.default_rng(seed)
    base = np.exp(rng.normal(np.log(10.0), 0.2, n) + rng.normal(0, noise, n))
    head = base * np.exp(log_ratio + rng.normal(0, noise, n))
    return base, head


paired_sets = [
    ('hand-7', np.array([10.1, 9.8, 10.4, 10.0, 9.9, 10.3, 10.2]),
     np.array([10.6, 10.1, 10.9, 10.4, 10.0, 10.8, 10.5])),
    ('hand-12-mixed', np.array([5.0, 5.2, 4.9, 5.1, 5.3, 5.0, 4.8, 5.2, 5.1, 5.0, 4.9, 5.4]),
     np.array([5.1, 5.0, 5.0, 5.3, 5.2, 5.1, 4.9, 5.0, 5.3, 5.1, 4.8, 5.5])),
]
for seed, n, log_ratio, noise in [(1, 10, 0.0, 0.05), (2, 10, 0.05, 0.05), (3, 20, -0.03, 0.08),
                                   (4, 30, 0.02, 0.04), (5, 9, 0.2, 0.1)]:
    base, head = lognormal_pairs(seed, n, log_ratio, noise)
    paired_sets.append((f'lognormal-seed{seed}-n{n}', base, head))

paired = []
for name, base, head in paired_sets:
    d = np.log(head) - np.log(base)
    res = stats.ttest_rel(np.log(head), np.log(base))
    ci = res.confidence_interval(0.95)
    entry = {
        'name': name,
        'base': [f(v) for v in base],
        'head': [f(v) for v in head],
        't': f(res.statistic),
        'pT': f(res.pvalue),
        'meanLog': f(np.mean(d)),
        'sdLog': f(np.std(d, ddof=1)),
        'ciLow': f(np.exp(ci.low)),
        'ciHigh': f(np.exp(ci.high)),
    }
    if len(d) <= 20:
        flip = stats.permutation_test((d,), np.mean, permutation_type='samples',
                                      n_resamples=np.inf, alternative='two-sided')
        entry['pSignFlip'] = f(flip.pvalue)
    paired.append(entry)


def two_samples(seed, m, n, shift, decimals=None):
    rng = np.random.default_rng(seed)
    x = np.exp(rng.normal(0, 0.1, m)) * 100
    y = np.exp(rng.normal(shift, 0.1, n)) * 100
    if decimals is not None:
        x, y = np.round(x, decimals), np.round(y, decimals)
    return x, y


unpaired_sets = [('hand-5-7', np.array([1.1, 2.3, 0.7, 3.9, 2.8]),
                  np.array([3.2, 4.4, 2.9, 5.1, 3.7, 4.0, 6.2]))]
for seed, m, n, shift, decimals in [(11, 8, 8, 0.05, None), (12, 10, 12, 0.0, None),
                                     (13, 20, 25, 0.08, None), (14, 50, 50, 0.03, None),
                                     (15, 3, 4, 0.2, None), (16, 30, 30, 0.05, 0),
                                     (17, 60, 70, 0.02, None)]:
    x, y = two_samples(seed, m, n, shift, decimals)
    unpaired_sets.append((f'seed{seed}-{m}x{n}' + ('-ties' if decimals is not None else ''), x, y))

unpaired = []
for name, x, y in unpaired_sets:
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    asym = stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic',
                              use_continuity=True)
    entry = {'name': name, 'x': [f(v) for v in x], 'y': [f(v) for v in y], 'ties': bool(ties),
             'u': f(asym.statistic), 'pAsymptotic': f(asym.pvalue)}
    if not ties:
        entry['pExact'] = f(stats.mannwhitneyu(x, y, alternative='two-sided',
                                               method='exact').pvalue)
    unpaired.append(entry)

reference = {
    'recorded': {
        'command': 'python3 __fixtures__/stats/make-fixtures.py',
        'python': platform.python_version(),
        'scipy': scipy.__version__,
        'numpy': np.__version__,
        'mpmath': mp.__version__,
    },
    'distributions': distributions,
    'paired': paired,
    'unpaired': unpaired,
}

OUT.write_text(json.dumps(reference, indent=1) + '\n')
print(f'wrote {OUT}', file=sys.stderr)
