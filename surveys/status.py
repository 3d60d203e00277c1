"""A survey's status on a day: draft, open or closed, from the columns that decide it.

Apart from the model so that a survey read without the ORM (`surveys.link_lookups.LinkedSurvey`,
on the respondent's pages) is judged by the same rule as `Survey.status`.
"""

from __future__ import annotations

import datetime as dt
import enum


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


def status_on(today: dt.date, is_closed: bool, opens_on: dt.date | None,
              closes_on: dt.date | None) -> SurveyStatus:
    """Draft before its opening date, closed after its closing date or when closed."""
    if is_closed or (closes_on is not None and today > closes_on):
        return SurveyStatus.CLOSED
    if opens_on is not None and today < opens_on:
        return SurveyStatus.DRAFT
    return SurveyStatus.OPEN
