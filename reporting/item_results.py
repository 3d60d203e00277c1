"""A survey's results per item and per category, computed from counts, small groups held back.

Why pure functions on counts: `reporting.aggregation` lets the database count, and
everything a results page shows (n, mean with its 95 % CI, the mean on 0–100, the top-box
share, counts per step or option) follows from those counts by arithmetic that can be
checked by hand. The page, its charts and any export call the same functions, so the
small-group rule is applied in one place.

The small-group rule as implemented here (`minimum` is `SMALL_GROUP_MIN`, 5 by default):

1. A survey with fewer than `minimum` responses shows only «fewer than 5»: no response
   rate (responses ÷ invited would give the count back), no item, no category, no text.
2. A scale item shows its figures only when n, the answers with a number, is at least
   `minimum`; otherwise only «fewer than 5», and neither its counts per step nor its
   "don't know" count (for a required item, responses − "don't know" would give n back).
3. When an item is shown, its counts per step and its "don't know" count are shown as
   they are, also a step with 1–4 answers: each is part of a figure built on n ≥ `minimum`
   responses, as the issue's rule is about figures built on fewer than `minimum` responses.
4. A category score is shown only when at least `minimum` responses have a number in it.
5. A choice or checklist item shows its counts only when at least `minimum` responses
   answered it; a whole-number item its n and mean only when n is at least `minimum`.
6. Free texts are not figures; they are listed under rule 1 only, and only to the readers
   `surveys.access.may_read_free_text` allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from analytics.small_groups import SmallGroups
from analytics.stats import MeanCI, mean_ci_from_counts, share, within
from questionnaires import schema as s
from questionnaires.category_scales import mixed_categories
from questionnaires.item_types import DONT_KNOW
from questionnaires.scoring import to_0_100, top_box_steps
from reporting.aggregation import ItemCounts, Scores


@dataclass(frozen=True)
class ScaleSummary:
    """One scale item; every field but `suppressed` is empty when suppressed."""

    suppressed: bool
    ci: MeanCI | None = None
    on_100: float | None = None
    top_box: float | None = None
    steps: tuple[tuple[int, int], ...] = ()
    dont_know: int | None = None

    @property
    def n(self) -> int | None:
        return self.ci.n if self.ci else None


@dataclass(frozen=True)
class CategorySummary:
    """A category score over responses (each response's mean of its answers); `scale`
    the one its items share (None when they differ), so the page can say which end is good."""

    suppressed: bool
    ci: MeanCI | None = None
    on_100: float | None = None
    scale: s.Scale | None = None


@dataclass(frozen=True)
class CountSummary:
    """A choice or checklist item: answers per value, in the definition's order."""

    suppressed: bool
    counts: tuple[tuple[str, int], ...] = ()
    n: int | None = None


@dataclass(frozen=True)
class NumberSummary:
    """A whole-number item (such as how many took part): n and mean with CI."""

    suppressed: bool
    ci: MeanCI | None = None


def number_summary(numbers: Mapping[float, int], rule: SmallGroups,
                   bounds: tuple[float, float] | None = None) -> NumberSummary:
    """n and mean with CI of a whole-number item, if enough answered; the interval clipped
    to the item's `bounds` (min, max) when it has them."""
    if rule.hides(sum(numbers.values())):
        return NumberSummary(suppressed=True)
    ci = mean_ci_from_counts(dict(numbers))
    return NumberSummary(suppressed=False, ci=within(ci, *bounds) if bounds else ci)


def scale_summary(numbers: Mapping[float, int], dont_know: int, scale: s.Scale,
                  rule: SmallGroups) -> ScaleSummary:
    """n, mean with CI (clipped to the scale), 0–100, top-box share and counts per step of
    one scale item."""
    n = sum(numbers.values())
    # None only for no scores, which the rule hides.
    ci = within(mean_ci_from_counts(dict(numbers)), scale.min, scale.max)
    if ci is None or rule.hides(n):
        return ScaleSummary(suppressed=True)
    top = sum(numbers.get(float(step), 0) for step in top_box_steps(scale))
    return ScaleSummary(
        suppressed=False, ci=ci, on_100=to_0_100(ci.mean, scale), top_box=share(top, n),
        steps=tuple((step, numbers.get(float(step), 0)) for step in scale.steps),
        dont_know=dont_know)


def category_summary(scores: Scores, scale: s.Scale | None, rule: SmallGroups) -> CategorySummary:
    """n, mean with CI and 0–100 of a category score over responses; `scores` is
    {score: how many responses}.

    `scale` is None when the category's items use different scales: then there is no
    common 0–100 axis to place the mean on, nor one range to clip the interval to.
    """
    ci = mean_ci_from_counts(scores)  # None only for no scores, which the rule hides
    if scale is not None:
        ci = within(ci, scale.min, scale.max)
    if ci is None or rule.hides(sum(scores.values())):
        return CategorySummary(suppressed=True)
    on_100 = to_0_100(ci.mean, scale) if scale is not None else None
    return CategorySummary(suppressed=False, ci=ci, on_100=on_100, scale=scale)


def count_summary(counts: ItemCounts, values: Sequence[str], rule: SmallGroups) -> CountSummary:
    """Answers per value of a choice or checklist item, if enough responses answered."""
    if rule.hides(counts.responses):
        return CountSummary(suppressed=True)
    return CountSummary(suppressed=False, n=counts.responses,
                        counts=tuple((value, counts.texts.get(value, 0)) for value in values))


# --- The whole survey -----------------------------------------------------------------------

Kind = Literal["scale", "choice", "checklist", "number", "text"]


@dataclass(frozen=True)
class ItemResult:
    """One item of the page: `kind` is scale, choice, checklist, number or text; `summary` a
    ScaleSummary, CountSummary or NumberSummary, or for text the list of texts (None: the
    reader may not read free text)."""

    item: Any
    kind: Kind
    summary: Any


@dataclass(frozen=True)
class SectionResult:
    section: s.Section
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class SurveyResults:
    """Everything the results page shows; `suppressed` when the survey is too small."""

    responses: int
    suppressed: bool
    response_rate: float | None = None
    categories: tuple[tuple[s.Category, CategorySummary], ...] = ()
    sections: tuple[SectionResult, ...] = ()


KINDS: dict[str, Kind] = {
    "scale": "scale", "single_choice": "choice", "multiple_choice": "choice",
    "checklist": "checklist", "integer": "number", "text": "text", "long_text": "text"}


def shown_items(definition: s.Definition) -> list[Any]:
    """The top-level items the page reports on (repeating groups are left out)."""
    return [item for item in definition.items() if item.type in KINDS]


def category_items(definition: s.Definition) -> dict[str, list[str]]:
    """Category id → ids of the top-level scale items in it; none for a category whose items
    mix scales (only a version stored before the schema refused that), which has no mean."""
    mixed = {found.category for found in mixed_categories(definition)}
    return {category.id: [item.id for item in definition.items()
                          if isinstance(item, s.ScaleItem) and item.category == category.id
                          and category.id not in mixed]
            for category in definition.categories}


def category_scale(definition: s.Definition, item_ids: Sequence[str]) -> s.Scale | None:
    """The one scale a category's items share, or None when they differ or there are none."""
    scales = {definition.scale_item(item_id).scale for item_id in item_ids}
    return definition.scales[scales.pop()] if len(scales) == 1 else None


def item_result(item: Any, definition: s.Definition, counts: ItemCounts, rule: SmallGroups,
                texts: Mapping[str, list[str]] | None) -> ItemResult:
    """The summary of one shown item; `texts` None when the reader may not read free text."""
    kind = KINDS[item.type]
    if kind == "scale":
        summary: Any = scale_summary(counts.numbers, counts.texts.get(DONT_KNOW, 0),
                                     definition.scale_of(item), rule)
    elif kind == "choice":
        summary = count_summary(counts, [option.value for option in item.options], rule)
    elif kind == "checklist":
        summary = count_summary(counts, s.CHECKLIST_VALUES, rule)
    elif kind == "number":
        summary = number_summary(counts.numbers, rule, (item.min, item.max))
    else:
        summary = None if texts is None else texts.get(item.id, [])
    return ItemResult(item, kind, summary)


def survey_results(definition: s.Definition, responses: int, invited: int | None,
                   counts: Mapping[str, ItemCounts], scores: Mapping[str, Scores],
                   texts: Mapping[str, list[str]] | None, rule: SmallGroups) -> SurveyResults:
    """Put the counts read from the database together into the page's results."""
    if rule.hides(responses):
        return SurveyResults(responses=responses, suppressed=True)
    members = category_items(definition)
    categories = tuple(
        (category, category_summary(scores.get(category.id, {}),
                                    category_scale(definition, members[category.id]), rule))
        for category in definition.categories if members[category.id])
    sections = tuple(
        SectionResult(section, tuple(
            item_result(item, definition, counts.get(item.id, ItemCounts()), rule, texts)
            for item in section.items if item.type in KINDS))
        for section in definition.sections)
    return SurveyResults(
        responses=responses, suppressed=False,
        response_rate=share(responses, invited) if invited else None,
        categories=categories, sections=tuple(sec for sec in sections if sec.items))
