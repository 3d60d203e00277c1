"""How many responses a survey has: the one count every list, page, download and the API
show, so no two of them disagree.

A response («svar») is a completed questionnaire, answered online or typed in from paper.
A PSFS follow-up answers its own baseline's form again: it is that person's follow-up
(«oppfølging»), counted with the pairs (`surveys.follow_up_queries.pairs`), never a second
response. The count is read from the tallies kept as each response is stored
(`surveys.tallies`): one row per survey, however many responses it has.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.models import AnswerTally
from surveys.tallies import RESPONSES, SURVEY


def response_counts(db: Session, survey_ids: Collection[int]) -> dict[int, int]:
    """survey id → its responses, follow-ups not counted; every asked survey is there."""
    result = dict.fromkeys(survey_ids, 0)
    if survey_ids:
        result.update(db.execute(
            sa.select(AnswerTally.survey_id, AnswerTally.count)
            .where(AnswerTally.survey_id.in_(list(survey_ids)), AnswerTally.item == SURVEY,
                   AnswerTally.kind == RESPONSES)).all())
    return result


def response_count(db: Session, survey_id: int) -> int:
    """The survey's responses, follow-ups not counted."""
    return response_counts(db, [survey_id])[survey_id]
