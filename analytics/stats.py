"""Small, general statistics that every results page (and later the dashboards) shares.

Why one module: a mean is always reported with its n and a 95 % confidence interval, and a
figure built on too few answers is never shown (the small-group rule). If each
page did its own arithmetic, one page would forget the rule. Everything here is a pure
function on plain numbers, so it can be tested by hand.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MeanCI:
    """A mean with its n and confidence interval (low/high are None when n < 2)."""

    n: int
    mean: float
    low: float | None
    high: float | None


def mean_ci(values: Sequence[float], level: float = 0.95) -> MeanCI | None:
    """Mean of `values` with a two-sided t interval (df = n − 1, sample sd with ddof = 1).

    None for no values. One value has no interval (low = high = None); values that are all
    equal have sd 0, so low = high = mean.
    """
    n = len(values)
    if n == 0:
        return None
    mean = statistics.fmean(values)
    if n == 1:
        return MeanCI(n=1, mean=mean, low=None, high=None)
    half_width = t_quantile(level, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return MeanCI(n=n, mean=mean, low=mean - half_width, high=mean + half_width)


def within(ci: MeanCI | None, lowest: float, highest: float) -> MeanCI | None:
    """`ci` with its interval clipped to the range the values can take.

    Why: a t interval is symmetric around the mean, so a mean near a scale's end reaches past
    it (0,64–1,76 on a 1–5 item; −0,36 for a PSFS mean on 0–10), which reads as if a score of
    0,64 could be given. Clipped, the interval says what it can: the true mean lies in
    [lowest, highest] in any case, so coverage is never lower. Every page, download and the
    API show the clipped interval, and the method notes say so.
    """
    if ci is None or ci.low is None or ci.high is None:
        return ci
    low, high = min(max(ci.low, lowest), highest), max(min(ci.high, highest), lowest)
    if (low, high) == (ci.low, ci.high):
        return ci
    return MeanCI(n=ci.n, mean=ci.mean, low=low, high=high)


def t_quantile(level: float, df: float) -> float:
    """The t quantile for a two-sided interval at `level` (2.776 for 95 % and df = 4)."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must lie between 0 and 1, not {level!r}")
    from scipy.stats import t as student_t  # here, not at start-up: ~1 s of CPU

    return float(student_t.ppf((1 + level) / 2, df))


def share(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Moments:
    """n, mean and sample variance (ddof = 1; None when n < 2) of a group of values."""

    n: int
    mean: float
    variance: float | None


def moments(counts: Mapping[float, int]) -> Moments | None:
    """The moments of the values that `counts` ({value: how many}) stands for; None for
    none. The tallies keep scores as such counts, so no figure needs the rows themselves."""
    counts = {value: count for value, count in counts.items() if count > 0}
    n = sum(counts.values())
    if n == 0:
        return None
    mean = sum(value * count for value, count in counts.items()) / n
    if n == 1:
        return Moments(n=1, mean=mean, variance=None)
    variance = sum(count * (value - mean) ** 2 for value, count in counts.items()) / (n - 1)
    return Moments(n=n, mean=mean, variance=variance)


def mean_ci_from_counts(counts: Mapping[float, int], level: float = 0.95) -> MeanCI | None:
    """`mean_ci` of the values that `counts` ({value: how many}) stands for: it equals
    `mean_ci` of the expanded list."""
    found = moments(counts)
    if found is None:
        return None
    if found.variance is None:
        return MeanCI(n=1, mean=found.mean, low=None, high=None)
    half_width = t_quantile(level, found.n - 1) * math.sqrt(found.variance / found.n)
    return MeanCI(n=found.n, mean=found.mean, low=found.mean - half_width,
                  high=found.mean + half_width)
