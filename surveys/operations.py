"""Writes for surveys and responses."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
import time
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analytics.small_groups import SmallGroups
from database import rowcount
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from surveys import batches, follow_up_codes, tallies
from surveys.follow_up_queries import MAX_CODE_ATTEMPTS, FollowUpCode, code_taken
from surveys.link_lookups import LinkedSurvey
from surveys.models import (
    Answer,
    Response,
    ResponseSource,
    SingleUseLink,
    Survey,
    link_digest,
    single_use_token,
)
from surveys.queries import submission_exists
from util.secret import app_secret


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


def follow_up_plan(survey: Survey | LinkedSurvey, secret: str, today: dt.date,
                   definition: s.Definition | None = None) -> FollowUpPlan | None:
    """The follow-up plan of a new baseline, on paper as online: a code derived with
    `secret`, suggested `survey.follow_up_weeks` weeks on. None when the survey's
    questionnaire has no follow-up."""
    if (definition or survey.questionnaire.definition).follow_up is None:
        return None
    return FollowUpPlan(secret, today + dt.timedelta(weeks=survey.follow_up_weeks))


def submit_response(
    db: Session,
    survey: Survey | LinkedSurvey,
    single_use: SingleUseLink | None,
    submission_key: str,
    language: str,
    answers: Iterable[AnswerValue],
    today: dt.date,
    source: ResponseSource = ResponseSource.WEB,
    follow_up: FollowUpPlan | None = None,
    definition: s.Definition | None = None,
    rule: SmallGroups | None = None,
) -> Outcome:
    """Store one response exactly once; a single-use link is used up first, on its own.

    The link's row is deleted, and its use counted, in a transaction that commits before
    the response's begins (`_use_link`): nothing the database keeps for a link (a row, a
    transaction id, a place on disk) can then be matched with the response. The price: a
    crash between the two commits loses that answer, and the respondent sees the link as
    used; when storing fails with the database still reachable, the link is put back.

    With a `follow_up` plan the response is a baseline and carries its code's pair id
    (`surveys.follow_up_codes.pair_id`). The response is stored unreleased; in its commit,
    under the survey's lock, the survey's waiting responses are released (and counted in
    the tallies) when at least k wait (`surveys.batches`, k from `rule`, by default the
    app's), so the results never count a response that was not stored, nor one alone.

    A double tap, a back-button resubmit or a retry after a lost connection carries the
    same submission key: its INSERT is skipped, without an error the database would log,
    and the repeat is ALREADY_STORED.
    On SQLite the request's reads are ended first (`_end_reads`).
    """
    survey_id, version_id = survey.id, survey.questionnaire_version_id
    definition, answers = definition or survey.questionnaire.definition, list(answers)
    digest = single_use.token_digest if single_use is not None else None
    _end_reads(db)
    if digest is not None and not _use_link(db, survey_id, digest):
        return _link_gone(db, survey_id, submission_key)
    try:
        # the response first: a write starts the transaction (see `_end_reads`)
        response_id = _insert_response(db, survey_id, version_id, submission_key, language,
                                       answers, today, source, is_follow_up=False)
        if response_id is None:
            return _repeat(db, survey_id, submission_key,
                           RuntimeError("a response clashed, but with no stored submission"))
        if follow_up is not None:
            _give_code(db, survey_id, response_id, submission_key, follow_up)
        batches.release_ready(db, survey_id, definition, today, rule)
        db.commit()
    except IntegrityError as error:
        return _repeat(db, survey_id, submission_key, error)
    except Exception:
        if digest is not None:
            _put_link_back(db, survey_id, digest)
        raise
    return Outcome.STORED


def _use_link(db: Session, survey_id: int, digest: str) -> bool:
    """Delete the link's row and count its use, in a commit of their own; False when the
    link was used already (a racing post deleted it first: the DELETE waits for it)."""
    links = cast(sa.Table, SingleUseLink.__table__)  # Core: the ORM's DELETE may not count
    deleted = rowcount(db.execute(sa.delete(links).where(
        links.c.token_digest == digest))) == 1
    if not deleted:
        db.rollback()
        return False
    db.execute(sa.update(Survey).where(Survey.id == survey_id)
               .values(links_used=Survey.links_used + 1))
    db.commit()
    return True


def _put_link_back(db: Session, survey_id: int, digest: str) -> None:
    """After a failed store, give the link back (a new row, in a transaction of its own)
    so the respondent can send again; if the database is gone, the answer is lost."""
    try:
        db.rollback()
        db.execute(sa.insert(SingleUseLink).values(token_digest=digest, survey_id=survey_id))
        db.execute(sa.update(Survey).where(Survey.id == survey_id)
                   .values(links_used=Survey.links_used - 1))
        db.commit()
    except Exception:  # noqa: BLE001 - the original error is what the caller must see
        db.rollback()


LINK_RACE_WAIT = 2.0  # seconds a post on a just-used link waits for its twin to be stored


def _link_gone(db: Session, survey_id: int, submission_key: str) -> Outcome:
    """The link was used: by this very submission (a double tap, whose twin may still be
    storing the response) or by another. Waits a moment for the twin before saying so."""
    db.rollback()
    deadline = time.monotonic() + LINK_RACE_WAIT
    while True:
        if submission_exists(db, survey_id, submission_key):
            return Outcome.ALREADY_STORED
        db.rollback()
        if time.monotonic() >= deadline:
            return Outcome.LINK_USED
        time.sleep(0.1)


def _end_reads(db: Session) -> None:
    """On SQLite, end the request's reads so that the transaction starts with a write: SQLite
    then waits for its write lock instead of failing to upgrade a read snapshot that another
    submission has made stale. PostgreSQL has no such problem, and there a new transaction
    would cost another connection checkout, ping and BEGIN on the busiest path of all."""
    if db.get_bind().dialect.name == "sqlite":
        db.rollback()


# On the tables, not the mapped classes: an insert of a mapped class goes through the ORM's
# bulk machinery, which cost as much CPU again as the statements themselves. A response that
# clashes with a stored one (the same submission key; a follow-up code's pair taken) is
# skipped, not refused with an error: PostgreSQL writes every error to its server log with
# the time to the millisecond and the clashing key, which the stored response holds, so the
# log would tell when it was sent where the tables keep only the day.
# (SQLAlchemy counts the rows an INSERT stored only when asked: `preserve_rowcount`.)
_RESPONSES = cast(sa.Table, Response.__table__)
_INSERT_RESPONSE = {dialect: insert(_RESPONSES).on_conflict_do_nothing()
                    .execution_options(preserve_rowcount=True)
                    for dialect, insert in (("postgresql", postgresql.insert),
                                            ("sqlite", sqlite.insert))}
_INSERT_ANSWERS = sa.insert(cast(sa.Table, Answer.__table__))


def _insert_response(db: Session, survey_id: int, version_id: int, submission_key: str,
                     language: str, answers: Sequence[AnswerValue], today: dt.date,
                     source: ResponseSource, is_follow_up: bool,
                     pair_id: uuid.UUID | None = None,
                     early: bool = False) -> uuid.UUID | None:
    """Store a response and its answers with two Core statements, the answers in one
    executemany: the ORM's unit of work took about half the CPU of storing a response
    (`bench/load.py`), and nothing here needs the objects afterwards. Only what the domain
    allows is stored: the answers, the language, the version and the date. None, and
    nothing stored, when the response clashes with a stored one (see `_INSERT_RESPONSE`)."""
    response_id, connection = uuid.uuid4(), db.connection()
    inserted = rowcount(connection.execute(_INSERT_RESPONSE[db.get_bind().dialect.name], {
        "id": response_id, "survey_id": survey_id, "questionnaire_version_id": version_id,
        "language": language, "submitted_on": today, "source": source,
        "submission_key": submission_key, "is_follow_up": is_follow_up,
        "pair_id": pair_id, "early": early}))
    if not inserted:
        return None
    if answers:
        connection.execute(_INSERT_ANSWERS, [
            {"id": uuid.uuid4(), "response_id": response_id, "survey_id": survey_id, "item": a.item,
             "position": a.position, "value_num": a.value_num, "value_text": a.value_text}
            for a in answers])
    return response_id


def _repeat(db: Session, survey_id: int, submission_key: str,
            otherwise: Outcome | Exception) -> Outcome:
    """A response that clashed with a stored one (skipped by its INSERT, or refused by a
    unique key later in the transaction): the same submission come again, else `otherwise`,
    an outcome to return or an error that must not be hidden."""
    db.rollback()
    if submission_exists(db, survey_id, submission_key):
        return Outcome.ALREADY_STORED
    if isinstance(otherwise, Exception):
        raise otherwise
    return otherwise


def _give_code(db: Session, survey_id: int, baseline_id: uuid.UUID, submission_key: str,
               plan: FollowUpPlan) -> None:
    """Give a new baseline the first derived code whose pair is not taken: its pair id and
    due date go on the response itself, and no row is kept for the code."""
    for attempt in range(MAX_CODE_ATTEMPTS):
        code = follow_up_codes.derive(plan.secret, survey_id, submission_key, attempt)
        pair = follow_up_codes.pair_id(plan.secret, survey_id, code)
        if not code_taken(db, survey_id, pair):
            db.execute(sa.update(Response).where(Response.id == baseline_id)
                       .values(pair_id=pair, due_on=plan.due_on))
            return
    raise RuntimeError("no free follow-up code; the survey holds implausibly many")


def submit_follow_up(
    db: Session,
    survey: Survey,
    code: FollowUpCode,
    submission_key: str,
    language: str,
    answers: Iterable[AnswerValue],
    today: dt.date,
    source: ResponseSource = ResponseSource.WEB,
    rule: SmallGroups | None = None,
    early: bool = False,
) -> Outcome:
    """Store a follow-up with its baseline's pair id, once, unreleased; `early` marks a paper
    follow-up staff confirmed although it came before the survey's earliest day.

    The unique (survey, pair, follow-up) key lets one follow-up per code in, so two
    devices posting the same code store one; the other gets CODE_USED. The same
    submission arriving twice gives ALREADY_STORED, as for any response. Nothing but the
    response is written: no code row shares its transaction. Follow-ups are released as
    responses are (`surveys.batches`): k at a time, once their baselines are released.
    """
    survey_id, version_id = survey.id, survey.questionnaire_version_id
    definition = survey.questionnaire.definition
    _end_reads(db)
    try:
        if _insert_response(db, survey_id, version_id, submission_key, language,
                            list(answers), today, source, is_follow_up=True,
                            pair_id=code.pair_id, early=early) is None:
            return _repeat(db, survey_id, submission_key, Outcome.CODE_USED)
        batches.release_ready(db, survey_id, definition, today, rule)
        db.commit()
    except IntegrityError:
        return _repeat(db, survey_id, submission_key, Outcome.CODE_USED)
    return Outcome.STORED


MAX_SINGLE_USE_LINKS = 5000


@dataclass(frozen=True)
class IssuedLinks:
    """A set of single-use links just issued, to be shown to staff this once.

    Not the tokens but the set's random seed, from which they follow with the app's secret
    key (`single_use_token`): the post that issues a set hands only the seed to the page
    that shows it, through the signed session, so the page is reached by a redirect (a
    reload or Back issues nothing) and no cookie holds a link. Nothing keeps the seed after
    that showing; only the links' keyed digests are stored.
    """

    seed: str
    count: int
    replaced: bool = False  # whether the unused links of earlier sets were withdrawn

    def tokens(self, secret: str | None = None) -> list[str]:
        key = secret or app_secret()
        return [single_use_token(key, self.seed, number) for number in range(self.count)]


def issue_single_use_links(db: Session, survey: Survey, count: int,
                           secret: str | None = None) -> IssuedLinks:
    """Create `count` new single-use links for a survey (for slips or a CSV); only their
    keyed digests are stored, so the set returned is the only way to the tokens."""
    if not 1 <= count <= MAX_SINGLE_USE_LINKS:
        raise ValueError(f"count must be between 1 and {MAX_SINGLE_USE_LINKS}")
    key = secret or app_secret()
    issued = IssuedLinks(secrets.token_urlsafe(32), count)
    db.execute(sa.insert(SingleUseLink), [
        {"token_digest": link_digest(key, token), "survey_id": survey.id}
        for token in issued.tokens(key)])
    db.commit()
    return issued


def erase_responses(db: Session, survey_id: int) -> None:
    """Delete a survey's responses, released or still waiting, their answers (a follow-up
    code goes with its baseline's pair id) and its tallies, without committing: the staff
    page's delete and retention both call this, each with its own audit entry. Answers are
    deleted explicitly as well as by the foreign keys' cascade, so no row is left whatever
    the database enforces."""
    db.execute(sa.delete(Answer).where(Answer.survey_id == survey_id))
    db.execute(sa.delete(Response).where(Response.survey_id == survey_id))
    tallies.forget(db, [survey_id])


def erase_surveys(db: Session, ids: Collection[int]) -> None:
    """Delete surveys with everything stored for them, children before parents: answers,
    responses (released or waiting), single-use links, tallies; a survey made from one of
    them for a later period («Ny periode») keeps its own data and loses only the link.
    Without committing: each caller writes its own audit entry."""
    if not ids:
        return
    ids = list(ids)
    tallies.forget(db, ids)
    db.execute(sa.update(Survey).where(Survey.previous_id.in_(ids)).values(previous_id=None),
               execution_options={"synchronize_session": False})
    for model, column in ((Answer, Answer.survey_id), (Response, Response.survey_id),
                          (SingleUseLink, SingleUseLink.survey_id), (Survey, Survey.id)):
        db.execute(sa.delete(model).where(column.in_(ids)),
                   execution_options={"synchronize_session": False})
