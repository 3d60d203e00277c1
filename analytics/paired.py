"""PSFS («Hva er viktig for deg?») baseline → follow-up, analysed over linked pairs only.

A user names 1–5 activities and scores each 0–10 at baseline; about four weeks later the same
activities are scored again. Comparing all baselines with all follow-ups would mix different
people, so change is computed per user (follow-up mean − baseline mean over the activities
scored both times) and summarised over the pairs.

Everything here is a pure function of plain data (the queries module builds the `Pair`s), and
every figure passes the small-group rule: below `minimum` responses a figure is None or empty,
never a number someone could trace back to one person.

Means and changes are computed with `Fraction`s, so "rose by at least 2 points" and
"round half away from zero" are decided exactly, not by the luck of binary floating point.

A follow-up typed in from paper before the survey's earliest day (`Pair.early`, stored only
on staff's confirmation) measures too short a time to show change, so it is left out unless
the survey includes early follow-ups; even then 1 to `minimum` − 1 of them stay out, since
the figures with and without them would differ by those few pairs alone.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from analytics.small_groups import SmallGroups
from analytics.stats import MeanCI, mean_ci, share, within

SCORE_MIN = 0
SCORE_MAX = 10
SCORES = (SCORE_MIN, SCORE_MAX)
CHANGES = (SCORE_MIN - SCORE_MAX, SCORE_MAX - SCORE_MIN)

IMPROVEMENT_THRESHOLD = 2.0
"""A rise of at least 2 points in a user's mean PSFS score counts as a clinically important
improvement.

Sources: Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on
individual patients: a report of a patient specific measure. Physiotherapy Canada
1995;47(4):258–263 (a change of 2 points in the mean score). Abbott JH, Schmitt JS. Minimum
important differences for the Patient-Specific Functional Scale, 4 region-specific outcome
measures, and the numeric pain rating scale. J Orthop Sports Phys Ther 2014;44(8):560–564
(MID 1.3 small, 2.3 medium, 2.7 large); 2 lies between their small and medium change.
"""

IMPROVEMENT_SOURCE = "Stratford et al. 1995; Abbott & Schmitt 2014"
"""Short citation for the threshold, printed under the figure on pages and exports."""


@dataclass(frozen=True)
class Pair:
    """One user's baseline and follow-up, linked by the follow-up code (never a person).

    `baseline` and `follow_up` map the activity's position (1–5) to its 0–10 score. Only
    positions scored both times count, so a skipped activity does not look like a change.
    `early`: the follow-up came before the survey's earliest day (see the module's note).
    """

    pair_id: str
    baseline_on: datetime.date
    follow_up_on: datetime.date
    baseline: dict[int, float] = field(hash=False)
    follow_up: dict[int, float] = field(hash=False)
    early: bool = False

    def __post_init__(self) -> None:
        if not self.positions:
            raise ValueError(f"pair {self.pair_id!r} has no activity scored at both times")
        for score in (*self.baseline.values(), *self.follow_up.values()):
            if not SCORE_MIN <= score <= SCORE_MAX:
                raise ValueError(f"pair {self.pair_id!r} has a score outside 0–10: {score!r}")

    @property
    def positions(self) -> list[int]:
        """Positions scored at both baseline and follow-up, in order."""
        return sorted(self.baseline.keys() & self.follow_up.keys())

    @property
    def baseline_mean(self) -> float:
        """Mean baseline score over `positions`."""
        return float(_exact_mean(self.baseline, self.positions))

    @property
    def follow_up_mean(self) -> float:
        """Mean follow-up score over `positions`."""
        return float(_exact_mean(self.follow_up, self.positions))

    @property
    def change(self) -> float:
        """Follow-up mean − baseline mean (positive = the user manages better)."""
        return float(self.exact_change)

    @property
    def exact_change(self) -> Fraction:
        """`change` as an exact fraction, for threshold tests and rounding."""
        positions = self.positions
        return _exact_mean(self.follow_up, positions) - _exact_mean(self.baseline, positions)


def _exact_mean(scores: dict[int, float], positions: Sequence[int]) -> Fraction:
    return sum((Fraction(scores[p]) for p in positions), Fraction(0)) / len(positions)


@dataclass(frozen=True)
class EarlyPairs:
    """The early follow-ups of a survey (`Pair.early`): `count` through the small-group rule
    (None for none or «fewer than 5»), whether there are `any`, whether they are `included`
    in the figures, and whether they are `too_few` to be included at all."""

    count: int | None = None
    any: bool = False
    included: bool = False
    too_few: bool = False


@dataclass(frozen=True)
class PairedSummary:
    """What a PSFS results page shows for one survey; None or empty = suppressed. `pairs`
    are the pairs the figures are over (early ones only when `early.included`)."""

    baselines: int | None
    follow_ups: int | None
    share_paired: float | None
    baseline_mean: MeanCI | None
    follow_up_mean: MeanCI | None
    change: MeanCI | None
    improved: int | None
    improved_share: float | None
    distribution: list[tuple[int, int]]
    pairs: list[Pair]
    early: EarlyPairs = EarlyPairs()

    @property
    def suppressed(self) -> bool:
        """True when there are too few pairs to show any paired figure."""
        return self.change is None


def paired_summary(baseline_count: int, pairs: Sequence[Pair], rule: SmallGroups, *,
                   include_early: bool = False) -> PairedSummary:
    """Counts, means with 95 % CIs, share improved and the change distribution for a survey.

    `baseline_count` is every baseline response in the survey; `pairs` are those with a
    follow-up, so follow-ups = pairs counted. Early pairs count only with `include_early`
    and when they are not too few (see the module's note). Paired figures need as many
    pairs as `rule` asks (and at least one); the share paired needs that many baselines too.
    """
    n_early = sum(pair.early for pair in pairs)
    included = include_early and n_early > 0 and not rule.too_few(n_early)
    early = EarlyPairs(rule.count(n_early) if n_early else None, n_early > 0, included,
                       rule.too_few(n_early))
    if not included:
        pairs = [pair for pair in pairs if not pair.early]
    n_pairs = len(pairs)
    baselines = rule.count(baseline_count)
    follow_ups = rule.count(n_pairs)
    both_shown = baselines is not None and follow_ups is not None
    share_paired = share(n_pairs, baseline_count) if both_shown else None
    if follow_ups is None or n_pairs == 0:
        return PairedSummary(baselines, follow_ups, share_paired, baseline_mean=None,
                             follow_up_mean=None, change=None, improved=None,
                             improved_share=None, distribution=[], pairs=[], early=early)
    improved = sum(is_improved(pair) for pair in pairs)
    return PairedSummary(
        baselines,
        follow_ups,
        share_paired,
        # Intervals clipped to what a score (0–10) or a change (−10 to 10) can be.
        baseline_mean=within(mean_ci([pair.baseline_mean for pair in pairs]), *SCORES),
        follow_up_mean=within(mean_ci([pair.follow_up_mean for pair in pairs]), *SCORES),
        change=within(mean_ci([pair.change for pair in pairs]), *CHANGES),
        improved=improved,
        improved_share=share(improved, n_pairs),
        distribution=change_distribution(pairs),
        pairs=list(pairs),
        early=early,
    )


def is_improved(pair: Pair) -> bool:
    """Whether the user's mean score rose by at least `IMPROVEMENT_THRESHOLD` points."""
    return pair.exact_change >= Fraction(IMPROVEMENT_THRESHOLD)


def round_half_away(value: Fraction | float) -> int:
    """Round to the nearest whole number, halves away from zero (0.5 → 1, −0.5 → −1).

    Python's round() goes to the even neighbour (round(0.5) == 0), which would bin a
    half-point rise as no change.
    """
    exact = Fraction(value)
    whole = math.floor(abs(exact) + Fraction(1, 2))
    return whole if exact >= 0 else -whole


def change_distribution(pairs: Iterable[Pair]) -> list[tuple[int, int]]:
    """Users per whole-point change (−10 … 10), only the bins that occur, in order."""
    bins = Counter(round_half_away(pair.exact_change) for pair in pairs)
    return sorted(bins.items())


@dataclass(frozen=True)
class ActivityCounts:
    """Activities users named: `common` (named by at least `minimum` users) with their user
    counts; of the rest only how many different ones there were (`other`). Their words are
    never given: an activity one person named can tell a lead who that person is."""

    common: list[tuple[str, int]]
    other: int
    keys: frozenset[str] = frozenset()  # the common activities, normalised

    def is_common(self, text: str) -> bool:
        """Was `text`, however spelt, named by enough users to be shown?"""
        return normalise_activity(text) in self.keys


_WHITESPACE = re.compile(r"\s+")
# Norwegian alphabet order ends …x, y, z, æ, ø, å; code points put å before æ and ø.
_NORWEGIAN_ORDER = str.maketrans({"æ": "\ue000", "ø": "\ue001", "å": "\ue002"})


def tidy_spacing(text: str) -> str:
    """The text with outer spaces stripped and inner runs of whitespace made one space."""
    return _WHITESPACE.sub(" ", text).strip()


def normalise_activity(text: str) -> str:
    """The key two namings of one activity share: spacing tidied, case folded."""
    return tidy_spacing(text).casefold()


def alphabetical_key(text: str) -> tuple[str, str]:
    """Sort key for texts in Norwegian alphabetical order, case-insensitive then exact."""
    return normalise_activity(text).translate(_NORWEGIAN_ORDER), text


def activity_counts(
    named: Iterable[Iterable[str]], baseline_count: int, rule: SmallGroups
) -> ActivityCounts:
    """Count how many users named each activity (one inner iterable per baseline response).

    A user naming one activity twice counts once. The text shown is the spelling most users
    wrote (ties: the first seen). Activities named by enough users for `rule` come with
    their counts, most named first; of the rest only how many there are. Nothing is shown
    when there are too few baselines.
    """
    if rule.hides(baseline_count):
        return ActivityCounts(common=[], other=0)
    users: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for user_texts in named:
        texts = list(dict.fromkeys(t for t in map(tidy_spacing, user_texts) if t))
        users.update({normalise_activity(text) for text in texts})
        for text in texts:
            spellings.setdefault(normalise_activity(text), Counter())[text] += 1
    # most_common keeps first-seen order among equal counts, which settles ties.
    shown = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    common = [(shown[key], count) for key, count in users.items() if rule.shows(count)]
    common.sort(key=lambda item: (-item[1], *alphabetical_key(item[0])))
    keys = frozenset(key for key, count in users.items() if rule.shows(count))
    return ActivityCounts(common=common, other=len(users) - len(keys), keys=keys)
