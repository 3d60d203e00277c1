"""Writes for surveys and responses."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from database import rowcount
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from surveys import follow_up_codes, tallies
from surveys.follow_up_queries import MAX_CODE_ATTEMPTS, code_digest_taken
from surveys.models import (
    Answer,
    FollowUpCode,
    Response,
    ResponseSource,
    SingleUseLink,
    Survey,
)
from surveys.queries import submission_exists


class Outcome(enum.Enum):
    STORED = "stored"
    ALREADY_STORED = "already_stored"  # the same submission came again: not stored twice
    LINK_USED = "link_used"
    CODE_USED = "code_used"  # the follow-up code has served its one follow-up already


@dataclass(frozen=True)
class FollowUpPlan:
    """A baseline gets a follow-up code, derived with `secret`, suggested for `due_on`."""

    secret: str
    due_on: dt.date


def follow_up_plan(survey: Survey, secret: str, today: dt.date,
                   definition: s.Definition | None = None) -> FollowUpPlan | None:
    """The follow-up plan of a new baseline, on paper as online: a code derived with
    `secret`, suggested `survey.follow_up_weeks` weeks on. None when the survey's
    questionnaire has no follow-up."""
    if (definition or survey.questionnaire.definition).follow_up is None:
        return None
    return FollowUpPlan(secret, today + dt.timedelta(weeks=survey.follow_up_weeks))


def submit_response(
    db: Session,
    survey: Survey,
    single_use: SingleUseLink | None,
    submission_key: str,
    language: str,
    answers: Iterable[AnswerValue],
    today: dt.date,
    source: ResponseSource = ResponseSource.WEB,
    follow_up: FollowUpPlan | None = None,
    definition: s.Definition | None = None,
) -> Outcome:
    """Store one response exactly once, and use up its single-use link in the same commit.

    With a `follow_up` plan the response is a baseline and gets its follow-up code in the
    same commit (`surveys.queries.baseline_code` finds the code again afterwards). The
    survey's tallies (`surveys.tallies`) count the response in the same commit too, so
    the results never count a response that was not stored, nor miss one that was.

    A double tap, a back-button resubmit or a retry after a lost connection carries the
    same submission key, so the unique constraint turns the repeat into ALREADY_STORED.
    The single-use link is claimed with a conditional UPDATE, so two racing posts cannot
    both use it. On SQLite the request's reads are ended first (`_end_reads`).
    `definition` saves parsing the survey's version again when the caller has it.
    """
    survey_id, version_id = survey.id, survey.questionnaire_version_id
    definition, answers = definition or survey.questionnaire.definition, list(answers)
    link_id = single_use.id if single_use is not None else None
    _end_reads(db)
    if link_id is not None and not _claim_link(db, link_id):
        db.rollback()
        if submission_exists(db, survey_id, submission_key):
            return Outcome.ALREADY_STORED
        return Outcome.LINK_USED
    try:
        # the response first: a write starts the transaction (see `_end_reads`)
        response_id = _insert_response(db, survey_id, version_id, submission_key, language,
                                       answers, today, source, is_follow_up=False)
        if follow_up is not None:
            db.add(_new_code(db, survey_id, response_id, submission_key, follow_up))
        tallies.count_response(db, survey_id, definition, answers)
        db.commit()
    except IntegrityError as error:
        return _after_conflict(db, survey_id, submission_key, error)
    return Outcome.STORED


def _end_reads(db: Session) -> None:
    """On SQLite, end the request's reads so that the transaction starts with a write: SQLite
    then waits for its write lock instead of failing to upgrade a read snapshot that another
    submission has made stale. PostgreSQL has no such problem, and there a new transaction
    would cost another connection checkout, ping and BEGIN on the busiest path of all."""
    if db.get_bind().dialect.name == "sqlite":
        db.rollback()


_INSERT_RESPONSE = sa.insert(Response)
_INSERT_ANSWERS = sa.insert(Answer)


def _insert_response(db: Session, survey_id: int, version_id: int, submission_key: str,
                     language: str, answers: Sequence[AnswerValue], today: dt.date,
                     source: ResponseSource, is_follow_up: bool) -> uuid.UUID:
    """Store a response and its answers with two Core statements, the answers in one
    executemany: the ORM's unit of work took about half the CPU of storing a response
    (`bench/load.py`), and nothing here needs the objects afterwards. Only what the domain
    allows is stored: the answers, the language, the version and the date."""
    response_id = uuid.uuid4()
    db.execute(_INSERT_RESPONSE, {
        "id": response_id, "survey_id": survey_id, "questionnaire_version_id": version_id,
        "language": language, "submitted_on": today, "source": source,
        "submission_key": submission_key, "is_follow_up": is_follow_up})
    if answers:
        db.execute(_INSERT_ANSWERS, [
            {"response_id": response_id, "survey_id": survey_id, "item": a.item,
             "position": a.position, "value_num": a.value_num, "value_text": a.value_text}
            for a in answers])
    return response_id


def _after_conflict(db: Session, survey_id: int, submission_key: str,
                    error: IntegrityError) -> Outcome:
    """A unique constraint refused the commit: the same submission came again, or a real
    error that must not be hidden."""
    db.rollback()
    if submission_exists(db, survey_id, submission_key):
        return Outcome.ALREADY_STORED
    raise error


def _new_code(db: Session, survey_id: int, baseline_id: uuid.UUID, submission_key: str,
              plan: FollowUpPlan) -> FollowUpCode:
    """The follow-up code row of a new baseline: the first derived code not yet taken."""
    for attempt in range(MAX_CODE_ATTEMPTS):
        code = follow_up_codes.derive(plan.secret, survey_id, submission_key, attempt)
        digest = follow_up_codes.digest(plan.secret, survey_id, code)
        if not code_digest_taken(db, digest):
            return FollowUpCode(survey_id=survey_id, code_digest=digest,
                                baseline_id=baseline_id, due_on=plan.due_on)
    raise RuntimeError("no free follow-up code; the survey holds implausibly many")


def submit_follow_up(
    db: Session,
    survey: Survey,
    code_id: int,
    submission_key: str,
    language: str,
    answers: Iterable[AnswerValue],
    today: dt.date,
    source: ResponseSource = ResponseSource.WEB,
) -> Outcome:
    """Store a follow-up and tie it to its baseline's code, once.

    The code is claimed with a conditional UPDATE in the same transaction as the response,
    so two devices posting the same code store one follow-up; the other gets CODE_USED.
    The same submission arriving twice gives ALREADY_STORED, as for any response.
    """
    survey_id, version_id = survey.id, survey.questionnaire_version_id
    _end_reads(db)
    try:
        response_id = _insert_response(db, survey_id, version_id, submission_key, language,
                                       list(answers), today, source, is_follow_up=True)
        claimed = rowcount(db.execute(
            sa.update(FollowUpCode)
            .where(FollowUpCode.id == code_id, FollowUpCode.follow_up_id.is_(None))
            .values(follow_up_id=response_id)
        )) == 1
        if not claimed:
            db.rollback()
            return Outcome.CODE_USED
        db.commit()
    except IntegrityError as error:
        return _after_conflict(db, survey_id, submission_key, error)
    return Outcome.STORED


def _claim_link(db: Session, link_id: int) -> bool:
    return rowcount(db.execute(
        sa.update(SingleUseLink)
        .where(SingleUseLink.id == link_id, SingleUseLink.used.is_(False))
        .values(used=True)
    )) == 1



MAX_SINGLE_USE_LINKS = 5000


def issue_single_use_links(db: Session, survey: Survey, count: int) -> list[SingleUseLink]:
    """Create `count` new single-use links for a survey (for slips or a CSV)."""
    if not 1 <= count <= MAX_SINGLE_USE_LINKS:
        raise ValueError(f"count must be between 1 and {MAX_SINGLE_USE_LINKS}")
    links = [SingleUseLink(survey_id=survey.id) for _ in range(count)]
    db.add_all(links)
    db.commit()
    return links
