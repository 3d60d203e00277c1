"""Staff pages for the pathway checklist: fill one in, see the run chart, mark a change.

The unit's page (`/surveys/<id>/checklist`) shows each pathway's compliance as a run chart
with the Anhøj rules, split at the day the unit marked a change; compliance per step; and a
p-chart of the monthly share of steps done (Laney's p′ on request). What may be shown to
whom is decided in `reporting.checklist`; the words come from `reporting.checklist_words`.
"""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext, pgettext
from flask_babel import gettext as _

import database
from analytics import charts, run_charts
from analytics.p_charts import PChart, PChartSplit, p_phases
from questionnaires import forms as qforms
from questionnaires.display import error_entries
from reporting import checklist
from reporting.checklist import SeriesAnalysis
from reporting.checklist_tables import series_tables
from reporting.checklist_words import change_verdict, findings
from staff.blueprint import SIGNED_IN, StaffBlueprint, waiting_lines
from staff.downloads import Download, table_downloads
from staff.lookups import checklist_survey
from staff.survey_forms import ChangeForm
from surveys import access, auth, batches
from surveys import survey_admin_operations as ops
from surveys.counts import response_count
from surveys.models import Survey, SurveyStatus
from surveys.operations import Outcome, submit_response
from surveys.pages import posted_form
from util.dates import today
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("checklist", __name__)


def _laney() -> bool:
    """`?laney=1` asks for Laney's p′ chart; anything else but nothing is a 400."""
    value = request.args.get("laney", "")
    if value not in ("", "0", "1"):
        raise FriendlyError(400, _("Choose the p-chart or Laney's p′ chart."))
    return value == "1"


def _series(survey: Survey) -> tuple[list[checklist.PathwayRecord], SeriesAnalysis]:
    """The survey's pathways and their run-chart analysis; labels only for those who may
    read the survey's free text."""
    records = checklist.pathway_records(database.session(), survey.id,
                                        survey.questionnaire.definition)
    with_labels = access.may_read_free_text(auth.signed_in_account(), survey)
    return records, checklist.analyse_series(records, survey.change_on,
                                             with_labels=with_labels)


def _month_label(month) -> str:
    return format_date(month, "MMM y")


@bp.get("/surveys/<int:survey_id>/checklist", allow=SIGNED_IN)
def checklist_page(survey_id: int):
    """The unit's run chart, its findings in words, steps, p-chart and downloads."""
    survey = checklist_survey(survey_id)
    definition = survey.questionnaire.definition
    records, series = _series(survey)
    laney = _laney()
    p_chart = checklist.p_chart_of(records, survey.change_on, laney=laney)
    phases = run_charts.phases_of(series.analysis)
    form = ChangeForm(formdata=None, change_on=survey.change_on, change_note=survey.change_note)
    return render_template(
        "admin/checklist/survey.html", survey=survey, definition=definition,
        records=records, series=series, phases=phases,
        phase_findings=[findings(phase, split=len(phases) > 1) for phase in phases],
        verdict=change_verdict(series), rows=run_charts.run_chart_rows(
            series.observations, series.analysis, series.against_before),
        steps=checklist.step_compliance(definition, records), p_chart=p_chart,
        p_rows=run_charts.p_chart_rows(p_chart), p_phases=p_phases(p_chart), laney=laney,
        month_label=_month_label,
        form=form, lang=current_language(),
        waiting=batches.waiting_of(database.session(), survey.id),
        with_labels=access.may_read_free_text(auth.signed_in_account(), survey),
        may_fill=survey.status(today()) is not SurveyStatus.CLOSED)


@bp.get("/surveys/<int:survey_id>/checklist/run-chart.svg", defaults={"fmt": "svg"},
        allow=SIGNED_IN)
@bp.get("/surveys/<int:survey_id>/checklist/run-chart.png", defaults={"fmt": "png"},
        allow=SIGNED_IN)
def checklist_run_chart(survey_id: int, fmt: str):
    """The run chart as SVG (for the page) or PNG (for a poster); `?download=1` saves it."""
    survey = checklist_survey(survey_id)
    _records, series = _series(survey)
    chart = run_charts.run_chart(
        series.observations, series.analysis, title=_("Compliance pathway by pathway"),
        x_title=_("Pathways in the order they started"), y_title=_("Compliance"),
        median_label=_("Median"), point_label=_("Pathway"),
        signal_label=_("In a run that signals around its phase's median"),
        legend_title=_("Points"),
        change_label=pgettext("noun", "Change") if survey.change_on else None,
        carried=series.against_before, carried_label=_("Median before the change"),
        carried_point_label=_("After the change, in a run against the median before it"),
        locale=current_language())
    return charts.chart_response(chart, fmt, f"survey-{survey.id}-run-chart",
                                 download=bool(request.args.get("download")))


@bp.get("/surveys/<int:survey_id>/checklist/p-chart.svg", defaults={"fmt": "svg"}, allow=SIGNED_IN)
@bp.get("/surveys/<int:survey_id>/checklist/p-chart.png", defaults={"fmt": "png"}, allow=SIGNED_IN)
def checklist_p_chart(survey_id: int, fmt: str):
    """The monthly p-chart (`?laney=1`: Laney's p′) as SVG or PNG."""
    survey = checklist_survey(survey_id)
    laney = _laney()
    records = checklist.pathway_records(database.session(), survey.id,
                                        survey.questionnaire.definition)
    chart = checklist.p_chart_of(records, survey.change_on, laney=laney)
    drawn = run_charts.p_chart(
        chart, month_labels=[_month_label(point.month) for point in chart.points],
        title=_p_chart_title(chart), x_title=_("Month the pathways started"),
        y_title=_("Share of steps done"), centre_label=_("Average"),
        limits_label=_("Control limits"), point_label=_("Month"),
        outside_label=_("Outside the limits"), legend_title=_("Points"),
        change_label=pgettext("noun", "Change") if survey.change_on else None,
        locale=current_language())
    name = f"survey-{survey.id}-{'laney-' if laney else ''}p-chart"
    return charts.chart_response(drawn, fmt, name,
                                 download=bool(request.args.get("download")))


def _p_chart_title(chart: PChart | PChartSplit) -> str:
    if chart.laney:
        return _("Steps done per month, Laney p′ chart")
    return _("Steps done per month, p-chart")


@table_downloads(bp, "/surveys/<int:survey_id>/checklist/series", "checklist_series",
                 allow=SIGNED_IN)
def checklist_series(fmt: str, survey_id: int) -> Download:
    """The pathways as CSV; XLSX adds the steps and the months as sheets of their own."""
    survey = checklist_survey(survey_id)
    records, series = _series(survey)
    definition = survey.questionnaire.definition
    tables = series_tables(series, checklist.step_compliance(definition, records),
                           checklist.p_chart_of(records, survey.change_on, laney=_laney()),
                           current_language())
    return Download(f"survey-{survey.id}-checklist", tables[:1] if fmt == "csv" else tables)


@bp.post("/surveys/<int:survey_id>/checklist/change", allow=SIGNED_IN)
def checklist_change(survey_id: int):
    """Mark the day a change was introduced (`nav=remove` takes the mark away)."""
    survey = checklist_survey(survey_id)
    db, account = database.session(), auth.signed_in_account()
    if request.form.get("nav") == "remove":
        ops.mark_change(db, account, survey, None, None)
        flash(_("The change is no longer marked."))
        return redirect(url_for(".checklist_page", survey_id=survey.id), code=303)
    form = ChangeForm()
    if not form.validate():
        return _invalid_change(survey, form)
    ops.mark_change(db, account, survey, form.change_on.data, form.change_note.data)
    flash(_("The change is marked. The run chart is now split into before and after."))
    return redirect(url_for(".checklist_page", survey_id=survey.id), code=303)


def _invalid_change(survey: Survey, form: ChangeForm):
    return render_template("admin/checklist/change.html", survey=survey, form=form), 422


# --- Filling in a checklist when logged in -------------------------------------------------

@bp.route("/surveys/<int:survey_id>/checklist/new", methods=["GET", "POST"], allow=SIGNED_IN)
def checklist_entry(survey_id: int):
    """Fill in the checklist for one pathway, validated exactly like the unit's link."""
    survey = checklist_survey(survey_id)
    if survey.status(today()) is SurveyStatus.CLOSED:
        raise FriendlyError(409, _("This survey is closed, so no more checklists can be "
                                   "filled in. Open it again on the survey's page."))
    definition = survey.questionnaire.definition
    form_class = qforms.build_form_class(definition)
    if request.method == "GET":
        form = form_class(formdata=None, submission_key=secrets.token_urlsafe(18))
        return _entry_page(survey, form)
    form = posted_form(definition)
    if not qforms.validate_items(form, list(definition.items())):
        return _entry_page(survey, form, status=422)
    db = database.session()
    outcome = submit_response(db, survey, None, form.submission_key.data, current_language(),
                              qforms.collect_answers(definition, form), today())
    if outcome is Outcome.ALREADY_STORED:
        flash(_("This checklist was already saved, so it was not saved twice."))
    # The pathways stored so far, released or waiting: the recorder's own count, which says
    # that checklists were filled in, never what they hold.
    waiting = batches.waiting_of(db, survey.id)
    count = response_count(db, survey.id) + waiting.responses
    saved = ngettext("Saved. %(num)d pathway so far.", "Saved. %(num)d pathways so far.",
                     count)
    flash(" ".join([saved, *waiting_lines(waiting)]))
    target = ".checklist_entry" if request.form.get("nav") == "another" else ".checklist_page"
    return redirect(url_for(target, survey_id=survey.id), code=303)


def _entry_page(survey: Survey, form, status: int = 200):
    definition, lang = survey.questionnaire.definition, current_language()
    errors = error_entries(definition, list(definition.items()), form, lang)
    html = render_template("admin/checklist/entry.html", survey=survey, definition=definition,
                           form=form, errors=errors, lang=lang)
    return html, status
