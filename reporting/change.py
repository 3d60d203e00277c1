"""PSFS («Hva er viktig for deg?») baseline → follow-up as the change page, the unit page
and the API read it: the paired figures over linked pairs (`analytics.paired`, which applies
the small-group rule) and the activities users named."""

from __future__ import annotations

from dataclasses import dataclass

import database
from analytics.paired import ActivityCounts, PairedSummary, activity_counts, paired_summary
from reporting.rule import current_rule
from surveys.counts import response_count
from surveys.follow_up_queries import named_activities, pairs
from surveys.models import Survey


@dataclass(frozen=True)
class ChangeResults:
    """Everything the change page shows for one survey, already through the small-group rule."""

    summary: PairedSummary
    activities: ActivityCounts | None  # None: this reader may not read free text


def summary_of(survey: Survey, baselines: int | None = None) -> PairedSummary:
    """The paired figures of a survey; `baselines` when the caller has counted them already.

    Early paper follow-ups count only when the survey includes them: a choice stored on the
    survey rather than asked per request, so the page, its charts, the pairs export, the
    unit page and the API all show the same figures, and every change of it is audited.
    """
    db, definition = database.session(), survey.questionnaire.definition
    if baselines is None:
        baselines = response_count(db, survey.id)
    return paired_summary(baselines, pairs(db, definition, survey.id), current_rule(),
                          include_early=survey.include_early_follow_ups)


def change_results(survey: Survey, *, free_text: bool) -> ChangeResults:
    """The change page's figures; the activities users named only when `free_text` (the
    caller decides who may read them: `surveys.access.may_read_free_text`)."""
    db, definition = database.session(), survey.questionnaire.definition
    baselines = response_count(db, survey.id)
    activities = None
    if free_text:
        activities = activity_counts(named_activities(db, definition, survey.id), baselines,
                                     current_rule())
    return ChangeResults(summary_of(survey, baselines), activities)
