"""How the objects of a survey are named to a reader, in the reader's language: shared by
the staff pages, the reporting layer and the API so that they name things alike."""

from __future__ import annotations

from flask_babel import gettext as _

from questionnaires.models import QuestionnaireVersion

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
