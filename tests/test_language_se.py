"""Northern Sami (se) for respondents: every built-in questionnaire opens in Sami, with its
title translated and none of its bokmål texts left on the page (the translation memory,
questionnaires/translations/se.yaml, covers them all), and the page says the translation has
not yet been checked by a native speaker."""

from __future__ import annotations

import html

import pytest

from questionnaires.loader import builtin_definitions
from questionnaires.texts import Text
from questionnaires.translation_memory import memory

SLUGS = sorted(builtin_definitions())


def bokmal_texts(node: object) -> list[str]:
    """Every bokmål text in a definition, once each."""
    found: dict[str, None] = {}

    def walk(node: object) -> None:
        if isinstance(node, Text):
            found[node.nb.strip()] = None
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)
        elif hasattr(node, "__pydantic_fields__"):
            for name in type(node).model_fields:
                walk(getattr(node, name))

    walk(node)
    return list(found)


def page_in(client, survey, code: str) -> str:
    client.set_cookie("lang", code)
    response = client.get(f"/s/{survey.public_token}")
    assert response.status_code == 200
    return html.unescape(response.text)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_builtin_questionnaire_opens_in_northern_sami(app, client, make_survey, slug):
    app.config["LANGUAGES"] = ("nb", "nn", "en", "se")
    definition = builtin_definitions()[slug]
    texts = bokmal_texts(definition)
    survey = make_survey(slug)

    page = page_in(client, survey, "se")
    assert '<html lang="se" dir="ltr"' in page
    title = memory("se")[definition.title.nb.strip()]
    assert f">{title}</h1>" in page
    assert "Eatnigielat olmmoš ii leat vel dárkkistan dán jorgalusa." in page
    assert [text for text in texts if text in page] == []

    # The check above means something: in bokmål the same page shows those texts.
    bokmal = page_in(client, survey, "nb")
    assert f">{definition.title.nb.strip()}</h1>" in bokmal
    assert title not in bokmal
