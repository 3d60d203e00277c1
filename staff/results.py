"""Staff page of a survey's results, and the stacked bar chart of each scale item.

What staff see for any questionnaire: the number of responses and the response rate; per
scale item and per category the mean with n, 95 % CI, the mean on 0–100 and the top-box
share; counts per scale step (as a stacked bar and a table), per option and per checklist
value; the free texts for the readers allowed to read them. The database counts
(`reporting.aggregation`), `reporting.item_results` computes and applies the small-group
rule (documented there), and these views only load, call and render. PSFS's repeating
group is summarised on its change page, not here.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

import database
from analytics import charts
from questionnaires import schema as s
from reporting.by_language import languages_of, results_in
from reporting.item_results import SurveyResults
from reporting.results import item_summary, results_of
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.lookups import visible_survey
from surveys import access, auth, batches
from surveys.models import Survey
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("results", __name__)


def readable_results(survey: Survey) -> SurveyResults:
    """The survey's results, with free text for the readers allowed to read it."""
    return results_of(survey, free_text=access.may_read_free_text(auth.signed_in_account(),
                                                                  survey))


@bp.get("/surveys/<int:survey_id>/results", allow=SIGNED_IN)
def survey_results(survey_id: int):
    """Every figure of the survey; with `?language=<code>`, those of the answers given in
    that language (`reporting.by_language`), when the survey's may be read so."""
    survey = visible_survey(survey_id)
    definition = survey.questionnaire.definition
    by_language = languages_of(survey)
    language = request.args.get("language") or None
    results = (readable_results(survey) if language is None
               else results_in(survey, language) if by_language and len(by_language) > 1
               else None)
    if results is None:
        raise FriendlyError(400, _("The results cannot be shown for that language: choose "
                                   "one of the languages listed on the results page."))
    return render_template("admin/results/survey.html", survey=survey, definition=definition,
                           results=results, minimum=current_rule().minimum,
                           lang=current_language(), step_label=charts.step_label,
                           waiting=batches.waiting_of(database.session(), survey.id),
                           language=language,
                           languages=by_language if by_language and len(by_language) > 1
                           else None)


def _scale_item(survey: Survey, item_id: str | None) -> s.ScaleItem:
    if not item_id:
        abort(400)
    try:
        item = survey.questionnaire.definition.item(item_id)
    except KeyError:
        abort(404)
    if not isinstance(item, s.ScaleItem):
        abort(404)
    return item


@bp.get("/surveys/<int:survey_id>/results/chart", allow=SIGNED_IN)
def survey_results_chart(survey_id: int):
    """`?item=<scale item id>&fmt=svg|png`: the item's stacked bar (`&download=1` saves it).
    Below the small-group limit the chart has no data."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    survey = visible_survey(survey_id)
    item = _scale_item(survey, request.args.get("item"))
    lang = current_language()
    summary = item_summary(survey, item)
    chart = charts.stacked_bar(summary.steps, survey.questionnaire.definition.scale_of(item),
                        title=item.text.get(lang), x_title=_("Answers"),
                        legend_title=_("Answer"), lang=lang)
    return charts.chart_response(chart, fmt, f"survey-{survey.id}-{item.id}",
                                 download=bool(request.args.get("download")))
