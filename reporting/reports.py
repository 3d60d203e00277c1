"""What the one-page reports hold (issue 17): a survey's figures, a gathering evaluation's,
and a comparison's, on one A4 page for the improvement board.

Nothing is computed here that the full pages do not compute: a report reads the figures
its page reads (`reporting.results.results_of`, `reporting.comparison_queries`), through the
same small-group rule, and only chooses what one page holds. That is the category scores,
or the questions' means where the questionnaire has no categories or is a gathering
evaluation (the network's gathering table reads it per question too); which end of the
scales is good, for the sentence that says how to read the figures; and the rows of the
chart, the same means placed on 0–100 (100 the good end).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import database
from analytics.stats import MeanCI
from questionnaires import schema as s
from questionnaires.scoring import to_0_100
from reporting import item_results
from reporting.comparison_queries import Comparison
from reporting.gathering_figures import read_as_evaluation
from reporting.item_results import CategorySummary, ScaleSummary, SurveyResults
from reporting.results import results_of
from reporting.rule import current_rule
from surveys.counts import response_counts
from surveys.models import Survey

By = Literal["category", "question"]


@dataclass(frozen=True)
class Figure:
    """One row of the report's table and chart: a category or a question, its summary as
    the results page shows it, and its scale (None: its items' scales differ)."""

    text: s.Text
    summary: CategorySummary | ScaleSummary
    scale: s.Scale | None


@dataclass(frozen=True)
class SurveyReport:
    """The results (free text never: a page for the wall), what the rows are, the rows, and
    the good end every row's scale shares ("high", "low"; None when they differ)."""

    results: SurveyResults
    by: By
    figures: tuple[Figure, ...]
    good: str | None

    @property
    def drawn(self) -> bool:
        """Whether the chart has a mean to draw."""
        return bool(self.figures) and any(
            not figure.summary.suppressed and figure.scale is not None
            for figure in self.figures)


def reported_by(definition: s.Definition) -> By:
    """Categories, unless the questionnaire has none with a score or evaluates a gathering."""
    members = item_results.category_items(definition)
    if read_as_evaluation(definition) or not any(members.values()):
        return "question"
    return "category"


def good_end(scales: Sequence[s.Scale | None]) -> str | None:
    """"high" or "low" when every scale has that good end; None when they differ, when one
    is unknown (a category of mixed scales) or when there are none."""
    ends = {scale.good if scale is not None else None for scale in scales}
    return ends.pop() if len(ends) == 1 and None not in ends else None


def _scales(definition: s.Definition, by: By) -> list[s.Scale | None]:
    """The scale of every row the questionnaire can give, shown or not."""
    if by == "category":
        members = item_results.category_items(definition)
        return [item_results.category_scale(definition, ids) for ids in members.values() if ids]
    return [definition.scale_of(item) for item in item_results.shown_items(definition)
            if isinstance(item, s.ScaleItem)]


def _figures(definition: s.Definition, results: SurveyResults, by: By) -> tuple[Figure, ...]:
    if by == "category":
        members = item_results.category_items(definition)
        return tuple(Figure(category.text, summary,
                            item_results.category_scale(definition, members[category.id]))
                     for category, summary in results.categories)
    return tuple(Figure(entry.item.text, entry.summary, definition.scale_of(entry.item))
                 for section in results.sections for entry in section.items
                 if entry.kind == "scale")


def survey_report(survey: Survey) -> SurveyReport:
    """The one-page report of a survey (a gathering's evaluation included)."""
    definition = survey.questionnaire.definition
    results = results_of(survey, free_text=False)
    by = reported_by(definition)
    return SurveyReport(results, by, _figures(definition, results, by),
                        good_end(_scales(definition, by)))


def on_100(ci: MeanCI, scale: s.Scale) -> dict[str, float]:
    """A mean and its interval on 0–100 (the interval is the mean itself when n = 1)."""
    ends = sorted(to_0_100(value, scale) for value in (ci.low, ci.high) if value is not None)
    mean = to_0_100(ci.mean, scale)
    return {"mean": mean, "low": ends[0] if ends else mean, "high": ends[-1] if ends else mean}


def chart_rows(report: SurveyReport, lang: str) -> list[dict[str, object]]:
    """The shown rows' means on 0–100 for `analytics.charts.means_chart`: a row the table
    holds back (or that has no common scale) is not drawn either."""
    return [{"label": figure.text.get(lang), **on_100(figure.summary.ci, figure.scale)}
            for figure in report.figures
            if not figure.summary.suppressed and figure.summary.ci is not None
            and figure.scale is not None]


# --- A comparison of two surveys --------------------------------------------------------------

def survey_counts(result: Comparison) -> tuple[int | None, int | None]:
    """The released responses of the two compared surveys as their own pages show them
    (None: fewer than the minimum). For two surveys only: a total over a pool of several
    could give a small survey's count back by subtraction."""
    first, second = result.first[0], result.second[0]
    counts = response_counts(database.session(), [first.id, second.id])
    rule = current_rule()
    return rule.count(counts[first.id]), rule.count(counts[second.id])


def comparison_good(result: Comparison) -> str | None:
    """The good end the compared categories' scales share (None: they differ)."""
    return good_end([row.scale for row in result.rows])
