"""Retention: a survey's responses are deleted a set number of months after it closed.

Answers about health are special category data (GDPR art. 9), and storage limitation
(art. 5(1)(e)) asks that they are not kept longer than their purpose needs. The purpose
here is comparing a unit's baseline with its follow-up: in the learning network the
baseline is measured at the start, the follow-up between gathering 3 and 4 (some 12–15
months on), and the experience gathering comes about a year after the 18 months of the
network. The baseline must still be there then, some 30 months after it closed, so the
default is 36 months; a unit that measures on its own can set a shorter time.

The clock starts at `Survey.closes_on`, the one date every closed survey has. A survey
without a closing date (open until closed by hand) is never deleted here: its operator
deletes its responses on the survey's page. Nothing is deleted while the survey still
takes follow-ups (`Survey.follow_ups_close_on`), so a pair is never cut in half.

`flask --app app retention` (surveys/cli.py) runs this, nightly from cron.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys import access
from surveys.models import AnswerTally, Response, ScoreTally, Survey
from surveys.operations import erase_responses

DEFAULT_MONTHS = 36
SETTING = "RETENTION_MONTHS"  # SURVEY_RETENTION_MONTHS in the environment


def configured_months(config: Mapping[str, Any]) -> int | None:
    """The months a survey's responses are kept after it closed; None to keep them until
    they are deleted by hand (the setting is 0 or empty).

    Raises ValueError for anything but a whole number of months, 0 or more: a typo must
    not quietly mean "keep forever" or "delete everything"."""
    value = config.get(SETTING, DEFAULT_MONTHS)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"SURVEY_{SETTING} must be a whole number of months, not {value!r}")
    try:
        months = int(value)
    except ValueError:
        raise ValueError(
            f"SURVEY_{SETTING} must be a whole number of months, not {value!r}") from None
    if months < 0:
        raise ValueError(f"SURVEY_{SETTING} cannot be negative ({months})")
    return months or None


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when that month
    is shorter: 31 March less one month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Expired:
    """A survey past its retention that still has something to delete, and how much."""

    survey_id: int
    title: str
    closes_on: dt.date
    responses: int
    follow_ups: int
    codes: int


def expired(db: Session, today: dt.date, months: int) -> list[Expired]:
    """Surveys that closed more than `months` months before `today`, take no more
    follow-ups, and still hold responses or tallies; oldest first.

    A survey already emptied is not listed, so a second run finds nothing to do."""
    cutoff = months_before(today, months)
    has_data = sa.or_(*(sa.exists().where(model.survey_id == Survey.id)
                        for model in (Response, AnswerTally, ScoreTally)))
    surveys = [s for s in db.scalars(
        sa.select(Survey).where(Survey.closes_on.is_not(None), Survey.closes_on < cutoff,
                                has_data).order_by(Survey.closes_on, Survey.id))
        if (s.follow_ups_close_on() or today) < today]
    ids = [s.id for s in surveys]
    responses = _counts(db, ids, Response.is_follow_up.is_(False))
    follow_ups = _counts(db, ids, Response.is_follow_up.is_(True))
    # A follow-up code keeps no row of its own: its baseline carries its pair id.
    codes = _counts(db, ids, sa.and_(Response.is_follow_up.is_(False),
                                     Response.pair_id.is_not(None)))
    return [Expired(s.id, s.title, s.closes_on or cutoff, responses.get(s.id, 0),
                    follow_ups.get(s.id, 0), codes.get(s.id, 0)) for s in surveys]


def _counts(db: Session, ids: list[int], condition: sa.ColumnElement[bool]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.execute(sa.select(Response.survey_id, sa.func.count())
                           .where(Response.survey_id.in_(ids), condition)
                           .group_by(Response.survey_id)).all())


def delete_expired(db: Session, today: dt.date, months: int, *,
                   dry_run: bool = False) -> list[Expired]:
    """Delete the responses, answers (and so the follow-up codes, whose pair ids the
    responses carry) and tallies of every expired survey
    (`expired`), one commit and one audit entry (with no account) per survey, so a run
    that stops half-way leaves each survey either done or untouched. With `dry_run`,
    only say what would be deleted.

    The rows go as on the staff page's delete (`operations.erase_responses`). Used
    single-use links are already gone (only `Survey.links_used` counts them); they never
    joined to any answer."""
    found = expired(db, today, months)
    if dry_run:
        return found
    for survey in found:
        erase_responses(db, survey.survey_id)
        access.audit(db, None, "responses.retention",
                     f"survey {survey.survey_id}: {survey.responses} responses, "
                     f"{survey.follow_ups} follow-ups deleted automatically, closed "
                     f"{survey.closes_on.isoformat()}, kept {months} months: {survey.title}")
        db.commit()
    return found
