# SPDX-License-Identifier: MIT
"""Summary statistics for the benchmark: mean, sample standard deviation, a
95% confidence interval of the mean (Student's t), percentiles and ratios.
Plain Python, so it runs with Debian's python3 and nothing else.
"""

import math

# Two-sided 95% quantiles of Student's t, by degrees of freedom.
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
       9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131,
       16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074,
       23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045,
       30: 2.042, 40: 2.021, 50: 2.009, 60: 2.000, 80: 1.990, 100: 1.984, 120: 1.980}
Z95 = 1.960


def t95(df):
    """The t quantile for df degrees of freedom; between table rows, the row
    below (a slightly wider, so conservative, interval)."""
    if df < 1:
        raise ValueError("a confidence interval needs at least 2 samples")
    if df > max(T95):
        return Z95
    return T95[max(k for k in T95 if k <= df)]


def mean(xs):
    if not xs:
        raise ValueError("mean of no samples")
    return math.fsum(xs) / len(xs)


def stdev(xs):
    """Sample standard deviation (n - 1); 0 for a single sample."""
    if len(xs) < 2:
        return 0.0
    m = mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def ci95(xs):
    """(low, high) of the 95% confidence interval of the mean; (nan, nan) below 2 samples."""
    if len(xs) < 2:
        return (math.nan, math.nan)
    half = t95(len(xs) - 1) * stdev(xs) / math.sqrt(len(xs))
    m = mean(xs)
    return (m - half, m + half)


def percentile(xs, p):
    """Nearest-rank percentile (p in 0..100] of the samples: one of them, never interpolated."""
    if not xs:
        raise ValueError("percentile of no samples")
    if not 0 < p <= 100:
        raise ValueError(f"percentile {p} outside (0, 100]")
    s = sorted(xs)
    return s[max(1, math.ceil(p / 100 * len(s))) - 1]


def median(xs):
    if not xs:
        raise ValueError("median of no samples")
    s, n = sorted(xs), len(xs)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def summary(xs):
    """{'n', 'mean', 'stdev', 'ci_low', 'ci_high', 'median', 'min', 'max'} of the samples."""
    lo, hi = ci95(xs)
    return {"n": len(xs), "mean": mean(xs), "stdev": stdev(xs), "ci_low": lo, "ci_high": hi,
            "median": median(xs), "min": min(xs), "max": max(xs)}


def ratio(a, b):
    """a / b, or nan when b is 0 (a ratio that cannot be formed is shown as such)."""
    return a / b if b else math.nan
