"""One-page reports for A4 and the improvement board (issue 17): a survey's (a gathering's
evaluation included) and a comparison of two surveys, each with its key figures, its chart,
n, the method in one sentence and the day it was made.

Why pages of their own: the results and comparison pages hold every figure and run to
several sheets; a team takes one sheet to the board, and a chart for a poster. Each report
loads its survey as the page it summarises does (`staff.lookups`, 404 outside the reader's
scope) and reads its figures from the same `reporting` functions (`reporting.reports`), so
the two never disagree. The comparison report takes the comparison page's `?with=`; a value
the page would offer no figures for is a 400 that says what to do.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from analytics import charts
from reporting.comparison_queries import compare_surveys, mismatch
from reporting.reports import chart_rows, comparison_good, survey_counts, survey_report
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.lookups import visible_survey
from surveys.labels import gathering_label
from surveys.models import Survey
from util.dates import today
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("reports", __name__)


@bp.get("/surveys/<int:survey_id>/report", allow=SIGNED_IN)
def survey_report_page(survey_id: int):
    """The survey's key figures on one page; for a gathering's evaluation, the gathering."""
    survey = visible_survey(survey_id)
    gathering = survey.gathering
    return render_template("admin/reports/survey.html", survey=survey,
                           report=survey_report(survey), made=today(),
                           gathering=gathering_label(gathering.number) if gathering else None,
                           minimum=current_rule().minimum, lang=current_language())


@bp.get("/surveys/<int:survey_id>/report/chart", allow=SIGNED_IN)
def survey_report_chart(survey_id: int):
    """`?fmt=svg|png` (`&download=1` saves it): the report's means on 0–100 with their
    95 % intervals; a row below the small-group limit is not drawn."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    survey = visible_survey(survey_id)
    report = survey_report(survey)
    lang = current_language()
    title = (_("Mean per category on 0–100") if report.by == "category"
             else _("Mean per question on 0–100"))
    chart = charts.means_chart(chart_rows(report, lang), title=title,
                               axis_title=_("Mean on 0–100 (100 = best)"), locale=lang)
    return charts.chart_response(chart, fmt, f"survey-{survey.id}-report",
                                 download=bool(request.args.get("download")))


def _compared_with(survey: Survey) -> Survey:
    """The survey `?with=` names, checked as the comparison page checks it; what the page
    would show a form or a problem for is a 400 with a message here."""
    value = request.args.get("with", "").strip()
    if not value:
        raise FriendlyError(400, _("Choose the survey to compare with on the comparison "
                                   "page first; the report is made from there."))
    if not value.isdecimal() or len(value) > 12:
        raise FriendlyError(400, _("The survey to compare with is given by its number."))
    other = visible_survey(int(value))
    problem = mismatch(survey, other)
    if problem is not None:
        raise FriendlyError(400, problem)
    return other


@bp.get("/surveys/<int:survey_id>/compare/report", allow=SIGNED_IN)
def comparison_report(survey_id: int):
    """`?with=<survey id>`, as the comparison page: the two surveys' category scores and
    their difference with its conclusion, on one page."""
    survey = visible_survey(survey_id)
    other = _compared_with(survey)
    result = compare_surveys(survey, other)
    return render_template("admin/reports/comparison.html", survey=survey, other=other,
                           result=result, counts=survey_counts(result),
                           good=comparison_good(result), made=today(),
                           minimum=current_rule().minimum, lang=current_language())
