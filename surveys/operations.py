"""Writes for surveys and responses."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires.item_types import AnswerValue
from surveys.models import Answer, Response, ResponseSource, SingleUseLink, Survey
from surveys.queries import submission_exists


class Outcome(enum.Enum):
    STORED = "stored"
    ALREADY_STORED = "already_stored"  # the same submission came again: not stored twice
    LINK_USED = "link_used"


def submit_response(
    db: Session,
    survey: Survey,
    single_use: SingleUseLink | None,
    submission_key: str,
    language: str,
    answers: Iterable[AnswerValue],
    today: dt.date,
    source: ResponseSource = ResponseSource.WEB,
) -> Outcome:
    """Store one response exactly once, and use up its single-use link in the same commit.

    A double tap, a back-button resubmit or a retry after a lost connection carries the
    same submission key, so the unique constraint turns the repeat into ALREADY_STORED.
    The single-use link is claimed with a conditional UPDATE, so two racing posts cannot
    both use it. The request's reads are ended first and the transaction starts with a
    write: SQLite then waits for its write lock instead of failing to upgrade a read
    snapshot that another submission has made stale.
    """
    survey_id, version_id = survey.id, survey.questionnaire_version_id
    link_id = single_use.id if single_use is not None else None
    db.rollback()
    if link_id is not None and not _claim_link(db, link_id):
        db.rollback()
        if submission_exists(db, survey_id, submission_key):
            return Outcome.ALREADY_STORED
        return Outcome.LINK_USED
    response = Response(
        survey_id=survey_id,
        questionnaire_version_id=version_id,
        language=language,
        submitted_on=today,
        source=source,
        submission_key=submission_key,
    )
    response.answers = [
        Answer(survey_id=survey_id, item=a.item, position=a.position,
               value_num=a.value_num, value_text=a.value_text)
        for a in answers
    ]
    db.add(response)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        if submission_exists(db, survey_id, submission_key):
            return Outcome.ALREADY_STORED
        raise
    return Outcome.STORED


def _claim_link(db: Session, link_id: int) -> bool:
    result = db.execute(
        sa.update(SingleUseLink)
        .where(SingleUseLink.id == link_id, SingleUseLink.used.is_(False))
        .values(used=True)
    )
    return result.rowcount == 1


MAX_SINGLE_USE_LINKS = 5000


def issue_single_use_links(db: Session, survey: Survey, count: int) -> list[SingleUseLink]:
    """Create `count` new single-use links for a survey (for slips or a CSV)."""
    if not 1 <= count <= MAX_SINGLE_USE_LINKS:
        raise ValueError(f"count must be between 1 and {MAX_SINGLE_USE_LINKS}")
    links = [SingleUseLink(survey_id=survey.id) for _ in range(count)]
    db.add_all(links)
    db.commit()
    return links
