"""Statistical process control for the pathway checklist: compliance and run charts.

Why these rules: a unit plots its checklist compliance (programoppfyllelse) pathway after
pathway and must tell a real change from noise without a statistician at hand. The run chart
with the two Anhøj rules makes no assumption about the distribution of the data and keeps the
false-signal rate near 5 % whatever the number of points, which the older fixed rules
(a "shift of 6", a "trend of 5") do not; the trend rule in particular is "virtually useless"
and is left out on purpose:

- Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules for
  detection of non-random variation in health care processes. PLoS ONE 9(11): e113825.
  https://doi.org/10.1371/journal.pone.0113825
- Anhøj J (2015). Diagnostic value of run chart analysis: using likelihood ratios to compare
  run chart rules on simulated data series. PLoS ONE 10(3): e0121349.
- The qicharts2 R package by the same author (vignette "Quality Improvement Charts", its
  Appendix 2 tabulates the limits for 10–100 useful observations), whose `runs.analysis`
  these functions follow: centre line = median; points on it neither break nor extend a run;
  a run longer than round(log2(n) + 3) is a shift (Schilling 2012, "The surprising
  predictability of long runs", Mathematics Magazine 85: 141–149); fewer crossings than the
  5th percentile of Binomial(n − 1, 0.5) is a signal (Chen 2010).

The monthly share of steps done, as a p-chart, is in `analytics.p_charts`.

Everything here is a pure function on plain numbers (no database, no Flask), so it is tested
by hand. Signals come back as data (`Signal`), never as text: the pages word them through
Flask-Babel.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Side = Literal["above", "below"]
SignalKind = Literal["shift", "crossings", "outside_limits"]

MIN_USEFUL = 10
"""Fewest useful observations (not on the centre line) for the Anhøj rules to be applied.

Why 10: Anhøj & Olesen (2014) validated the rules on series from 10 data points up, and the
qicharts2 vignette says they "can be applied to charts with as few as 10 and up to
indefinitely many data points without losing sensitivity and specificity"; its table of
critical values (Appendix 2) starts at n = 10. Below that the limits still compute but are
coarse (n = 6: a run must be longer than 6, i.e. every point on one side, and a signal on
crossings needs fewer than 1), so a page would report "no signal" where the chart simply
cannot tell. qicharts2 itself applies the rules to any n; we are stricter and say so instead.
The typical cause is a median of 100 %: when more than half the pathways are fully compliant,
every one of those lies on the median and is not useful.
"""

ON_MEDIAN_TOLERANCE = 1e-9
"""Values closer than this to the centre line count as on it. Compliance is a ratio of small
counts, so equal ratios are equal floats, but an even-length median is the mean of two values
and should not turn 2/3 into a point just above or below itself."""


def compliance(done: int, not_done: int) -> float | None:
    """A pathway's compliance (programoppfyllelse): done ÷ (done + not done).

    Steps marked "not relevant" are left out of both counts, so they neither help nor hurt.
    None when no step was relevant: there is nothing to measure, and such a pathway is left
    out of the run chart rather than plotted as 0 % or 100 %.
    """
    if done < 0 or not_done < 0:
        raise ValueError(f"step counts cannot be negative: done={done}, not done={not_done}")
    total = done + not_done
    return done / total if total else None


def longest_run_limit(n_useful: int) -> int:
    """The longest run expected by chance among `n_useful` points: round(log2(n) + 3).

    A run longer than this is a shift. log2(n) + 3 is never exactly x.5 for a whole n ≥ 1
    (that would need n = 2^(k + ½)), so Python's round-half-to-even cannot differ from R.
    """
    if n_useful < 1:
        raise ValueError("the longest-run limit needs at least one useful observation")
    return round(math.log2(n_useful) + 3)


def crossings_limit(n_useful: int) -> int:
    """The fewest crossings expected by chance among `n_useful` points: the 5th percentile of
    Binomial(n − 1, 0.5), as R's qbinom(0.05, n - 1, 0.5). Fewer crossings is a signal."""
    if n_useful < 1:
        raise ValueError("the crossings limit needs at least one useful observation")
    from scipy.stats import binom  # here, not at start-up: ~1 s of CPU

    return int(binom.ppf(0.05, n_useful - 1, 0.5))


@dataclass(frozen=True)
class Observation:
    """One pathway on the run chart: its start date, its compliance (0–1) and an optional
    label that is not a name (shown in the data table, never on the chart)."""

    when: datetime.date
    value: float
    label: str | None = None


@dataclass(frozen=True)
class Run:
    """Consecutive useful observations on one side of the centre line.

    `start` and `end` are indexes into the whole series (inclusive) of the run's first and
    last useful point; points on the centre line in between do not break the run and do not
    count in `length`.
    """

    start: int
    end: int
    length: int
    side: Side


@dataclass(frozen=True)
class Signal:
    """A signal as data for the page to word (via Flask-Babel) and the chart to mark.

    - "shift": `count` points in a row on `side` of the median, more than `limit`;
      `start`/`end` locate the run ("a shift: 9 pathways in a row above the median").
    - "crossings": `count` crossings of the median where at least `limit` were expected
      ("too few crossings: 3 where at least 6 were expected"); no location.
    - "outside_limits": the p-chart month at index `start` (= `end`) of the chart's points
      (`analytics.p_charts`, all phases together) lies beyond its 3-sigma limit on `side`;
      `count` and `limit` are None (the month's share and limits are in that point).

    Indexes are 0-based; the chart and its table number points from 1 (index + 1).
    """

    kind: SignalKind
    count: int | None = None
    limit: int | None = None
    side: Side | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class RunsAnalysis:
    """The Anhøj runs analysis of one series (or one phase of a split series).

    `offset` is the index of the phase's first observation in the whole series; every index
    here (`runs`, `longest_run`, signals) is into the whole series, so a split chart needs no
    arithmetic. `sides[i]` belongs to observation `offset + i`; None means on the centre line.

    When `too_few` (fewer than MIN_USEFUL useful observations, or an empty series) the rules
    are not applied: both limits are None and neither signal is raised, so the page says
    "too few useful points" instead of "no signal".
    """

    offset: int
    n: int
    median: float | None
    centre: float | None
    sides: tuple[Side | None, ...]
    runs: tuple[Run, ...]
    longest_run: Run | None
    crossings: int
    longest_run_limit: int | None
    crossings_limit: int | None
    too_few: bool

    @property
    def n_useful(self) -> int:
        """Observations not on the centre line: the n of both rules."""
        return len(self.sides) - self.sides.count(None)

    @property
    def long_runs(self) -> tuple[Run, ...]:
        """Every run longer than the limit (a series can shift down and later up)."""
        if self.longest_run_limit is None:
            return ()
        return tuple(run for run in self.runs if run.length > self.longest_run_limit)

    @property
    def shift(self) -> bool:
        """The longest run is longer than round(log2(n) + 3)."""
        return bool(self.long_runs)

    @property
    def few_crossings(self) -> bool:
        """Fewer crossings than the 5th percentile of Binomial(n − 1, 0.5)."""
        return self.crossings_limit is not None and self.crossings < self.crossings_limit

    @property
    def signal(self) -> bool:
        """Either rule signals non-random variation."""
        return self.shift or self.few_crossings

    @property
    def signals(self) -> tuple[Signal, ...]:
        """The signals in the order a page should say them: shifts, then crossings."""
        found = [Signal("shift", count=run.length, limit=self.longest_run_limit,
                        side=run.side, start=run.start, end=run.end)
                 for run in self.long_runs]
        if self.few_crossings:
            found.append(Signal("crossings", count=self.crossings, limit=self.crossings_limit))
        return tuple(found)

    def signal_points(self) -> frozenset[int]:
        """Indexes (into the whole series) of the useful points in a signalling run, which
        the chart marks; points on the median inside such a run are not part of it."""
        return frozenset(index for run in self.long_runs
                         for index in range(run.start, run.end + 1)
                         if self.sides[index - self.offset] == run.side)


def analyse_runs(values: Sequence[float], *, centre: float | None = None,
                 offset: int = 0) -> RunsAnalysis:
    """Apply the Anhøj rules to `values` in time order (the compliance of each pathway that
    had a relevant step; `compliance` gives None for the others and they are left out).

    The centre line is the median of the values unless `centre` is given, e.g. the median
    of a baseline phase carried forward (qicharts2's `freeze`) to ask whether the points
    after a change lie differently around the old median. `median` is always the series'
    own median, for the page. `offset` shifts every index, for a phase of a longer series.
    """
    values = list(values)
    median = statistics.median(values) if values else None
    line = centre if centre is not None else median
    sides: tuple[Side | None, ...] = tuple(_side(value, line) for value in values)
    runs = _runs(sides, offset)
    n_useful = sum(run.length for run in runs)
    too_few = n_useful < MIN_USEFUL
    return RunsAnalysis(
        offset=offset, n=len(values), median=median, centre=line, sides=sides, runs=runs,
        longest_run=max(runs, key=lambda run: run.length, default=None),
        crossings=max(len(runs) - 1, 0),
        longest_run_limit=None if too_few else longest_run_limit(n_useful),
        crossings_limit=None if too_few else crossings_limit(n_useful),
        too_few=too_few,
    )


def _side(value: float, centre: float | None) -> Side | None:
    """Which side of the centre line a value lies on; None when on it."""
    if centre is None or abs(value - centre) <= ON_MEDIAN_TOLERANCE:
        return None
    return "above" if value > centre else "below"


def _runs(sides: Sequence[Side | None], offset: int) -> tuple[Run, ...]:
    """The runs of useful observations; the first of equally long runs comes first, which
    `max` keeps as the longest."""
    runs: list[Run] = []
    for index, side in enumerate(sides, start=offset):
        if side is None:
            continue
        if runs and runs[-1].side == side:
            last = runs[-1]
            runs[-1] = Run(last.start, index, last.length + 1, side)
        else:
            runs.append(Run(index, index, 1, side))
    return tuple(runs)


@dataclass(frozen=True)
class PhaseSplit:
    """A series split at the date a change was introduced, each phase with its own median
    and its own runs analysis (qicharts2's `part`). `change_index` is the index of the
    first observation after the change (= the number before it)."""

    change: datetime.date
    change_index: int
    before: RunsAnalysis
    after: RunsAnalysis

    @property
    def phases(self) -> tuple[RunsAnalysis, RunsAnalysis]:
        return (self.before, self.after)


def split_at(observations: Sequence[Observation], change: datetime.date) -> PhaseSplit:
    """Split pathways at `change`: a pathway that starts on or after the change date had
    the change applied to it, so it belongs to "after".

    The observations must be in time order (the caller sorts by start date); otherwise the
    split would mix the phases, so it is refused.
    """
    dates = [observation.when for observation in observations]
    if dates != sorted(dates):
        raise ValueError("observations must be in time order to be split at a date")
    index = sum(1 for when in dates if when < change)
    values = [observation.value for observation in observations]
    return PhaseSplit(change=change, change_index=index,
                      before=analyse_runs(values[:index]),
                      after=analyse_runs(values[index:], offset=index))
