"""Statistics of the speed benchmark as pure functions: medians of
interleaved samples, round-resampling bootstrap intervals and verdicts.

The benchmark runs every variant once per round, the variants interleaved,
so that a slow spell of the machine hits all of them alike. The bootstrap
therefore resamples whole rounds: the samples of one round stay together,
and what the machine did to all variants at once cancels in their ratios.
"""
from typing import Callable, Dict, Mapping, NamedTuple, Sequence

import numpy as np

#: a statistic of the per-variant medians (works on floats and on arrays)
Statistic = Callable[[Mapping[str, np.ndarray]], np.ndarray]


class Interval(NamedTuple):
    """A point estimate and its bootstrap interval."""
    estimate: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in [low, high]."""
        return self.low <= value <= self.high


def resample_indices(num_rounds: int,
                     resamples: int,
                     seed: int = 0) -> np.ndarray:
    """Rounds drawn with replacement, one row per bootstrap resample.

    Args:
        num_rounds: number of measured rounds.
        resamples: number of bootstrap resamples.
        seed: seed of the generator, so that a run's intervals are
            reproducible from its samples.

    Returns:
        np.ndarray: integer indices, shape (resamples, num_rounds).
    """
    rng = np.random.default_rng(seed)
    return rng.integers(0, num_rounds, size=(resamples, num_rounds))


def bootstrap(samples: Mapping[str, Sequence[float]],
              statistic: Statistic,
              indices: np.ndarray,
              level: float = 0.95) -> Interval:
    """Percentile bootstrap interval of a statistic of per-variant medians.

    Args:
        samples: per variant, one sample per round (all the same length).
        statistic: maps per-variant medians to the quantity of interest.
        indices: resampled rounds, shape (resamples, rounds), see
            :func:`resample_indices`.
        level: coverage of the interval.

    Returns:
        Interval: the statistic of the medians of all rounds, and the
        ``(1 - level) / 2`` and ``(1 + level) / 2`` percentiles (linear
        interpolation) of the statistic over the resamples.
    """
    arrays = {name: np.asarray(values) for name, values in samples.items()}
    estimate = statistic({
        name: np.median(values)
        for name, values in arrays.items()
    })
    resampled = statistic({
        name: np.median(values[indices], axis=1)
        for name, values in arrays.items()
    })
    low, high = np.percentile(resampled, [50 * (1 - level), 50 * (1 + level)])
    return Interval(float(estimate), float(low), float(high))


def ratio(numerator: str, denominator: str) -> Statistic:
    """The statistic ``median(numerator) / median(denominator)``."""
    return lambda medians: medians[numerator] / medians[denominator]


def mixed_ratio(expert_fraction: float, expert: str, learning: str,
                reference: str) -> Statistic:
    """Time of an iteration that is expert with probability f, relative
    to the reference: ``(f * expert + (1 - f) * learning) / reference``.

    This is the epoch-time prediction: an epoch of SwitOKD whose teacher is
    paused in a fraction f of the iterations takes that much of an epoch of
    the reference (DML or KDCL).
    """
    f = expert_fraction
    return lambda m: (f * m[expert] + (1 - f) * m[learning]) / m[reference]


def excess(interval: Interval, value: float = 1.0) -> float:
    """How far ``value`` lies outside the interval, relative to it
    (0 when the interval contains it), e.g. 0.02 for [1.02, 1.05]."""
    return max(interval.low - value, value - interval.high, 0.0) / value


def verdict(interval: Interval, target: float) -> str:
    """Whether a ratio meets an upper target, given its interval."""
    if interval.high <= target:
        return 'meets'
    if interval.low > target:
        return 'misses'
    return 'undecided'


def medians(samples: Mapping[str, Sequence[float]]) -> Dict[str, float]:
    """Per-variant medians."""
    return {name: float(np.median(v)) for name, v in samples.items()}
