"""Staff page of a unit: its surveys; for each survey with categories its responses,
response rate and category scores, with a choice of another survey to compare it with, and
for each questionnaire measured more than once the scores of every period; for those with a
follow-up, the change at a glance; for checklists, the run chart's summary."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import gettext as _

import database
from analytics import charts
from analytics.paired import IMPROVEMENT_THRESHOLD
from questionnaires.models import QuestionnaireVersion
from reporting import checklist
from reporting.change import summary_of
from reporting.checklist_summary import checklist_summary
from reporting.comparison_queries import candidates
from reporting.follow_up_tracker import tracker_of
from reporting.results import category_overview
from reporting.rule import current_rule
from reporting.unit_trend import chart_rows, period_label, unit_trends
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.lookups import visible
from surveys.counts import response_counts
from surveys.models import Survey, Unit
from util.dates import today
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("units", __name__)


@bp.get("/units/<int:unit_id>", allow=SIGNED_IN)
def unit_page(unit_id: int):
    """A unit's surveys; for each survey with categories its responses, response rate and
    category scores, with a choice of another survey to compare it with; for those with a
    follow-up, the change at a glance and how many have answered it."""
    db = database.session()
    unit = visible(Unit, unit_id)
    listed = list(db.scalars(sa.select(Survey).where(Survey.unit_id == unit.id)
                             .order_by(Survey.id.desc())))
    changes = {s.id: summary_of(s) for s in listed
               if s.questionnaire.definition.follow_up is not None}
    trackers = {s.id: tracker_of(db, s, today()) for s in listed if s.id in changes}
    scored = [s for s in listed if s.questionnaire.definition.categories]
    checklists = {s.id: checklist_summary(s, None) for s in listed
                  if checklist.is_checklist(s.questionnaire.definition)}
    overviews = {s.id: category_overview(s) for s in scored}
    return render_template("admin/change/unit.html", unit=unit, surveys=listed, today=today(),
                           checklists=checklists,
                           counts=response_counts(db, [s.id for s in listed]),
                           changes=changes, trackers=trackers, lang=current_language(),
                           minimum=current_rule().minimum,
                           threshold=IMPROVEMENT_THRESHOLD,
                           overviews=overviews, trends=unit_trends(scored, overviews),
                           period_label=period_label,
                           comparable={s.id: candidates(s) for s in scored})


@bp.get("/units/<int:unit_id>/trend/chart", allow=SIGNED_IN)
def unit_trend_chart(unit_id: int):
    """`?questionnaire=<id>&fmt=svg|png` (`&download=1` saves it): the unit's category
    scores period by period on 0–100, as the trend table beside it shows them."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    unit = visible(Unit, unit_id)
    slug = request.args.get("questionnaire", "")
    surveys = database.session().scalars(  # only the asked questionnaire's periods are read
        sa.select(Survey).join(QuestionnaireVersion)
        .where(Survey.unit_id == unit.id, QuestionnaireVersion.slug == slug))
    trend = next(iter(unit_trends(list(surveys))), None)
    if trend is None:  # the address names no questionnaire the unit has measured twice
        raise FriendlyError(400, _("This unit has no trend of that questionnaire to draw."))
    lang = current_language()
    chart = charts.trend_chart(
        chart_rows(trend, lang), periods=[period_label(row.survey) for row in trend.rows],
        title=_("«%(title)s» over time", title=trend.definition.title.get(lang)),
        axis_title=_("Mean on 0–100 (100 is best)"), legend_title=_("Category"), locale=lang)
    return charts.chart_response(chart, fmt, f"unit-{unit.id}-{slug}-trend",
                                 download=bool(request.args.get("download")))
