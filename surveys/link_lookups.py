"""Looking a respondent's link up: the survey a token in `/s/<token>` opens, with who is
asking, in one Core statement per request (and, for a post, whether its submission is
stored already).

Every respondent request starts here, so the statements are built once and read with Core:
loading a `Survey` through the ORM, then who is asking in a statement of its own, cost about
twice the CPU (`bench/README.md`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

import database
from questionnaires.models import QuestionnaireVersion
from surveys import labels
from surveys.labels import WhoAsks
from surveys.models import Layout, LinkMode, Response, SingleUseLink, Survey, link_digest
from surveys.status import SurveyStatus, status_on
from util.secret import app_secret


@dataclass(frozen=True)
class LinkedSurvey:
    """A survey as the respondent's pages need it, with who is asking (`labels.who_asks`).

    Read with Core in one statement (`linked_survey`): every respondent request looks its
    survey up, and loading a `Survey` through the ORM, then who is asking in a statement of
    its own, cost about twice as much CPU as this one statement (`bench/README.md`).
    Nothing is written through it: writes go by id (`surveys.operations`)."""

    id: int
    questionnaire_version_id: int
    layout: Layout
    link_mode: LinkMode
    public_token: str
    is_closed: bool
    opens_on: dt.date | None
    closes_on: dt.date | None
    follow_up_weeks: int
    who_asks: WhoAsks

    def accepts_answers(self, today: dt.date) -> bool:
        """Whether the survey is open on `today` (the rule of `Survey.status`)."""
        return status_on(today, self.is_closed, self.opens_on,
                         self.closes_on) is SurveyStatus.OPEN

    @property
    def questionnaire(self) -> QuestionnaireVersion:
        """The survey's questionnaire version, from the request's session (a stored version
        never changes; the pages take its definition from `surveys.pages.answering_for`)."""
        return database.session().get_one(QuestionnaireVersion, self.questionnaire_version_id)


@dataclass(frozen=True)
class LinkTarget:
    """What a token in `/s/<token>` opens: a survey, through its open or a single-use link;
    for a post (`find_posted_link`), whether its submission is stored already."""

    survey: LinkedSurvey
    single_use: SingleUseLink | None
    stored: bool = False


_S = cast(sa.Table, Survey.__table__)
_RESPONSES = cast(sa.Table, Response.__table__)
_LINKED = labels.with_who_asks(sa.select(
    *labels.WHO_ASKS_COLUMNS, _S.c.id, _S.c.questionnaire_version_id, _S.c.layout,
    _S.c.link_mode, _S.c.public_token, _S.c.is_closed, _S.c.opens_on, _S.c.closes_on,
    _S.c.follow_up_weeks).select_from(_S))
# A post asks in the same statement whether its submission is stored (sent again): one
# round trip fewer on every post of the answering flow.
_POSTED = _LINKED.add_columns(sa.exists().where(
    _RESPONSES.c.survey_id == _S.c.id, _RESPONSES.c.submission_key == sa.bindparam("key")))
_BY_TOKEN = _S.c.public_token == sa.bindparam("token")
_BY_ID = _S.c.id == sa.bindparam("survey_id")
_LINKED_BY_TOKEN, _LINKED_BY_ID = _LINKED.where(_BY_TOKEN), _LINKED.where(_BY_ID)
_POSTED_BY_TOKEN, _POSTED_BY_ID = _POSTED.where(_BY_TOKEN), _POSTED.where(_BY_ID)
_Lookup = Callable[[Session, str], "tuple[LinkedSurvey, bool] | None"]


def find_link(db: Session, token: str,
              public: Callable[[Session, str], LinkedSurvey | None] | None = None,
              ) -> LinkTarget | None:
    """Resolve a public or single-use token; None when it is unknown or used (a used
    single-use link leaves no row: see `SingleUseLink`). `public` looks the survey up by
    its own token (`linked_survey` unless given: a page may take a recent read)."""
    def by_token(db: Session, token: str) -> tuple[LinkedSurvey, bool] | None:
        survey = (public or linked_survey)(db, token)
        return None if survey is None else (survey, False)

    return _resolve(db, token, by_token, _LINKED_BY_ID, {})


def find_posted_link(db: Session, token: str, submission_key: str) -> LinkTarget | None:
    """`find_link` for a post, with whether its submission is stored (`LinkTarget.stored`)
    asked in the same statement."""
    values = {"key": submission_key}
    return _resolve(db, token, lambda db, token: _linked(
        db, _POSTED_BY_TOKEN, {"token": token, **values}), _POSTED_BY_ID, values)


def _resolve(db: Session, token: str, by_token: _Lookup, by_id: sa.Select[Any],
             values: dict[str, Any]) -> LinkTarget | None:
    """The target of a token shaped like ours: its survey's own (`by_token`), else a
    single-use link's, read with `by_id`."""
    if not _shaped(token):
        return None
    found = by_token(db, token)
    if found is not None:
        survey, stored = found
        return LinkTarget(survey, None, stored) if survey.link_mode == "open" else None
    link = db.scalars(sa.select(SingleUseLink).filter_by(
        token_digest=link_digest(app_secret(), token))).first()
    if link is None:
        return None
    found = _linked(db, by_id, {"survey_id": link.survey_id, **values})
    assert found is not None  # the link's foreign key keeps its survey
    return LinkTarget(found[0], link, found[1])


def _shaped(token: str) -> bool:
    """Whether `token` has a length ours can have (anything else is not looked up)."""
    return 20 <= len(token) <= 64


def linked_survey(db: Session, token: str) -> LinkedSurvey | None:
    """The survey whose own (public) token this is, whatever its link mode (`LinkedSurvey`)."""
    if not _shaped(token):
        return None
    found = _linked(db, _LINKED_BY_TOKEN, {"token": token})
    return None if found is None else found[0]


def _linked(db: Session, query: sa.Select[Any],
            values: dict[str, Any]) -> tuple[LinkedSurvey, bool] | None:
    """The survey `query` finds, and its last column when it asks whether a submission is
    stored (`_POSTED`), else False."""
    row: Sequence[Any] | None = db.connection().execute(query, values).first()
    if row is None:
        return None
    width = len(labels.WHO_ASKS_COLUMNS)
    (survey_id, version_id, layout, link_mode, public_token, is_closed, opens_on, closes_on,
     weeks, *stored) = row[width:]
    return LinkedSurvey(survey_id, version_id, layout, link_mode, public_token, is_closed,
                        opens_on, closes_on, weeks,
                        labels.who_asks_of(row[:width])), bool(stored and stored[0])
