"""Staff pages for the change between baseline and follow-up (PSFS).

What a unit sees: how many gave a baseline and a follow-up, the mean score before and
after over the pairs, the mean change with its 95 % confidence interval, the share who
improved by a clinically important amount, a slope chart of the pairs, the distribution of
change, and the activities users named. Every figure follows the small-group rule in
`analytics.paired`; the activities are free text and are listed for the unit's own leads only.
Paper follow-ups typed in before the survey's earliest day are left out unless a lead
includes them here (`survey_change_early`), for the survey as a whole.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

import database
from analytics import charts, exports
from analytics.paired import IMPROVEMENT_SOURCE, IMPROVEMENT_THRESHOLD, PairedSummary
from reporting.change import change_results, summary_of
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.downloads import Download, table_downloads
from staff.lookups import follow_up_survey
from surveys import access, auth, batches
from surveys.follow_up_queries import pair_activity_labels
from surveys.models import Survey
from surveys.survey_admin_operations import describe, include_early_follow_ups
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("change", __name__)

CHARTS = ("slope", "distribution")


@bp.get("/surveys/<int:survey_id>/change", allow=SIGNED_IN)
def survey_change(survey_id: int):
    survey = follow_up_survey(survey_id)
    return render_template("admin/change/survey.html", survey=survey,
                           results=change_results(survey, free_text=access.may_read_free_text(
                               auth.signed_in_account(), survey)),
                           minimum=current_rule().minimum,
                           threshold=IMPROVEMENT_THRESHOLD, source=IMPROVEMENT_SOURCE,
                           waiting=batches.waiting_of(database.session(), survey.id))


@bp.post("/surveys/<int:survey_id>/change/early", allow=SIGNED_IN)
def survey_change_early(survey_id: int):
    """`include=1` counts the early paper follow-ups in the change, `include=0` leaves them
    out (the default)."""
    survey = follow_up_survey(survey_id)
    include = request.form.get("include")
    if include not in ("0", "1"):
        raise FriendlyError(400, _("Choose whether to include the early follow-ups."))
    include_early_follow_ups(database.session(), auth.signed_in_account(), survey,
                             include == "1")
    flash(_("The early follow-ups are now included in the change.") if include == "1"
          else _("The early follow-ups are now left out of the change."))
    return redirect(url_for(".survey_change", survey_id=survey.id), code=303)


def _chart(name: str, summary: PairedSummary, lang: str) -> Any:
    if name == "slope":
        return charts.slope_chart(
            summary.pairs, title=_("Mean score before and after, one line per user"),
            baseline_label=_("Baseline"), follow_up_label=_("Follow-up"),
            axis_title=_("Mean score (0–10)"), locale=lang)
    return charts.change_histogram(
        summary.distribution, title=_("Change in mean score, number of users"),
        x_title=_("Change in points (follow-up minus baseline)"),
        y_title=_("Users"), locale=lang)


@bp.get("/surveys/<int:survey_id>/change/chart", allow=SIGNED_IN)
def survey_change_chart(survey_id: int):
    """`?name=slope|distribution&fmt=svg|png`: a chart as SVG (for the page) or PNG (for a
    poster); `&download=1` saves it. Below the small-group limit the chart has no data."""
    name, fmt = request.args.get("name", "slope"), request.args.get("fmt", "svg")
    if name not in CHARTS or fmt not in charts.FORMATS:
        abort(404)
    survey = follow_up_survey(survey_id)
    chart = _chart(name, summary_of(survey), current_language())
    return charts.chart_response(chart, fmt, f"survey-{survey.id}-{name}",
                                 download=bool(request.args.get("download")))


@table_downloads(bp, "/surveys/<int:survey_id>/pairs", "survey_pairs", allow=SIGNED_IN,
                 audited="responses.export")
def survey_pairs(fmt: str, survey_id: int) -> Download:
    """The pairs, one row per activity, with a random pair id (never the code): those the
    change page counts, `early` saying which came before the earliest day.

    Suppressed below the small-group limit like everything else. The activity's text is
    free text, so only the unit's own leads get it, and only for activities named by at
    least `minimum` users: the rest read «other activity».
    """
    survey = follow_up_survey(survey_id)
    summary = summary_of(survey)
    with_text = access.may_read_free_text(auth.signed_in_account(), survey)
    labels = _shown_labels(survey) if with_text else {}
    header = ["pair_id", "baseline_date", "follow_up_date", "activity_number",
              *(["activity"] if with_text else []), "baseline_score", "follow_up_score",
              "early"]
    rows = [
        [pair.pair_id, pair.baseline_on.isoformat(), pair.follow_up_on.isoformat(),
         number, *([labels.get((pair.pair_id, position), "")] if with_text else []),
         pair.baseline[position], pair.follow_up[position], "yes" if pair.early else "no"]
        for pair in summary.pairs
        for number, position in enumerate(pair.positions, 1)
    ]
    return Download(f"survey-{survey.id}-pairs", [exports.Table("pairs", header, rows)],
                    describe(survey))


def _shown_labels(survey: Survey) -> dict[tuple[str, int], str]:
    """(pair id, position) → the activity as the export may write it: its words only when at
    least `minimum` users named it (as on the page), else «other activity»."""
    named = change_results(survey, free_text=True).activities
    other = _("other activity")
    return {key: text if not text or (named and named.is_common(text)) else other
            for key, text in pair_activity_labels(
                database.session(), survey.questionnaire.definition, survey.id).items()}
