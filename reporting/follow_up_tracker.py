"""Reaching the follow-up: how many of a PSFS survey's users have answered it, and how many
are still to, by when they are due (issue 17; in the network only half the municipalities
reached the follow-up).

Counts only, of released responses (`surveys.batches`): a baseline gave a code; it is
answered when its follow-up is released; otherwise it waits, and its suggested date
(`Response.due_on`) says whether it is not yet due (or has no date), due this week (Monday to
Sunday) or overdue. The codes themselves stay digests. Each count follows the small-group rule, and
the three parts of those waiting are shown only when none of them is 1 to k − 1: with the
total beside them, one hidden part could be worked out from the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from analytics.small_groups import SmallGroups
from reporting.rule import current_rule
from surveys.models import Response, Survey
from surveys.queries import released

PARTS = ("not_due", "due_this_week", "overdue")


@dataclass(frozen=True)
class FollowedUp:
    """Codes given and follow-ups answered, as the small-group rule lets them be shown."""

    given: int
    answered: int
    rule: SmallGroups

    @property
    def waiting(self) -> int:
        return self.given - self.answered

    def shown(self, name: str) -> int | None:
        """A count as it may be shown; None for «fewer than k»."""
        value = getattr(self, name)
        return None if self.rule.too_few(value) else value

    @property
    def share(self) -> float | None:
        """Answered ÷ given, when neither the answered nor the waiting part is hidden."""
        if not self.given or self.shown("answered") is None or self.shown("waiting") is None:
            return None
        return self.answered / self.given


@dataclass(frozen=True)
class Tracker(FollowedUp):
    """The follow-up counts of one survey on one day, with the unit's target (percent)."""

    not_due: int
    due_this_week: int
    overdue: int
    target: int | None

    def shown(self, name: str) -> int | None:
        """As `FollowedUp.shown`, and a part of those waiting is also held back when a
        neighbour is: with the total beside them, it would be worked out from the others."""
        if name in PARTS and any(self.rule.too_few(getattr(self, p)) for p in PARTS):
            return None
        return super().shown(name)


@dataclass(frozen=True)
class Week(FollowedUp):
    """The counts as they stood at the end of the week that starts on `monday`."""

    monday: dt.date


def tracker_of(db: Session, survey: Survey, today: dt.date) -> Tracker:
    """The counts of `survey` on `today`, in one query."""
    baseline, follow = aliased(Response), aliased(Response)
    monday = _monday(today)
    sunday = monday + dt.timedelta(days=6)
    answered = follow.id.is_not(None)
    waiting = follow.id.is_(None)
    row = db.execute(
        sa.select(sa.func.count(baseline.id),
                  _count(answered),
                  _count(waiting, sa.or_(baseline.due_on > sunday, baseline.due_on.is_(None))),
                  _count(waiting, baseline.due_on.between(monday, sunday)),
                  _count(waiting, baseline.due_on < monday))
        .outerjoin(follow, _follow_up_of(baseline, follow))
        .where(baseline.survey_id == survey.id, baseline.is_follow_up.is_(False),
               baseline.pair_id.is_not(None), released(baseline))).one()
    given, done, not_due, this_week, overdue = (int(n or 0) for n in row)
    return Tracker(given, done, current_rule(), not_due, this_week, overdue,
                   survey.follow_up_target)


def weeks_of(db: Session, survey: Survey, today: dt.date) -> list[Week]:
    """Week by week, from the week the first code was released to this week: how many codes
    had been given and how many followed up by its end (released days, never answer days)."""
    baseline, follow = aliased(Response), aliased(Response)
    rows = db.execute(
        sa.select(baseline.released_on, follow.released_on)
        .outerjoin(follow, _follow_up_of(baseline, follow))
        .where(baseline.survey_id == survey.id, baseline.is_follow_up.is_(False),
               baseline.pair_id.is_not(None), released(baseline))).all()
    given = [day for day, _answered in rows if day is not None]  # released: never None
    answered = [day for _given, day in rows if day is not None]
    if not given:
        return []
    rule = current_rule()
    monday = _monday(min(given))
    weeks = []
    while monday <= today:
        sunday = monday + dt.timedelta(days=6)
        weeks.append(Week(sum(day <= sunday for day in given),
                          sum(day <= sunday for day in answered), rule, monday))
        monday += dt.timedelta(weeks=1)
    return weeks


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _follow_up_of(baseline: type[Response], follow: type[Response]) -> sa.ColumnElement[bool]:
    """The released follow-up answering `baseline`'s code."""
    return sa.and_(follow.survey_id == baseline.survey_id, follow.pair_id == baseline.pair_id,
                   follow.is_follow_up.is_(True), released(follow))


def _count(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((sa.and_(*conditions), 1)))
