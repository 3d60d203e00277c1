"""A unit's trend: for each questionnaire it has measured in more than one period, every
period's category scores side by side, oldest first (issue 17: not only two periods).

Each period's figures are its survey's own (`reporting.results.category_overview`, tallies
only), through the same small-group rule as its results page, so the table shows nothing
that the periods' own pages do not. The columns are the categories of the newest period's
questionnaire version; a period whose version lacks one shows «–» there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaires import schema as s
from questionnaires.scoring import to_0_100
from reporting.item_results import (
    CategorySummary,
    SurveyResults,
    category_items,
    category_scale,
)
from reporting.results import category_overview
from surveys.models import Survey


@dataclass(frozen=True)
class TrendRow:
    survey: Survey
    results: SurveyResults

    def summary(self, category_id: str) -> CategorySummary | None:
        """The period's score of a category; None when its version has no such category."""
        return next((found for category, found in self.results.categories
                     if category.id == category_id), None)


@dataclass(frozen=True)
class Trend:
    slug: str  # the questionnaire's, as the chart's address names it
    definition: s.Definition  # the newest period's, for the title and the columns
    rows: tuple[TrendRow, ...]  # oldest first

    @property
    def categories(self) -> tuple[s.Category, ...]:
        return tuple(self.definition.categories)

    @property
    def scales(self) -> list[s.Scale | None]:
        """The scales of every figure in the table, for the page to say which end is good."""
        return [summary.scale for row in self.rows for category in self.categories
                if (summary := row.summary(category.id)) is not None]


def _when(survey: Survey) -> tuple[dt.date, int]:
    """A survey's place in time: its opening date, else its closing date, else its id."""
    return (survey.opens_on or survey.closes_on or dt.date.min, survey.id)


def unit_trends(surveys: Sequence[Survey],
                overviews: Mapping[int, SurveyResults] | None = None) -> list[Trend]:
    """One trend per questionnaire with categories measured in two periods or more;
    `overviews` (survey id → `category_overview`) when the caller has them already."""
    by_questionnaire: dict[str, list[Survey]] = {}
    for survey in surveys:
        if survey.questionnaire.definition.categories:
            by_questionnaire.setdefault(survey.questionnaire.slug, []).append(survey)
    trends = []
    for slug in sorted(by_questionnaire):
        periods = sorted(by_questionnaire[slug], key=_when)
        if len(periods) < 2:
            continue
        rows = tuple(TrendRow(survey, overviews[survey.id] if overviews is not None
                              else category_overview(survey)) for survey in periods)
        trends.append(Trend(slug, periods[-1].questionnaire.definition, rows))
    return trends


def period_label(survey: Survey) -> str:
    """How a period is named in the table and on the chart's axis."""
    return survey.period_label or survey.title


def chart_rows(trend: Trend, lang: str) -> list[dict[str, object]]:
    """The shown scores on 0–100 (100 the good end, so scales of either direction read
    alike), for `analytics.charts.trend_chart`: a period or category the table leaves
    empty is not drawn either."""
    items = category_items(trend.definition)
    rows: list[dict[str, object]] = []
    for category in trend.categories:
        scale = category_scale(trend.definition, items.get(category.id, []))
        if scale is None:
            continue
        for row in trend.rows:
            found = None if row.results.suppressed else row.summary(category.id)
            if found is None or found.suppressed or found.ci is None:
                continue
            ends = [to_0_100(v, scale) for v in (found.ci.low, found.ci.high) if v is not None]
            mean = to_0_100(found.ci.mean, scale)
            rows.append({"period": period_label(row.survey), "category": category.text.get(lang),
                         "mean": mean, "low": min(ends, default=mean),
                         "high": max(ends, default=mean)})
    return rows
