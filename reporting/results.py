"""A survey's results as the results page, its downloads, the unit page and the API show
them: the database's counts (`reporting.aggregation`) put through `reporting.item_results`,
which applies the small-group rule."""

from __future__ import annotations

import database
from questionnaires import schema as s
from questionnaires.item_types import DONT_KNOW
from reporting import aggregation, item_results
from reporting.item_results import ScaleSummary, SurveyResults, scale_summary
from reporting.rule import current_rule
from surveys.counts import response_count
from surveys.models import Survey

FREE_TEXT_TYPES = ("text", "long_text")


def results_of(survey: Survey, *, free_text: bool) -> SurveyResults:
    """Every item and category of the survey; the free texts only when `free_text` (the
    caller decides who may read them: `surveys.access.may_read_free_text`)."""
    db, definition = database.session(), survey.questionnaire.definition
    items = item_results.shown_items(definition)
    texts = None
    if free_text:
        texts = aggregation.free_texts(
            db, survey.id, [item.id for item in items if item.type in FREE_TEXT_TYPES])
    return item_results.survey_results(
        definition, response_count(db, survey.id), survey.invited,
        aggregation.item_counts(db, survey.id, [item.id for item in items]),
        aggregation.scores(db, survey.id, item_results.category_items(definition)),
        texts, current_rule())


def category_overview(survey: Survey) -> SurveyResults:
    """The survey's responses, response rate and category scores, without its items: the
    unit page's view of each survey (its tallies only, so a unit with many surveys stays
    quick)."""
    db, definition = database.session(), survey.questionnaire.definition
    return item_results.survey_results(
        definition, response_count(db, survey.id), survey.invited, {},
        aggregation.scores(db, survey.id, item_results.category_items(definition)), None,
        current_rule())


def item_summary(survey: Survey, item: s.ScaleItem) -> ScaleSummary:
    """One scale item's summary, through the small-group rule of the whole survey too."""
    db, definition, rule = database.session(), survey.questionnaire.definition, current_rule()
    if rule.hides(response_count(db, survey.id)):
        return ScaleSummary(suppressed=True)
    counts = aggregation.item_counts(db, survey.id, [item.id])[item.id]
    return scale_summary(counts.numbers, counts.texts.get(DONT_KNOW, 0),
                         definition.scale_of(item), rule)
