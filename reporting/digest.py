"""What one account's weekly digest says (issue 17): the news of the surveys it leads, read
as the staff pages read them, so the mail never tells more than the pages do.

Four parts, each a list of surveys; a digest with all four empty is not sent:

- **Follow-ups to chase**: PSFS surveys that still take follow-ups, with codes waiting for
  their follow-up, and how many of those are overdue or due this week
  (`reporting.follow_up_tracker`, the survey page's counts, with its rule: the split by due
  date only when no part of it is 1 to k − 1).
- **Closing soon**: open surveys whose closing date is within `CLOSING_WITHIN` days.
- **Responses so far**: every open survey's count of released responses (`surveys.counts`,
  the one count) against the number invited, where the unit gave it.
- **New results**: surveys with responses released from the day of the last digest up to
  yesterday (`Response.released_on`), or in the last `FIRST_WINDOW` days for an account's
  first digest. Up to yesterday, never today: a digest sent at 07:00 would otherwise either
  miss what is released later that day or, on the next run, tell it again; so each day's
  releases are told once, in the first digest after that day.

Whose surveys: those the account leads itself (`surveys.access.led_surveys`): a unit lead's
units, a network lead's networks, their units and gatherings. An administrator is told only
of what it leads too, not of every survey of the installation, which would be a list nobody
reads; an administrator who leads nothing gets no digest.

Counts only, each through the small-group rule (`reporting.rule.current_rule`): a count of 1
to k − 1 is None here and «fewer than k» in the mail, and no share is given beside it. The
follow-up counts are of codes, not of people; nothing here reads an answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.small_groups import SmallGroups
from reporting.follow_up_tracker import tracker_of
from reporting.rule import current_rule
from surveys.access import led_surveys
from surveys.account_models import Account
from surveys.counts import response_counts
from surveys.models import Response, Survey, SurveyStatus
from surveys.queries import released
from util.dates import local_date

CLOSING_WITHIN = dt.timedelta(days=14)
FIRST_WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class FollowUps:
    """A PSFS survey's codes still waiting for their follow-up. Each count is None when it
    is 1 to k − 1; `split_shown` is False when the split by due date is held back."""

    survey: Survey
    waiting: int | None
    overdue: int | None
    due_this_week: int | None
    split_shown: bool


@dataclass(frozen=True)
class Closing:
    survey: Survey
    closes_on: dt.date


@dataclass(frozen=True)
class ResponseRate:
    """An open survey's released responses (None: 1 to k − 1) against those invited (None:
    not given); `share` only when both are known and the count may be shown."""

    survey: Survey
    responses: int | None
    invited: int | None
    share: float | None


@dataclass(frozen=True)
class NewResults:
    survey: Survey
    responses: int | None


@dataclass(frozen=True)
class Digest:
    """One account's digest on `today`; `released_from`…`released_to` (both inclusive) is
    the period whose released results it tells."""

    account: Account
    today: dt.date
    released_from: dt.date
    released_to: dt.date
    minimum: int
    follow_ups: list[FollowUps]
    closing: list[Closing]
    rates: list[ResponseRate]
    new_results: list[NewResults]

    @property
    def is_empty(self) -> bool:
        return not (self.follow_ups or self.closing or self.rates or self.new_results)


def digest_for(db: Session, account: Account, today: dt.date) -> Digest:
    """What `account`'s digest says on `today` (a Norwegian date, `util.dates.today`)."""
    rule = current_rule()
    surveys = led_surveys(db, account)
    open_surveys = [s for s in surveys if s.status(today) is SurveyStatus.OPEN]
    first = released_since(account, today)
    counts = response_counts(db, [s.id for s in surveys])
    news = released_between(db, [s.id for s in surveys], first, today)
    return Digest(
        account=account, today=today, released_from=first,
        released_to=today - dt.timedelta(days=1), minimum=rule.minimum,
        follow_ups=follow_ups_to_chase(db, surveys, today),
        closing=[Closing(s, s.closes_on) for s in open_surveys
                 if s.closes_on is not None and s.closes_on <= today + CLOSING_WITHIN],
        rates=[response_rate(s, counts[s.id], rule) for s in open_surveys],
        new_results=[NewResults(s, _shown(counts[s.id], rule)) for s in surveys
                     if s.id in news])


def released_since(account: Account, today: dt.date) -> dt.date:
    """The first day whose releases the digest tells: the day of the last digest (its own
    releases were not told then), or `FIRST_WINDOW` back for a first digest."""
    if account.digest_sent_at is None:
        return today - FIRST_WINDOW
    return min(local_date(account.digest_sent_at), today)


def released_between(db: Session, survey_ids: list[int], first: dt.date,
                     today: dt.date) -> set[int]:
    """The surveys among `survey_ids` with responses (or follow-ups) released from `first`
    up to the day before `today`."""
    if not survey_ids or first >= today:
        return set()
    return set(db.scalars(
        sa.select(Response.survey_id).distinct()
        .where(Response.survey_id.in_(survey_ids), released(),
               Response.released_on >= first, Response.released_on < today)))


def follow_ups_to_chase(db: Session, surveys: list[Survey], today: dt.date) -> list[FollowUps]:
    """The surveys still taking follow-ups with codes waiting: those with some overdue or
    due this week, and those whose split by due date is held back (it cannot be told
    whether they have any)."""
    found = []
    for survey in surveys:
        if survey.questionnaire.definition.follow_up is None \
                or not survey.accepts_follow_ups(today):
            continue
        tracker = tracker_of(db, survey, today)
        split_shown = tracker.shown("overdue") is not None
        if not tracker.waiting or (split_shown and not (tracker.overdue
                                                        or tracker.due_this_week)):
            continue
        found.append(FollowUps(survey, tracker.shown("waiting"), tracker.shown("overdue"),
                               tracker.shown("due_this_week"), split_shown))
    return found


def response_rate(survey: Survey, responses: int, rule: SmallGroups) -> ResponseRate:
    shown = _shown(responses, rule)
    share = shown / survey.invited if shown is not None and survey.invited else None
    return ResponseRate(survey, shown, survey.invited, share)


def _shown(count: int, rule: SmallGroups) -> int | None:
    """A count as staff may read it: None for 1 to k − 1 (`staff.blueprint.responses_text`);
    0 is shown, as on the pages."""
    return None if rule.too_few(count) else count
