# SPDX-License-Identifier: MIT
"""Mean, standard deviation, confidence intervals and percentiles of the bench."""
import math

import pytest

import stats


def test_mean_and_sample_stdev():
    xs = [2, 4, 4, 4, 5, 5, 7, 9]
    assert stats.mean(xs) == 5
    assert stats.stdev(xs) == pytest.approx(2.138089935, rel=1e-9)  # n - 1
    assert stats.stdev([3.0]) == 0.0


def test_ci95_uses_students_t():
    xs = [10.0, 12.0, 14.0]  # mean 12, sd 2, t(2) = 4.303
    lo, hi = stats.ci95(xs)
    half = 4.303 * 2 / math.sqrt(3)
    assert (lo, hi) == (pytest.approx(12 - half), pytest.approx(12 + half))


def test_ci95_of_one_sample_is_undefined():
    lo, hi = stats.ci95([1.0])
    assert math.isnan(lo) and math.isnan(hi)


def test_t95_between_table_rows_takes_the_wider_row():
    assert stats.t95(1) == 12.706
    assert stats.t95(35) == stats.T95[30]
    assert stats.t95(99) == stats.T95[80]
    assert stats.t95(1000) == stats.Z95
    with pytest.raises(ValueError):
        stats.t95(0)


def test_percentile_is_nearest_rank():
    xs = list(range(1, 101))
    assert stats.percentile(xs, 50) == 50
    assert stats.percentile(xs, 99) == 99
    assert stats.percentile(xs, 100) == 100
    assert stats.percentile([5, 1, 3], 50) == 3
    assert stats.percentile([7], 99) == 7
    with pytest.raises(ValueError):
        stats.percentile(xs, 0)
    with pytest.raises(ValueError):
        stats.percentile([], 50)


def test_median_of_even_and_odd_counts():
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([4, 1, 3, 2]) == 2.5


def test_summary_and_ratio():
    s = stats.summary([1.0, 2.0, 3.0])
    assert (s["n"], s["mean"], s["median"], s["min"], s["max"]) == (3, 2.0, 2.0, 1.0, 3.0)
    assert s["ci_low"] < 2.0 < s["ci_high"]
    assert stats.ratio(1.0, 4.0) == 0.25
    assert math.isnan(stats.ratio(1.0, 0))


def test_empty_samples_are_an_error():
    with pytest.raises(ValueError):
        stats.mean([])
    with pytest.raises(ValueError):
        stats.median([])
