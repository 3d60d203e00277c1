"""The p-chart of the pathway checklist: the monthly share of steps done, with control limits,
split at a marked change like the run chart.

The monthly share of steps done is a p-chart with 3-sigma limits (Montgomery, Statistical
Quality Control) and, as an option, Laney's p′ chart: the steps of one pathway are not
independent trials, so the binomial limits are too narrow (over-dispersion) and Laney widens
them by the observed spread of the standardised shares:

- Laney DB (2002). Improved control charts for attributes. Quality Engineering 14(4): 531–537.

Why a split (`split_p_chart`): when a unit marks the day it changed how it works, the months
before and after are two processes. One p̄ over both would put the centre line between them,
and the months of each phase would read as outside the limits of a process they do not
belong to. So, as `analytics.spc.split_at` does for the run chart (qicharts2's `part`), each
phase gets its own p̄, its own limits and its own Laney factor. The caller assigns each
pathway to a phase by its start date, so a month that holds the change is two points, one
per phase, and no month mixes pathways from before and after.

Pure functions on plain numbers, like `analytics.spc`; signals come back as
`analytics.spc.Signal`.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from analytics.spc import Side, Signal

LIMIT_TOLERANCE = 1e-12
"""A share must pass a control limit by more than this to be flagged, so a point that lies
on the limit in exact arithmetic is not flagged by a rounding error."""

D2 = 1.128
"""The bias constant d2 for moving ranges of two points: σ ≈ mean moving range ÷ 1.128."""


@dataclass(frozen=True)
class MonthCount:
    """Checklist steps in one month: `done` of `total` relevant steps (done + not done);
    `month` is the first day of the month."""

    month: datetime.date
    done: int
    total: int


@dataclass(frozen=True)
class PChartPoint:
    """One month on the p-chart. `sigma` is the month's standard error, with Laney's factor
    applied on a p′ chart; `z` the standardised share (None when p̄ is 0 or 1 and the
    binomial spread is 0). `outside` says which limit the share passes, if any."""

    month: datetime.date
    done: int
    total: int
    share: float
    sigma: float
    z: float | None
    lower: float
    upper: float
    outside: Side | None


@dataclass(frozen=True)
class PChart:
    """A p-chart (or Laney p′ chart) of monthly shares. `centre` is None and `points` empty
    when no month had a relevant step. `sigma_z` is Laney's factor (None on a plain p-chart,
    or when fewer than two months leave no moving range, in which case the plain limits
    are used)."""

    centre: float | None
    points: tuple[PChartPoint, ...]
    laney: bool
    sigma_z: float | None

    @property
    def signals(self) -> tuple[Signal, ...]:
        """One "outside_limits" signal per month beyond its limits."""
        return tuple(Signal("outside_limits", side=point.outside, start=index, end=index)
                     for index, point in enumerate(self.points) if point.outside)


def p_chart_limits(months: Sequence[MonthCount], *, laney: bool = False) -> PChart:
    """Centre line p̄ = Σdone ÷ Σtotal and per-month limits p̄ ± 3·σᵢ clipped to [0, 1],
    σᵢ = √(p̄(1 − p̄) ÷ nᵢ).

    With `laney`, σᵢ is multiplied by σ_z = mean moving range of zᵢ = (pᵢ − p̄) ÷ σᵢ over
    consecutive months, divided by d2 = 1.128 (Laney 2002). Months must be in time order,
    since the moving ranges are taken between neighbours. Months with no relevant step have
    no share and are left out.
    """
    for month in months:
        if month.done < 0 or month.total < month.done:
            raise ValueError(f"need 0 ≤ done ≤ total, got {month.done} of {month.total}")
    used = [month for month in months if month.total > 0]
    total = sum(month.total for month in used)
    if not total:
        return PChart(centre=None, points=(), laney=laney, sigma_z=None)
    centre = sum(month.done for month in used) / total
    sigmas = [math.sqrt(centre * (1 - centre) / month.total) for month in used]
    shares = [month.done / month.total for month in used]
    zs = [(share - centre) / sigma if sigma else None for share, sigma in zip(shares, sigmas,
                                                                              strict=True)]
    sigma_z = _laney_factor(zs) if laney else None
    factor = 1.0 if sigma_z is None else sigma_z
    points = []
    for month, share, sigma, z in zip(used, shares, sigmas, zs, strict=True):
        spread = sigma * factor
        lower = max(0.0, centre - 3 * spread)
        upper = min(1.0, centre + 3 * spread)
        outside: Side | None = None
        if share > upper + LIMIT_TOLERANCE:
            outside = "above"
        elif share < lower - LIMIT_TOLERANCE:
            outside = "below"
        points.append(PChartPoint(month.month, month.done, month.total, share, spread, z,
                                  lower, upper, outside))
    return PChart(centre=centre, points=tuple(points), laney=laney, sigma_z=sigma_z)


def _laney_factor(zs: Sequence[float | None]) -> float | None:
    """σ_z = mean |z_i − z_(i−1)| ÷ 1.128; a z of None (no binomial spread) counts as 0,
    since then every share equals p̄. None with fewer than two months."""
    if len(zs) < 2:
        return None
    values = [z or 0.0 for z in zs]
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    return statistics.fmean(ranges) / D2


@dataclass(frozen=True)
class PChartSplit:
    """A p-chart split at the day a change was introduced: each phase a `PChart` of its own
    (own p̄, limits and Laney factor). `points` and `signals` run over both phases in time
    order, so index i is the (i + 1)-th point drawn; `change_index` is the index of the first
    point after the change (= the number of points before it)."""

    change: datetime.date
    before: PChart
    after: PChart

    @property
    def phases(self) -> tuple[PChart, PChart]:
        return (self.before, self.after)

    @property
    def change_index(self) -> int:
        return len(self.before.points)

    @property
    def laney(self) -> bool:
        return self.before.laney

    @property
    def points(self) -> tuple[PChartPoint, ...]:
        return self.before.points + self.after.points

    @property
    def signals(self) -> tuple[Signal, ...]:
        """Both phases' months beyond their limits, indexes into `points`."""
        offset = self.change_index
        later = tuple(Signal(signal.kind, side=signal.side, start=(signal.start or 0) + offset,
                             end=(signal.end or 0) + offset)
                      for signal in self.after.signals)
        return self.before.signals + later


def split_p_chart(before: Sequence[MonthCount], after: Sequence[MonthCount],
                  change: datetime.date, *, laney: bool = False) -> PChartSplit:
    """A p-chart per phase: `before` holds the months of the pathways that started before
    `change`, `after` those of the pathways that started on it or later (as `split_at`), each
    in time order; the month of the change may be in both, each with its own pathways."""
    return PChartSplit(change, p_chart_limits(before, laney=laney),
                       p_chart_limits(after, laney=laney))


def p_phases(chart: PChart | PChartSplit) -> tuple[PChart, ...]:
    """The phases of a p-chart: one for a whole series, before and after for a split."""
    return chart.phases if isinstance(chart, PChartSplit) else (chart,)
