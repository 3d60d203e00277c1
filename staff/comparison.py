"""Staff pages comparing baseline and follow-up: two surveys of one unit, or two periods of
an organisation's units together, per category with the difference and its 95 % CI.

Why here and not on the results page: a comparison needs two groups chosen by the reader
(GET forms, so the page can be bookmarked and needs no CSRF token). The database gives each
response's category score (`reporting.aggregation`), `reporting.comparison` computes the
means, the Welch interval of the difference and the small-group rule, and these views only
check the choice, load, call and render. Which survey is the baseline is their phase, never
their dates (`reporting.comparison_queries.in_order`); without one baseline and one
follow-up they are shown as A and B, and the page says which is which.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _

from analytics import charts
from analytics.stats import MeanCI
from questionnaires.schema import Scale
from questionnaires.scoring import to_0_100
from reporting.comparison import CategoryComparison
from reporting.comparison_queries import (
    Comparison,
    candidates,
    compare_periods,
    compare_surveys,
    mismatch,
    organisation_surveys,
    period_labels,
)
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.choices import chosen_periods, other_survey
from staff.lookups import visible, visible_survey
from surveys.models import Organisation
from web.i18n import current_language

bp = StaffBlueprint("comparison", __name__)


def group_labels(before_after: bool) -> tuple[str, str]:
    """What the two groups are called: baseline and follow-up, or only A and B."""
    return (_("Baseline"), _("Follow-up")) if before_after else (_("A"), _("B"))


def chart_rows(rows: Sequence[CategoryComparison], labels: tuple[str, str],
               lang: str) -> list[dict[str, Any]]:
    """The shown categories' means on 0–100 for `charts.difference_chart`."""
    result = []
    for row in rows:
        scale = row.scale
        if row.suppressed or row.first_100 is None or scale is None:
            continue
        for label, ci in zip(labels, (row.first, row.second), strict=True):
            if ci is not None:  # always, when first_100 is (`compare_category`)
                result.append({"category": row.category.text.get(lang), "group": label,
                               **_on_100(ci, scale)})
    return result


def _on_100(ci: MeanCI, scale: Scale) -> dict[str, float]:
    """A mean and its interval on 0–100 (the interval is the mean itself when n = 1)."""
    low = ci.low if ci.low is not None else ci.mean
    high = ci.high if ci.high is not None else ci.mean
    ends = sorted(to_0_100(value, scale) for value in (low, high))
    return {"mean": to_0_100(ci.mean, scale), "low": ends[0], "high": ends[1]}


def difference_chart(result: Comparison, lang: str) -> Any:
    labels = group_labels(result.before_after)
    title = (_("Baseline and follow-up per category, 0–100") if result.before_after
             else _("A and B per category, 0–100"))
    return charts.difference_chart(
        chart_rows(result.rows, labels, lang), title=title, first_label=labels[0],
        second_label=labels[1], axis_title=_("Mean on 0–100 (100 = best)"),
        legend_title=_("Survey") if not result.before_after else _("Period"), locale=lang)


# --- Two surveys of one unit ----------------------------------------------------------------

@bp.get("/surveys/<int:survey_id>/compare", allow=SIGNED_IN)
def survey_compare(survey_id: int):
    """`?with=<survey id>`: this survey against another of the same unit and questionnaire;
    without it, the form to choose one."""
    survey = visible_survey(survey_id)
    other = other_survey()
    context = {"survey": survey, "choices": candidates(survey), "minimum": current_rule().minimum,
               "lang": current_language()}
    if other is None:
        return render_template("admin/comparison/survey.html", **context)
    problem = mismatch(survey, other)
    if problem is not None:
        return render_template("admin/comparison/survey.html", problem=problem,
                               chosen=other, **context), 400
    return render_template("admin/comparison/survey.html", chosen=other,
                           result=compare_surveys(survey, other), **context)


@bp.get("/surveys/<int:survey_id>/compare/chart", allow=SIGNED_IN)
def survey_compare_chart(survey_id: int):
    """`?with=<survey id>&fmt=svg|png` (`&download=1` saves it): the two means per category
    on 0–100; a category below the small-group limit is not drawn."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    survey = visible_survey(survey_id)
    other = other_survey()
    if other is None or mismatch(survey, other) is not None:
        abort(400)
    result = compare_surveys(survey, other)
    chart = difference_chart(result, current_language())
    first, second = result.first[0], result.second[0]
    return charts.chart_response(chart, fmt, f"survey-{first.id}-{second.id}-comparison",
                                 download=bool(request.args.get("download")))


# --- An organisation's units together -------------------------------------------------------

@bp.get("/organisations/<int:organisation_id>/compare", allow=SIGNED_IN)
def organisation_compare(organisation_id: int):
    """`?questionnaire=<slug>&first=<period>&second=<period>`: all the organisation's units
    together, the surveys of one period against those of another."""
    organisation = visible(Organisation, organisation_id)
    surveys = organisation_surveys(organisation)
    labels = period_labels(surveys)
    choice = chosen_periods(labels)
    titles = {i.questionnaire.slug: i.questionnaire.definition.title for i in surveys}
    context = {"organisation": organisation, "labels": labels, "titles": titles,
               "choice": choice, "minimum": current_rule().minimum, "lang": current_language()}
    if not choice.complete:
        return render_template("admin/comparison/organisation.html", **context)
    if choice.problem is not None:
        return render_template("admin/comparison/organisation.html", **context), 400
    return render_template("admin/comparison/organisation.html",
                           result=compare_periods(surveys, choice), **context)


@bp.get("/organisations/<int:organisation_id>/compare/chart", allow=SIGNED_IN)
def organisation_compare_chart(organisation_id: int):
    """The chart of the organisation comparison: the page's query and `&fmt=svg|png`."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    organisation = visible(Organisation, organisation_id)
    surveys = organisation_surveys(organisation)
    choice = chosen_periods(period_labels(surveys))
    if not choice.complete or choice.problem is not None:
        abort(400)
    chart = difference_chart(compare_periods(surveys, choice), current_language())
    return charts.chart_response(chart, fmt, f"organisation-{organisation.id}-comparison",
                                 download=bool(request.args.get("download")))
