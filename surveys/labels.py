"""How the objects of a survey are named to a reader, in the reader's language: shared by
the staff pages, the reporting layer and the API so that they name things alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from questionnaires.models import QuestionnaireVersion
from surveys.models import Gathering, Network, Organisation, Survey, Unit

ERFARINGSSAMLING = 5  # the network's experience gathering, after gatherings 1–4


def gathering_label(number: int) -> str:
    """«Gathering 3», or «Experience gathering» for number 5 (the erfaringssamling)."""
    if number == ERFARINGSSAMLING:
        return _("Experience gathering (erfaringssamling)")
    return _("Gathering %(number)d", number=number)


def version_title(version: QuestionnaireVersion, lang: str) -> str:
    """A version's title in `lang`, read from the stored JSON without parsing it all."""
    title = version.content.get("title", {})
    return title.get(lang) or title.get("nb") or version.slug


def target_label(survey: Survey) -> str:
    """«Unit (Organisation)» or «Gathering N, Network»: whom a survey is for, on the staff
    pages and in the weekly digest alike."""
    target = survey.target()
    if isinstance(target, Unit):
        return f"{target.name} ({target.organisation.name})"
    return _("Gathering %(number)d, %(network)s", number=target.number,
             network=target.network.name)


@dataclass(frozen=True)
class WhoAsks:
    """Who a survey comes from, as its respondents are told: a unit and its municipality or
    organisation, or a network and one of its gatherings; and whom to ask, if the survey
    names someone. Read afresh for every page, so a renamed unit or a new contact shows at
    once (the pages themselves are kept drawn per questionnaire version)."""

    name: str  # the unit, or the network
    organisation: str | None  # the unit's organisation; None for a gathering
    gathering: int | None  # the gathering's number; None for a unit
    contact: str | None

    def sender(self) -> str:
        """«Unit, Organisation», or «Gathering N, network» in the reader's language."""
        if self.gathering is not None:
            return _("%(gathering)s in the learning network %(network)s",
                     gathering=gathering_label(self.gathering), network=self.name)
        return f"{self.name}, {self.organisation}"


# Who asks, joined to a query of surveys (`with_who_asks`): the respondent's pages read it
# with the survey itself, in one statement (`surveys.link_lookups.linked_survey`).
_Select = TypeVar("_Select", bound=sa.Select)
WHO_ASKS_COLUMNS = (Unit.name, Organisation.name, Network.name, Gathering.number,
                    Survey.contact)


def with_who_asks(query: _Select) -> _Select:
    """`query` (of surveys) joined to what `WHO_ASKS_COLUMNS` reads."""
    return (query.outerjoin(Unit, Unit.id == Survey.unit_id)
            .outerjoin(Organisation, Organisation.id == Unit.organisation_id)
            .outerjoin(Gathering, Gathering.id == Survey.gathering_id)
            .outerjoin(Network, Network.id == Gathering.network_id))


def who_asks_of(values: Sequence[Any]) -> WhoAsks:
    """`WhoAsks` from the values of `WHO_ASKS_COLUMNS`, in their order."""
    unit, organisation, network, number, contact = values
    if unit is not None:
        return WhoAsks(unit, organisation, None, contact)
    return WhoAsks(network or "", None, number, contact)


_WHO_ASKS = with_who_asks(sa.select(*WHO_ASKS_COLUMNS).select_from(Survey)).where(
    Survey.id == sa.bindparam("survey_id"))


def who_asks(db: Session, survey: Survey) -> WhoAsks:
    """Who the survey comes from (`WhoAsks`), in one query."""
    return who_asks_of(db.execute(_WHO_ASKS, {"survey_id": survey.id}).one())
