"""Reads for follow-ups: finding a code, the activities it brings back, and the pairs."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from analytics.paired import Pair
from questionnaires import schema as s
from surveys import follow_up_codes
from surveys.models import Answer, Response, Survey
from surveys.queries import released, survey_by_token

MAX_CODE_ATTEMPTS = 5  # how many derived codes a baseline may have tried (see operations)


def survey_for_token(db: Session, token: str) -> Survey | None:
    """The survey of its own (public) token, whatever its link mode.

    Follow-up and thank-you pages belong to the survey rather than to one link: a
    single-use link is gone once used, so they are reached under the survey's token.
    """
    if not 20 <= len(token) <= 64:
        return None
    return survey_by_token(db, token)


@dataclass(frozen=True)
class FollowUpCode:
    """What a code opens: its pair, the baseline, the follow-up if given, the date due and
    the day of the baseline (from which the earliest follow-up day is counted).

    Not a row of its own (see `surveys.follow_up_codes`): read from the two responses that
    carry the code's pair id.
    """

    pair_id: uuid.UUID
    baseline_id: uuid.UUID
    follow_up_id: uuid.UUID | None
    due_on: dt.date
    baseline_on: dt.date


def code_taken(db: Session, survey_id: int, pair: uuid.UUID) -> bool:
    return (db.scalar(sa.select(sa.func.count()).select_from(Response).filter_by(
        survey_id=survey_id, pair_id=pair)) or 0) > 0


def find_code(db: Session, secret: str, survey_id: int, code: str) -> FollowUpCode | None:
    """The code's pair in this survey, or None (a code of another survey is unknown here)."""
    pair = follow_up_codes.pair_id(secret, survey_id, code)
    rows = db.execute(sa.select(Response.id, Response.is_follow_up, Response.due_on,
                                Response.submitted_on)
                      .filter_by(survey_id=survey_id, pair_id=pair)).all()
    baseline = next((r for r in rows if not r.is_follow_up), None)
    if baseline is None:
        return None
    follow_up = next((r.id for r in rows if r.is_follow_up), None)
    return FollowUpCode(pair, baseline.id, follow_up, baseline.due_on or baseline.submitted_on,
                        baseline.submitted_on)


def baseline_code(db: Session, secret: str, survey_id: int,
                  submission_key: str) -> tuple[str, FollowUpCode] | None:
    """The code (and its pair) given to the baseline stored with this submission key.

    Derived again from the key, as when it was stored; a derived code that belongs to
    another baseline (a collision skipped at the time) is passed over.
    """
    baseline_id = db.scalar(sa.select(Response.id).filter_by(
        survey_id=survey_id, submission_key=submission_key, is_follow_up=False))
    if baseline_id is None:
        return None
    for attempt in range(MAX_CODE_ATTEMPTS):
        code = follow_up_codes.derive(secret, survey_id, submission_key, attempt)
        row = find_code(db, secret, survey_id, code)
        if row is not None and row.baseline_id == baseline_id:
            return code, row
    return None


def stored_baseline_code(db: Session, secret: str, survey_id: int,
                         submission_key: str) -> tuple[str, FollowUpCode]:
    """`baseline_code` right after the baseline was stored (STORED or ALREADY_STORED),
    when a missing code can only be a bug."""
    found = baseline_code(db, secret, survey_id, submission_key)
    if found is None:
        raise RuntimeError("a stored baseline has no follow-up code")
    return found


@dataclass(frozen=True)
class Activity:
    """One row of a baseline: its position, what the user named, and the score then."""

    position: int
    label: str
    score: float | None


def baseline_activities(db: Session, definition: s.Definition,
                        baseline_id: uuid.UUID) -> list[Activity]:
    """The activities a baseline named, in their order, with their baseline scores."""
    group, label, score = definition.follow_up_items()
    label_key, score_key = f"{group.id}.{label.id}", f"{group.id}.{score.id}"
    rows = db.execute(sa.select(Answer.item, Answer.position, Answer.value_num,
                                Answer.value_text)
                      .where(Answer.response_id == baseline_id,
                             Answer.item.in_([label_key, score_key])))
    labels: dict[int, str] = {}
    scores: dict[int, float | None] = {}
    for item, position, number, text in rows:
        if item == label_key:
            labels[position] = text or ""
        else:
            scores[position] = number
    return [Activity(position, labels[position], scores.get(position))
            for position in sorted(labels)]


def pairs(db: Session, definition: s.Definition, survey_id: int) -> list[Pair]:
    """Every released baseline with its released follow-up in a survey, scores by activity
    position, early follow-ups marked (`analytics.paired` decides whether they count): a
    pair counts when both halves are released (`surveys.batches` releases a follow-up only
    after its baseline, k at a time).

    Two queries whatever the number of pairs: the pairs with their dates, then the scores
    of every response in them. A half's date is the day its batch was released, which at
    least k halves share: the day a person answered would point to them.
    """
    group, _label, score = definition.follow_up_items()
    score_key = f"{group.id}.{score.id}"
    base, follow = aliased(Response), aliased(Response)
    linked = db.execute(
        sa.select(base.pair_id, base.id, base.released_on, follow.id, follow.released_on,
                  follow.early)
        .join(follow, sa.and_(follow.survey_id == base.survey_id,
                              follow.pair_id == base.pair_id, follow.is_follow_up))
        .where(base.survey_id == survey_id, base.is_follow_up.is_(False),
               released(base), released(follow))
        .order_by(base.released_on, base.pair_id)
    ).all()
    scores: dict[uuid.UUID, dict[int, float]] = {}
    score_rows = db.execute(
        sa.select(Answer.response_id, Answer.position, Answer.value_num)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey_id, Response.pair_id.is_not(None), released(),
               Answer.survey_id == survey_id,
               Answer.item == score_key, Answer.value_num.is_not(None)))
    for response_id, position, value in score_rows:
        if value is not None:  # always so (see the query); said again for the type
            scores.setdefault(response_id, {})[position] = value
    found = [Pair(pair_id=follow_up_codes.pair_label(pair_id),
                  baseline_on=_release_day(base_on), follow_up_on=_release_day(follow_on),
                  baseline=scores.get(base_id, {}), follow_up=scores.get(follow_id, {}),
                  early=early)
             for pair_id, base_id, base_on, follow_id, follow_on, early in linked
             if scores.get(base_id, {}).keys() & scores.get(follow_id, {}).keys()]
    return found


def _release_day(day: dt.date | None) -> dt.date:
    """A released response's day of release, which `surveys.batches` always writes."""
    if day is None:
        raise ValueError("a released response without its day of release")
    return day


def pair_activity_labels(db: Session, definition: s.Definition,
                         survey_id: int) -> dict[tuple[str, int], str]:
    """(pair id, position) → the activity the user named, for the unit's own export."""
    group, label, _score = definition.follow_up_items()
    base, follow = aliased(Response), aliased(Response)
    rows = db.execute(
        sa.select(base.pair_id, Answer.position, Answer.value_text)
        .join(Answer, Answer.response_id == base.id)
        .join(follow, sa.and_(follow.survey_id == base.survey_id,
                              follow.pair_id == base.pair_id, follow.is_follow_up))
        .where(base.survey_id == survey_id, base.is_follow_up.is_(False),
               released(base), released(follow), Answer.item == f"{group.id}.{label.id}"))
    return {(follow_up_codes.pair_label(pair_id), position): text or ""
            for pair_id, position, text in rows}


def named_activities(db: Session, definition: s.Definition, survey_id: int) -> list[list[str]]:
    """What each released baseline of a survey named, one list per baseline (free text)."""
    group, label, _score = definition.follow_up_items()
    rows = db.execute(
        sa.select(Answer.response_id, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.survey_id == survey_id, Answer.item == f"{group.id}.{label.id}",
               Response.is_follow_up.is_(False), released())
        .order_by(Answer.response_id, Answer.position))
    named: dict[uuid.UUID, list[str]] = {}
    for response_id, text in rows:
        named.setdefault(response_id, []).append(text or "")
    return list(named.values())
