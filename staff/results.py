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

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

import database
from analytics import charts
from questionnaires import schema as s
from questionnaires.item_types import DONT_KNOW
from reporting import aggregation, item_results
from reporting.item_results import ScaleSummary, SurveyResults, scale_summary
from staff.signin import bp
from surveys import access, auth
from surveys.models import Survey
from web.i18n import current_language


def _minimum() -> int:
    return current_app.config["SMALL_GROUP_MIN"]


def _visible_survey(survey_id: int) -> Survey:
    return access.get_visible(database.session(), auth.current_account(), Survey, survey_id)


def results_of(survey: Survey) -> SurveyResults:
    """Read the survey's counts and put them through `reporting.item_results`."""
    db, definition = database.session(), survey.questionnaire.definition
    items = item_results.shown_items(definition)
    texts = None
    if access.may_read_free_text(auth.current_account(), survey):
        texts = aggregation.free_texts(
            db, survey.id, [item.id for item in items if item.type in ("text", "long_text")])
    return item_results.survey_results(
        definition, aggregation.response_total(db, survey.id), survey.invited,
        aggregation.item_counts(db, survey.id, [item.id for item in items]),
        aggregation.scores(db, survey.id, item_results.category_items(definition)),
        texts, _minimum())


def category_overview(survey: Survey) -> SurveyResults:
    """The survey's responses, response rate and category scores, without its items: the
    unit page's view of each survey (its tallies only, so a unit with many surveys stays
    quick)."""
    db, definition = database.session(), survey.questionnaire.definition
    return item_results.survey_results(
        definition, aggregation.response_total(db, survey.id), survey.invited, {},
        aggregation.scores(db, survey.id, item_results.category_items(definition)), None,
        _minimum())


@bp.get("/surveys/<int:survey_id>/results")
@auth.login_required
def survey_results(survey_id: int):
    survey = _visible_survey(survey_id)
    definition = survey.questionnaire.definition
    return render_template("admin/results/survey.html", survey=survey, definition=definition,
                           results=results_of(survey), minimum=_minimum(),
                           lang=current_language(), step_label=charts.step_label)


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


def item_summary(survey: Survey, item: s.ScaleItem) -> ScaleSummary:
    """One scale item's summary, through the small-group rule of the whole survey too."""
    db, definition = database.session(), survey.questionnaire.definition
    if aggregation.response_total(db, survey.id) < _minimum():
        return ScaleSummary(suppressed=True)
    counts = aggregation.item_counts(db, survey.id, [item.id])[item.id]
    return scale_summary(counts.numbers, counts.texts.get(DONT_KNOW, 0),
                         definition.scale_of(item), _minimum())


@bp.get("/surveys/<int:survey_id>/results/chart")
@auth.login_required
def survey_results_chart(survey_id: int):
    """`?item=<scale item id>&fmt=svg|png`: the item's stacked bar (`&download=1` saves it).
    Below the small-group limit the chart has no data."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    survey = _visible_survey(survey_id)
    item = _scale_item(survey, request.args.get("item"))
    lang = current_language()
    summary = item_summary(survey, item)
    chart = charts.stacked_bar(summary.steps, survey.questionnaire.definition.scale_of(item),
                        title=item.text.get(lang), x_title=_("Answers"),
                        legend_title=_("Answer"), lang=lang)
    return charts.chart_response(chart, fmt, f"survey-{survey.id}-{item.id}",
                                 download=bool(request.args.get("download")))
