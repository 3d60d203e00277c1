"""Polish (pl) for respondents: every built-in questionnaire opens in Polish, with no bokmål
questionnaire text left on the page, and the page says the translation is not yet reviewed."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from questionnaires.loader import builtin_definitions
from questionnaires.texts import Text
from questionnaires.translation_memory import memory
from tests.conftest import respond
from tests.test_follow_up import BASELINE, shown_code
from util.languages import KNOWN


def bokmal_texts(node: object) -> list[str]:
    """Every bokmål text of a definition."""
    if isinstance(node, Text):
        return [node.nb.strip()]
    if isinstance(node, dict):
        return [text for value in node.values() for text in bokmal_texts(value)]
    if isinstance(node, (list, tuple)):
        return [text for value in node for text in bokmal_texts(value)]
    if hasattr(node, "__pydantic_fields__"):
        return [text for name in type(node).model_fields
                for text in bokmal_texts(getattr(node, name))]
    return []


def test_polish_is_known_and_not_yet_reviewed():
    assert KNOWN["pl"].name == "Polski" and KNOWN["pl"].direction == "ltr"
    assert not KNOWN["pl"].reviewed


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_each_builtin_questionnaire_opens_in_polish(app, client, make_survey, slug):
    app.config["LANGUAGES"] = ("nb", "nn", "en", "pl")
    definition = builtin_definitions()[slug]
    survey = make_survey(slug)
    client.set_cookie("lang", "pl")
    page = client.get(f"/s/{survey.public_token}").text
    assert '<html lang="pl" dir="ltr"' in page
    assert str(escape(definition.title.get("pl"))) in page
    assert definition.title.get("pl") == memory("pl")[definition.title.nb.strip()]
    assert "To tłumaczenie nie zostało jeszcze sprawdzone" in page  # not yet reviewed
    left = [text for text in set(bokmal_texts(definition))
            if re.search(rf"(?<!\w){re.escape(str(escape(text)))}(?!\w)", page)]
    assert not left, f"bokmål left on the Polish page of {slug}: {left}"


def test_the_follow_up_code_page_in_polish(app, client, make_survey):
    app.config["LANGUAGES"] = ("nb", "nn", "en", "pl")
    survey = make_survey("psfs")
    client.set_cookie("lang", "pl")
    _code, page = shown_code(client, respond(client, survey.public_token, BASELINE))
    assert '<html lang="pl" dir="ltr"' in page
    assert "Pana/Pani kod do ponownej oceny" in page and "Oppfølgingskoden" not in page
