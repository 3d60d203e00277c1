"""Staff pages comparing baseline and follow-up: two surveys of one unit, or two periods of
an organisation's units together, per category with the difference and its 95 % CI.

Why here and not on the results page: a comparison needs two groups chosen by the reader
(GET forms, so the page can be bookmarked and needs no CSRF token). The database gives each
response's category score (`reporting.aggregation`), `reporting.comparison` computes the
means, the Welch interval of the difference and the small-group rule, and these views only
check the choice, load, call and render.
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
    candidates,
    compare_groups,
    in_order,
    mismatch,
    organisation_surveys,
    period_groups,
    period_labels,
)
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.choices import chosen_periods, other_survey
from staff.lookups import visible, visible_survey
from surveys.models import Organisation
from web.i18n import current_language

bp = StaffBlueprint("comparison", __name__)


def chart_rows(rows: Sequence[CategoryComparison], lang: str) -> list[dict[str, Any]]:
    """The shown categories' means on 0–100 for `charts.difference_chart`."""
    labels = (_("Baseline"), _("Follow-up"))
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


def difference_chart(rows: Sequence[CategoryComparison], lang: str) -> Any:
    return charts.difference_chart(
        chart_rows(rows, lang), title=_("Baseline and follow-up per category, 0–100"),
        first_label=_("Baseline"), second_label=_("Follow-up"),
        axis_title=_("Mean on 0–100 (100 = best)"), legend_title=_("Period"),
        locale=lang)


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
    first, second = in_order(survey, other)
    return render_template("admin/comparison/survey.html", chosen=other, first=first,
                           second=second, result=compare_groups([first], [second]),
                           **context)


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
    first, second = in_order(survey, other)
    chart = difference_chart(compare_groups([first], [second]).rows, current_language())
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
    first_group, second_group = period_groups(surveys, choice)
    return render_template("admin/comparison/organisation.html",
                           first_group=first_group, second_group=second_group,
                           result=compare_groups(first_group, second_group), **context)


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
    chart = difference_chart(compare_groups(*period_groups(surveys, choice)).rows,
                             current_language())
    return charts.chart_response(chart, fmt, f"organisation-{organisation.id}-comparison",
                                 download=bool(request.args.get("download")))
