"""The speed benchmark's statistics against hand-computed values."""
import numpy as np
import pytest

from tools.benchmarks.speed_stats import (Interval, bootstrap, excess, medians,
                                          mixed_ratio, ratio, resample_indices,
                                          verdict)


def test_bootstrap_ratio_by_hand():
    # rounds of a: 2, 4, 6; b is 1 throughout. The four resamples pick
    # rounds (0,0,0), (0,1,2), (2,2,2), (1,1,2): median ratios 2, 4, 6, 4.
    # Sorted 2, 4, 4, 6; linear percentiles at positions q * 3:
    # 2.5 % -> 0.075 -> 2 + 0.075 * 2 = 2.15,
    # 97.5 % -> 2.925 -> 4 + 0.925 * 2 = 5.85.
    indices = np.array([[0, 0, 0], [0, 1, 2], [2, 2, 2], [1, 1, 2]])
    interval = bootstrap({
        'a': [2, 4, 6],
        'b': [1, 1, 1]
    }, ratio('a', 'b'), indices)
    assert interval == pytest.approx(Interval(4.0, 2.15, 5.85))


def test_bootstrap_keeps_rounds_together():
    # a slow round slows both variants alike: paired resampling of rounds
    # leaves the ratio untouched (independent resampling would not)
    a = [10.0, 30.0, 11.0, 50.0]
    b = [5.0, 15.0, 5.5, 25.0]
    interval = bootstrap({
        'a': a,
        'b': b
    }, ratio('a', 'b'), resample_indices(4, 500, seed=1))
    assert interval == pytest.approx(Interval(2.0, 2.0, 2.0))


def test_bootstrap_level_widens_interval():
    rng = np.random.default_rng(0)
    samples = {'a': rng.normal(10, 1, 50), 'b': rng.normal(10, 1, 50)}
    indices = resample_indices(50, 400)
    narrow = bootstrap(samples, ratio('a', 'b'), indices, level=0.5)
    wide = bootstrap(samples, ratio('a', 'b'), indices, level=0.95)
    assert wide.low < narrow.low <= narrow.estimate <= narrow.high < wide.high


def test_resample_indices():
    indices = resample_indices(7, 30, seed=3)
    assert indices.shape == (30, 7)
    assert indices.min() >= 0 and indices.max() <= 6
    np.testing.assert_array_equal(indices, resample_indices(7, 30, seed=3))
    assert not np.array_equal(indices, resample_indices(7, 30, seed=4))


def test_mixed_ratio_by_hand():
    # f = 0.25: (0.25 * 1 + 0.75 * 3) / 5 = 2.5 / 5 = 0.5
    statistic = mixed_ratio(0.25, 'expert', 'learning', 'dml')
    assert statistic(dict(expert=1.0, learning=3.0, dml=5.0)) == 0.5
    assert mixed_ratio(0.0, 'e', 'l', 'r')(dict(e=1., l=3., r=3.)) == 1.0
    assert mixed_ratio(1.0, 'e', 'l', 'r')(dict(e=1., l=3., r=4.)) == 0.25


def test_excess_and_contains():
    assert excess(Interval(1.0, 0.9, 1.1)) == 0
    assert excess(Interval(1.03, 1.02, 1.05)) == pytest.approx(0.02)
    assert excess(Interval(0.9, 0.85, 0.95)) == pytest.approx(0.05)
    assert excess(Interval(2.2, 2.1, 2.3), value=2.0) == pytest.approx(0.05)
    assert Interval(1, 1, 1.2).contains(1.0)
    assert not Interval(1.1, 1.01, 1.2).contains(1.0)


def test_verdict():
    assert verdict(Interval(1.0, 0.98, 1.04), 1.05) == 'meets'
    assert verdict(Interval(1.04, 1.02, 1.07), 1.05) == 'undecided'
    assert verdict(Interval(1.1, 1.06, 1.2), 1.05) == 'misses'


def test_medians():
    assert medians({'a': [3, 1, 2], 'b': [4, 1, 2, 3]}) == {'a': 2, 'b': 2.5}
