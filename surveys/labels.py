"""How the objects of a survey are named to a reader, in the reader's language: shared by
the staff pages, the reporting layer and the API so that they name things alike."""

from __future__ import annotations

from flask_babel import gettext as _

from questionnaires.models import QuestionnaireVersion
from surveys.models import Survey, Unit

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
