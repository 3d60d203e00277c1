"""Organisations, surveys, links and responses.

Two rules are kept in the schema itself rather than in code alone:
- a response stores answers, language, questionnaire version and a date, and nothing that
  could identify the person (no IP, user agent, time of day or link);
- nothing joins a single-use link or a follow-up code to the response it produced: no key,
  no timestamp, no shared transaction, no serial id (see `SingleUseLink` and
  `surveys.follow_up_codes`).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import hmac
import secrets
import uuid
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base
from questionnaires.models import QuestionnaireVersion
from surveys.guess_models import GuessFailure as GuessFailure  # kept importable from here
from surveys.membership_models import NetworkMembership
from surveys.status import SurveyStatus as SurveyStatus  # kept importable from here
from surveys.status import status_on

TOKEN_BYTES = 24  # 192 random bits; the issue asks for at least 128
Phase = Literal["baseline", "follow_up"]  # what a survey may be marked as (or nothing)


def new_token() -> str:
    """An unguessable URL-safe token for a public or single-use link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class Network(Base):
    """A learning network, such as «Helgeland 2021–2023»."""

    __tablename__ = "networks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    gatherings: Mapped[list[Gathering]] = relationship(back_populates="network",
                                                       order_by="Gathering.number")
    memberships: Mapped[list[NetworkMembership]] = relationship(
        back_populates="network", cascade="all, delete-orphan", passive_deletes=True,
        order_by="NetworkMembership.id")
    # Members past and present, each once (read only: memberships are the writes)
    organisations: Mapped[set[Organisation]] = relationship(
        secondary="network_memberships", viewonly=True, collection_class=set)


class Gathering(Base):
    """A samling of a network: 1–4, and 5 for the erfaringssamling a year later."""

    __tablename__ = "gatherings"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "number", name="uq_gatherings_network_number"),
        sa.CheckConstraint("number BETWEEN 1 AND 9", name="number_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("networks.id"))
    number: Mapped[int]
    held_on: Mapped[dt.date | None]
    place: Mapped[str | None] = mapped_column(sa.String(200))
    network: Mapped[Network] = relationship(back_populates="gatherings")


def _enum(cls: type[enum.Enum]) -> sa.Enum:
    """Enums stored as their values in a VARCHAR, the same on SQLite and PostgreSQL."""
    return sa.Enum(cls, native_enum=False, length=20,
                   values_callable=lambda e: [m.value for m in e])


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "kommune"
    HOSPITAL = "helseforetak"


class Organisation(Base):
    """A municipality or a hospital trust, in any number of networks over time, or none.
    `network_id` is the network it once had to belong to, kept from before memberships
    (issue 20) and read by nothing; `Organisation(network=n)` makes a membership of `n`."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(sa.ForeignKey("networks.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind))
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    units: Mapped[list[Unit]] = relationship(back_populates="organisation")
    memberships: Mapped[list[NetworkMembership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True)
    networks: Mapped[set[Network]] = relationship(
        secondary="network_memberships", viewonly=True, collection_class=set)

    def __init__(self, *, network: Network | None = None, **kw) -> None:
        super().__init__(**kw)
        if network is not None:
            self.memberships.append(NetworkMembership(network=network))


class Unit(Base):
    """A unit or service area, such as «Hjemmesykepleien Frogner distrikt»."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    organisation: Mapped[Organisation] = relationship(back_populates="units")


class Layout(enum.StrEnum):
    ONE_PAGE = "one_page"
    PAGE_PER_SECTION = "sections"


class LinkMode(enum.StrEnum):
    OPEN = "open"
    SINGLE_USE = "single_use"


class Survey(Base):
    """One round of answers to one questionnaire version for one unit or gathering."""

    __tablename__ = "surveys"
    __table_args__ = (
        sa.CheckConstraint(
            "(unit_id IS NULL) <> (gathering_id IS NULL)", name="exactly_one_target"
        ),
        sa.CheckConstraint("closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on",
                           name="dates_in_order"),
        sa.CheckConstraint("invited IS NULL OR invited >= 0", name="invited_not_negative"),
        sa.CheckConstraint("follow_up_weeks BETWEEN 1 AND 26", name="follow_up_weeks_range"),
        sa.CheckConstraint("follow_up_earliest_days BETWEEN 0 AND 182",
                           name="follow_up_earliest_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    questionnaire_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_versions.id")
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    gathering_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gatherings.id"))
    period_label: Mapped[str | None] = mapped_column(sa.String(100))
    phase: Mapped[Phase | None] = mapped_column(sa.String(20))
    opens_on: Mapped[dt.date | None]
    closes_on: Mapped[dt.date | None]
    is_closed: Mapped[bool] = mapped_column(default=False)
    invited: Mapped[int | None]
    layout: Mapped[Layout] = mapped_column(_enum(Layout), default=Layout.ONE_PAGE)
    link_mode: Mapped[LinkMode] = mapped_column(_enum(LinkMode), default=LinkMode.OPEN)
    public_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    # For questionnaires with a follow-up (PSFS): weeks from baseline to the suggested
    # follow-up date, and whether the follow-up form shows the baseline scores.
    follow_up_weeks: Mapped[int] = mapped_column(default=4, server_default="4")
    show_baseline_score: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The earliest day a follow-up is taken, in days after its baseline: earlier ones are
    # refused online and, on paper, stored only when confirmed and marked `Response.early`;
    # those are left out of the change unless the survey includes them (a lead's choice on
    # the change page, for every reader of the survey alike: page, charts, exports, API).
    follow_up_earliest_days: Mapped[int] = mapped_column(default=14, server_default="14")
    include_early_follow_ups: Mapped[bool] = mapped_column(default=False,
                                                           server_default=sa.false())
    # The share of users the unit aims to follow up, in percent (its SMART goal), shown
    # beside the share reached (`reporting.follow_up_tracker`).
    follow_up_target: Mapped[int | None]
    # For a process checklist: the day the unit introduced a change, and what it was, so
    # its run chart and p-chart are split into before and after (`analytics.spc.split_at`,
    # `analytics.p_charts.split_p_chart`).
    change_on: Mapped[dt.date | None]
    change_note: Mapped[str | None] = mapped_column(sa.String(200))
    # Single-use links used so far: counted in the transaction that uses up the link, never
    # in the response's, so «issued N, used M» needs no used link to be kept.
    links_used: Mapped[int] = mapped_column(default=0, server_default="0")
    # The survey of the period before, which this one was made from («Ny periode»), so the
    # comparison of the two is one click. Deleting a survey empties it in the surveys made
    # from it (`operations.erase_surveys`).
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("surveys.id"))
    # Out of the survey list unless asked for; nothing else changes (it may still be open).
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    contact: Mapped[str | None] = mapped_column(sa.String(200))  # whom respondents may ask

    questionnaire: Mapped[QuestionnaireVersion] = relationship()
    unit: Mapped[Unit | None] = relationship()
    gathering: Mapped[Gathering | None] = relationship()
    previous: Mapped[Survey | None] = relationship(remote_side=[id])

    def may_have_next_period(self) -> bool:
        """Whether «Ny periode» may make the next period's survey from this one: a unit's
        survey whose unit may still be given surveys (neither it nor its organisation
        archived); a gathering's evaluations are set up per gathering instead."""
        unit = self.unit
        return unit is not None and not unit.archived and not unit.organisation.archived

    def target(self) -> Unit | Gathering:
        """The unit or the gathering the survey is for (`exactly_one_target`)."""
        target = self.unit if self.unit is not None else self.gathering
        if target is None:
            raise RuntimeError(f"survey {self.id} has neither a unit nor a gathering")
        return target

    def status(self, today: dt.date) -> SurveyStatus:
        """Draft before its opening date, closed after its closing date or when closed."""
        return status_on(today, self.is_closed, self.opens_on, self.closes_on)

    def accepts_answers(self, today: dt.date) -> bool:
        """Whether the survey is open on `today` (dates inclusive)."""
        return self.status(today) is SurveyStatus.OPEN

    def follow_ups_close_on(self) -> dt.date | None:
        """The last day a follow-up is accepted online: twice the follow-up interval after
        the closing date, so a user who gave a baseline on the last day can still answer.
        None when the survey has no closing date."""
        if self.closes_on is None:
            return None
        return self.closes_on + dt.timedelta(weeks=2 * self.follow_up_weeks)

    def follow_up_opens_on(self, baseline_on: dt.date) -> dt.date:
        """The first day the follow-up of a baseline given on `baseline_on` is taken."""
        return baseline_on + dt.timedelta(days=self.follow_up_earliest_days)

    def accepts_follow_ups(self, today: dt.date) -> bool:
        """Follow-ups are accepted after the closing date (see `follow_ups_close_on`), but
        not once the survey is closed by hand: closing by hand stops everything."""
        last_day = self.follow_ups_close_on()
        return not self.is_closed and (last_day is None or today <= last_day) and (
            self.opens_on is None or today >= self.opens_on)


class SingleUseLink(Base):
    """A single-use link not used yet: only a keyed digest of its token (`link_digest`).

    Using the link DELETEs this row, in a transaction of its own that ends before the
    response's begins (`surveys.operations.submit_response`), and counts the use on the
    survey (`Survey.links_used`). So a used link leaves no row whose transaction id, place
    on disk or key could be matched with its response, and the table alone does not give
    back the links a unit lead handed out: those are shown once, when issued.
    """

    __tablename__ = "single_use_links"
    token_digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"), index=True)


def single_use_token(secret: str, seed: str, number: int) -> str:
    """Link `number` of a set of single-use links issued with the random `seed`: as
    unguessable as `new_token`, and the same for the same seed, so the page that shows a set
    once can be sent only its seed (see `surveys.operations.IssuedLinks`)."""
    digest = hmac.new(secret.encode(), f"single-use-token:{seed}:{number}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


def link_digest(secret: str, token: str) -> str:
    """What is stored for a single-use token: an HMAC with the app's secret key."""
    return hmac.new(secret.encode(), f"single-use-link:{token}".encode(),
                    hashlib.sha256).hexdigest()


class ResponseSource(enum.StrEnum):
    WEB = "web"
    PAPER = "paper"


class Response(Base):
    """One submitted questionnaire: its language, version and date, nothing about the person.

    The id is random rather than sequential so that the order of responses cannot be
    matched with the order in which links were handed out. `submission_key` is a random
    value put into the form when it was first shown; its uniqueness makes a double tap or
    a retried post store the response once.

    `released`: a response is stored unreleased, and nothing staff can read counts it until
    at least k unreleased responses of its survey have gathered and are released together
    (`surveys.batches`), so that no page changes the moment one person answers. Staff reads
    keep to released rows through `surveys.queries.released`. `released_on` is the day its
    batch was released: what a row-level download shows as the row's date, so that no date
    in it is shared by fewer than k rows (the day a person answered would point to them).
    """

    __tablename__ = "responses"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "submission_key", name="uq_responses_submission"),
        sa.UniqueConstraint("survey_id", "pair_id", "is_follow_up", name="uq_responses_pair"),
        sa.CheckConstraint("is_follow_up OR NOT early", name="early_only_follow_up"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_versions.id")
    )
    language: Mapped[str] = mapped_column(sa.String(2))
    submitted_on: Mapped[dt.date]
    source: Mapped[ResponseSource] = mapped_column(
        _enum(ResponseSource), default=ResponseSource.WEB
    )
    submission_key: Mapped[str] = mapped_column(sa.String(64))
    is_follow_up: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A PSFS baseline and its follow-up share a pair id, derived from the follow-up code
    # with the secret key (`surveys.follow_up_codes.pair_id`): one baseline and one
    # follow-up per pair. `due_on` is the follow-up date suggested to a baseline.
    pair_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    due_on: Mapped[dt.date | None]
    released: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    released_on: Mapped[dt.date | None]
    # A follow-up typed in from paper before its survey's earliest day, on staff's explicit
    # confirmation (online, such a follow-up is refused): left out of the change by default.
    early: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


# The unreleased rows of a survey, which every submission counts under the survey's lock: a
# partial index holds only them (fewer than k per survey and kind), so the count reads a few
# index entries whatever the size of the survey. The same expression in the index and in the
# queries (`surveys.batches`), so that SQLite, which matches the terms literally, uses it.
sa.Index("ix_responses_unreleased", Response.survey_id, Response.is_follow_up,
         sqlite_where=~Response.released, postgresql_where=~Response.released)


class Answer(Base):
    """One answer value: a number for scales, integers and checklists, text otherwise.

    The id is random, like the response's: a serial id would number the submissions in
    the order they came. One row per value lets SQL aggregate an item over many responses
    (AVG, COUNT, GROUP BY) with the (survey_id, item) index. `position` numbers the rows
    of a repeating group.
    """

    __tablename__ = "answers"
    __table_args__ = (sa.Index("ix_answers_survey_item", "survey_id", "item"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"))
    item: Mapped[str] = mapped_column(sa.String(81))
    position: Mapped[int] = mapped_column(default=0)
    value_num: Mapped[float | None] = mapped_column(sa.Double)  # as migrated; see ScoreTally
    value_text: Mapped[str | None] = mapped_column(sa.Text)
    response: Mapped[Response] = relationship(back_populates="answers")


class AnswerTally(Base):
    """How many of a survey's responses gave each value of each counted item.

    Kept up to date in the transaction that stores a response (`surveys.tallies`), so a
    results page reads a few hundred rows instead of counting every answer of a survey of
    100,000 responses. Counts only: no response id, no free text, no date, so the table
    tells nothing the results pages do not already show. Follow-up responses are not
    counted, as nowhere in the results.

    `kind` is 'n' (a number; `value` is its repr), 't' (a text value of a fixed choice or
    «vet ikke») or 'r' (responses: per item, those answering it at all; for the item ''
    the survey's responses).
    """

    __tablename__ = "answer_tallies"
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"), primary_key=True)
    item: Mapped[str] = mapped_column(sa.String(81), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    count: Mapped[int]


class ScoreTally(Base):
    """How many of a survey's responses had each category score, kept like `AnswerTally`.

    A response's score in a category is the mean of its numeric answers there; it is kept
    as the exact pair (sum, how many) rather than a rounded mean, so equal scores are
    counted together and the mean and spread over responses come out exact.
    """

    __tablename__ = "score_tallies"
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    # Named, not left to SQLAlchemy's default for `float` (Float in 2.0, Double in 2.1), which
    # the migrations do not follow: they made this FLOAT and answers.value_num DOUBLE.
    total: Mapped[float] = mapped_column(sa.Float, primary_key=True)
    answered: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int]
