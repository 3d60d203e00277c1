"""Baseline against follow-up for two groups of responses: per category both means and the
difference of means with a 95 % Welch confidence interval.

Why Welch: the two groups are different people (anonymous responses of two periods cannot
be linked), their sizes differ and nothing says their spreads are equal, so the interval of
the difference uses each group's own variance and the Welch–Satterthwaite degrees of freedom:

    diff = m2 − m1,  se = √(s1²/n1 + s2²/n2),
    df = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1 − 1) + (s2²/n2)²/(n2 − 1)),
    CI = diff ± t(0.975, df)·se.

Which group is «before» is never guessed from dates: only when one group is marked baseline
and the other follow-up (`reporting.comparison_queries.in_order`) is the difference read as
better or worse. Otherwise the two are compared as A and B, and the difference B − A is only
a difference («different» when its interval excludes 0), never an improvement or a decline.

The small-group rule (as in `reporting.item_results`): a category in which either group has
fewer than `minimum` scores shows «fewer than 5» and no difference. When several surveys
are pooled (an organisation's units together), `pool` first leaves out every survey that has
only 1 to `minimum` − 1 scores in a category, because its figure could otherwise be
recovered by subtracting the other surveys (each shown on its own results page) from the
pooled one. Everything here is pure arithmetic on plain numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from analytics.small_groups import SmallGroups
from analytics.stats import MeanCI, mean_ci_from_counts, moments, t_quantile, within
from questionnaires import schema as s
from questionnaires.scoring import to_0_100
from reporting.aggregation import Scores

Direction = Literal["better", "worse", "different", "unclear"]
BETTER: Final = "better"
WORSE: Final = "worse"
DIFFERENT: Final = "different"  # A and B without an order: the interval excludes 0
UNCLEAR: Final = "unclear"


@dataclass(frozen=True)
class Difference:
    """m2 − m1 with its confidence interval; `df` is None when both groups have no spread."""

    diff: float
    low: float
    high: float
    df: float | None


def welch_difference(first: Scores, second: Scores, level: float = 0.95) -> Difference | None:
    """mean(second) − mean(first) with a Welch interval; None unless each has 2+ values.
    Each group is a histogram {score: how many} (`reporting.aggregation.Scores`)."""
    one, two = moments(first), moments(second)
    if one is None or two is None or one.variance is None or two.variance is None:
        return None
    n1, n2 = one.n, two.n
    diff = two.mean - one.mean
    v1, v2 = one.variance / n1, two.variance / n2
    if v1 + v2 == 0:
        return Difference(diff=diff, low=diff, high=diff, df=None)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
    half_width = t_quantile(level, df) * math.sqrt(v1 + v2)
    return Difference(diff=diff, low=diff - half_width, high=diff + half_width, df=df)


def clipped(difference: Difference, span: float) -> Difference:
    """The interval of a difference clipped to what two means on one scale can differ by
    (±(max − min)); the difference itself always lies inside."""
    low, high = max(difference.low, -span), min(difference.high, span)
    return Difference(diff=difference.diff, low=low, high=high, df=difference.df)


def direction(difference: Difference, scale: s.Scale) -> Direction:
    """«better» or «worse» when the interval excludes 0, read in the scale's good direction
    (for a scale where low is good, a negative difference is an improvement); else unclear."""
    sign = 1 if scale.good == "high" else -1
    if sign * difference.low > 0 and sign * difference.high > 0:
        return BETTER
    if sign * difference.low < 0 and sign * difference.high < 0:
        return WORSE
    return UNCLEAR


def neutral_direction(difference: Difference) -> Direction:
    """For A against B (no before and after): «different» when the interval excludes 0."""
    if difference.low > 0 or difference.high < 0:
        return DIFFERENT
    return UNCLEAR


def difference_on_100(difference: Difference, scale: s.Scale) -> Difference:
    """The difference in points on the 0–100 axis (100 = best), so positive is better."""
    factor = 100 / (scale.best - scale.worst)
    low, high = sorted((difference.low * factor, difference.high * factor))
    return Difference(diff=difference.diff * factor, low=low, high=high, df=difference.df)


@dataclass(frozen=True)
class CategoryComparison:
    """One category's row; every figure is None when `suppressed`. `scale` is None when the
    category's items use different scales (then no 0–100 and no direction)."""

    category: Any
    suppressed: bool
    scale: s.Scale | None = None
    first: MeanCI | None = None
    second: MeanCI | None = None
    difference: Difference | None = None
    first_100: float | None = None
    second_100: float | None = None
    difference_100: Difference | None = None
    direction: Direction | None = None


def compare_category(category: Any, first: Scores, second: Scores,
                     scale: s.Scale | None, rule: SmallGroups,
                     before_after: bool = True) -> CategoryComparison:
    """Both means with CIs and their difference, if both groups reach `minimum`; read as
    better or worse only `before_after`, else as a difference (`neutral_direction`)."""
    # The CIs are None only for no scores, which the rule hides.
    first_ci, second_ci = mean_ci_from_counts(first), mean_ci_from_counts(second)
    if scale is not None:  # intervals clipped to the scale, as on the results page
        first_ci, second_ci = (within(first_ci, scale.min, scale.max),
                               within(second_ci, scale.min, scale.max))
    if (first_ci is None or second_ci is None
            or not (rule.shows(sum(first.values())) and rule.shows(sum(second.values())))):
        return CategoryComparison(category=category, suppressed=True, scale=scale)
    difference = welch_difference(first, second)
    if scale is not None and difference is not None:
        difference = clipped(difference, scale.max - scale.min)
    if scale is None or difference is None:
        return CategoryComparison(category=category, suppressed=False, first=first_ci,
                                  second=second_ci, difference=difference)
    return CategoryComparison(
        category=category, suppressed=False, scale=scale, first=first_ci, second=second_ci,
        difference=difference, first_100=to_0_100(first_ci.mean, scale),
        second_100=to_0_100(second_ci.mean, scale),
        difference_100=difference_on_100(difference, scale),
        direction=direction(difference, scale) if before_after
        else neutral_direction(difference))


def compare(categories: Sequence[tuple[Any, s.Scale | None]],
            first: Mapping[str, Scores], second: Mapping[str, Scores],
            rule: SmallGroups, before_after: bool = True) -> tuple[CategoryComparison, ...]:
    """One row per category (objects with an `id`), in the order given."""
    return tuple(compare_category(category, first.get(category.id, {}),
                                  second.get(category.id, {}), scale, rule, before_after)
                 for category, scale in categories)


def pool(by_survey: Mapping[int, Mapping[str, Scores]],
         rule: SmallGroups) -> tuple[dict[str, Scores], dict[str, int]]:
    """Several surveys' category scores together, leaving out, per category, each survey
    with 1 to `minimum` − 1 scores in it. Returns the pooled scores and, per category, how
    many surveys were left out."""
    pooled: dict[str, Counter[float]] = {}
    left_out: dict[str, int] = {}
    for scores in by_survey.values():
        for category_id, values in scores.items():
            pooled.setdefault(category_id, Counter())
            left_out.setdefault(category_id, 0)
            n = sum(values.values())
            if rule.too_few(n):
                left_out[category_id] += 1
            else:
                pooled[category_id].update(values)
    return {key: dict(values) for key, values in pooled.items()}, left_out
