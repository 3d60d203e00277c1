"""The respondents' languages beyond nb, nn and en (Northern Sami, Polish, Ukrainian,
Arabic; issue 18): every built-in questionnaire opens in each, in its direction, with every
one of its texts translated (none left in bokmål, which the same page in bokmål does show),
and says that no native speaker has checked the translation yet; the follow-up code and its
address keep left to right."""

from __future__ import annotations

import html

import pytest

from questionnaires.loader import builtin_definitions
from questionnaires.translation_memory import translated
from tests.conftest import respond
from tests.test_follow_up import BASELINE, shown_code
from tools.translation_todo import texts_of
from util.languages import KNOWN, REQUIRED

MORE = [code for code in KNOWN if code not in REQUIRED]


def page_in(client, token: str, code: str) -> str:
    client.set_cookie("lang", code)
    response = client.get(f"/s/{token}")
    assert response.status_code == 200
    return html.unescape(response.text)


@pytest.mark.parametrize("code", MORE)
@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_each_questionnaire_opens_translated(app, client, make_survey, slug, code):
    definition = builtin_definitions()[slug]
    survey = make_survey(slug)
    page = page_in(client, survey.public_token, code)
    assert f'<html lang="{code}" dir="{KNOWN[code].direction}"' in page
    title = translated(definition.title.nb, code)
    assert title and f">{title}</h1>" in page
    assert 'class="ds-paragraph hint translation-status"' in page
    texts = texts_of(definition)
    assert [text for text in texts if text in page] == [], (code, slug)
    bokmal = page_in(client, survey.public_token, "nb")  # the check above means something
    assert f">{definition.title.nb.strip()}</h1>" in bokmal and title not in bokmal


@pytest.mark.parametrize("code", MORE)
def test_the_code_page_in_each_language(client, make_survey, code):
    survey = make_survey("psfs")
    client.set_cookie("lang", code)
    _code, page = shown_code(client, respond(client, survey.public_token, BASELINE))
    assert f'<html lang="{code}" dir="{KNOWN[code].direction}"' in page
    assert "Oppfølgingskoden" not in page
    assert '<p class="follow-up-code" dir="ltr">' in page
    assert '<span class="link-text" dir="ltr">' in page
    entry = client.get(f"/s/{survey.public_token}/oppfolging").text
    assert 'type="text" dir="ltr" id="f-code"' in entry
