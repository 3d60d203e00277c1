"""Arabic, the first language written right to left: each built-in questionnaire opens in
Arabic, right to left, with every one of its texts translated (none left in bokmål), and
says that no native speaker has checked the translation yet."""

from __future__ import annotations

import html
import re

import pytest

from questionnaires.loader import builtin_definitions
from questionnaires.texts import Text
from questionnaires.translation_memory import memory

TAGS = re.compile(r"<[^>]+>")


def bokmal_texts(node: object) -> set[str]:
    """Every bokmål text in a definition (titles, introductions, questions, scale labels,
    options, sources)."""
    if isinstance(node, Text):
        return {node.nb.strip()}
    if isinstance(node, dict):
        return set().union(*map(bokmal_texts, node.values())) if node else set()
    if isinstance(node, (list, tuple)):
        return set().union(*map(bokmal_texts, node)) if node else set()
    if hasattr(node, "__pydantic_fields__"):
        found: set[str] = set()
        for name in type(node).model_fields:
            found |= bokmal_texts(getattr(node, name))
        return found
    return set()


def visible_text(page: str) -> str:
    """The page's text as a reader sees it: no tags or attributes, entities decoded."""
    body = page.split("<body", 1)[1]
    return html.unescape(TAGS.sub(" ", body))


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_each_builtin_questionnaire_opens_in_arabic(app, client, make_survey, slug):
    app.config["LANGUAGES"] = ("nb", "nn", "en", "ar")
    definition = builtin_definitions()[slug]
    arabic = memory("ar")
    survey = make_survey(slug)
    client.set_cookie("lang", "ar")
    response = client.get(f"/s/{survey.public_token}")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="ar" dir="rtl"' in page
    title = arabic[definition.title.nb.strip()]
    assert html.escape(title, quote=False) in page
    assert "لم يراجع هذه الترجمةَ" in page  # not yet checked by a native speaker
    text = visible_text(page)
    left = sorted(nb for nb in bokmal_texts(definition) if nb in text)
    assert not left, f"{slug}: shown in bokmål: {left}"


def test_codes_and_addresses_read_left_to_right_in_arabic(app, client, make_survey):
    """In a right-to-left page, the follow-up code and its address keep their own direction:
    isolated with dir="ltr", «AB12 CD34» must not come out as «CD34 AB12»."""
    from tests.conftest import respond
    from tests.test_follow_up import BASELINE, shown_code

    app.config["LANGUAGES"] = ("nb", "nn", "en", "ar")
    survey = make_survey("psfs")
    client.set_cookie("lang", "ar")
    _code, page = shown_code(client, respond(client, survey.public_token, BASELINE))
    assert '<html lang="ar" dir="rtl"' in page
    assert '<p class="follow-up-code" dir="ltr">' in page
    assert '<span class="link-text" dir="ltr">' in page
    entry = client.get(f"/s/{survey.public_token}/oppfolging").text
    assert 'type="text" dir="ltr" id="f-code"' in entry
