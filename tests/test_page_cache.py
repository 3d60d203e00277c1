"""Survey pages are drawn once and filled in per visitor (`respond.rendering`): no visitor
may ever see another's tokens or answers, and a kept page drawn again with errors shows
them."""

from __future__ import annotations

import re

from surveys.models import Layout
from tests.conftest import form_tokens

ASLAK = {"activities-0-activity": "Aslak vil gå til butikken", "activities-0-score": "11"}
BERIT = {"activities-0-activity": "Berit vil bake brød", "activities-0-score": "12"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def post(client, token: str, tokens: dict, answers: dict, nav: str = "submit", page: int = 0):
    return client.post(f"/s/{token}", data={**tokens, "page": str(page), "nav": nav,
                                            **answers})


def test_two_visitors_never_see_each_others_tokens_or_answers(app, make_survey):
    survey = make_survey("psfs")
    aslak, berit = app.test_client(), app.test_client()
    aslak_page = text_of(aslak.get(f"/s/{survey.public_token}"))
    berit_page = text_of(berit.get(f"/s/{survey.public_token}"))  # drawn from what was kept
    aslak_tokens, berit_tokens = form_tokens(aslak_page), form_tokens(berit_page)
    assert aslak_tokens["submission_key"] != berit_tokens["submission_key"]
    assert aslak_tokens["csrf_token"] != berit_tokens["csrf_token"]

    aslak_errors = text_of(post(aslak, survey.public_token, aslak_tokens, ASLAK))
    berit_errors = text_of(post(berit, survey.public_token, berit_tokens, BERIT))
    later = text_of(app.test_client().get(f"/s/{survey.public_token}"))

    assert ASLAK["activities-0-activity"] in aslak_errors
    assert BERIT["activities-0-activity"] in berit_errors
    for html, own, other, other_answer in [
        (aslak_errors, aslak_tokens, berit_tokens, BERIT["activities-0-activity"]),
        (berit_errors, berit_tokens, aslak_tokens, ASLAK["activities-0-activity"]),
    ]:
        assert form_tokens(html)["submission_key"] == own["submission_key"]
        assert other["submission_key"] not in html
        assert other["csrf_token"] not in html
        assert other_answer not in html
    for secret in (*aslak_tokens.values(), *berit_tokens.values(),
                   ASLAK["activities-0-activity"], BERIT["activities-0-activity"]):
        assert secret not in later
    assert "ds-error-summary" not in later and "aria-invalid" not in later


def test_a_kept_page_drawn_again_with_errors_shows_them(client, make_survey):
    survey = make_survey("brukerundersokelse")
    first = text_of(client.get(f"/s/{survey.public_token}"))
    assert "ds-error-summary" not in first
    again = post(client, survey.public_token, form_tokens(first), {"resultat_hverdag": "8"})
    html = text_of(again)
    assert again.status_code == 422
    assert html.count("ds-error-summary") == 1
    assert "<title>Feil: " in html
    assert 'id="error-resultat_hverdag"' in html
    assert 'href="#f-resultat_hverdag-1"' in html
    assert 'id="f-resultat_hverdag-1" name="resultat_hverdag" value="1"\n' in html
    fresh = text_of(client.get(f"/s/{survey.public_token}"))
    assert "ds-error-summary" not in fresh and "Feil:" not in fresh


def test_answers_kept_between_pages_are_each_visitors_own(app, make_survey):
    """Two visitors go to page 2 and back: each page 1 drawn again (from what was kept,
    on a page kept drawn) holds that visitor's answers and no other's."""
    survey = make_survey("brukerundersokelse", layout=Layout.PAGE_PER_SECTION)
    pages = {}
    for step, value in (("aslak", "7"), ("berit", "2")):
        client = app.test_client()
        tokens = form_tokens(text_of(client.get(f"/s/{survey.public_token}")))
        first_page = {name: value for name in (
            "resultat_hverdag", "resultat_mestring", "resultat_trygghet",
            "medvirkning_viktig", "medvirkning_bestemme", "medvirkning_tilpasset")}
        to_next = post(client, survey.public_token, tokens, first_page, nav="next")
        assert client.get(to_next.headers["Location"]).status_code == 200
        back = post(client, survey.public_token, tokens, {}, nav="back", page=1)
        pages[step] = text_of(client.get(back.headers["Location"]))
    for step, value in (("aslak", "7"), ("berit", "2")):
        checked = re.findall(r'name="resultat_\w+" value="(\d)"\s+checked', pages[step])
        assert checked == [value] * 3


def test_a_new_visitors_page_is_the_page_a_blank_form_draws(app, make_survey):
    """The first page is drawn without a form (`render_fresh`); it must be, byte for byte,
    what the form-based drawing gives for a blank form with the same tokens, in every
    language and for a questionnaire with follow-ups (its link to the code page)."""
    from flask import url_for
    from flask_wtf.csrf import generate_csrf

    from respond import rendering
    from respond.views import who_asks_html
    from surveys.pages import answering_for

    for slug in ("psfs", "brukerundersokelse"):
        survey = make_survey(slug)
        for lang in ("nb", "nn", "en"):
            with app.test_request_context(f"/s/{survey.public_token}"):
                answering = answering_for(survey)
                form = answering.blank()
                action = url_for("respond.submit", token=survey.public_token)
                follow_up = (url_for("respond.follow_up_start", token=survey.public_token)
                             if answering.definition.follow_up else None)
                version = (survey.questionnaire_version_id, survey.layout)
                who = who_asks_html(survey)
                drawn = rendering.render_page(answering, form, 0, lang=lang, action=action,
                                              follow_up_url=follow_up, version=version,
                                              who_asks=who)
                fresh = [rendering.render_fresh(
                    answering, lang=lang, action=action, follow_up_url=follow_up,
                    version=version, csrf_token=generate_csrf(),
                    submission_key=form.submission_key.data, who_asks=who)
                    for _ in range(2)]
            assert fresh[0] == fresh[1] == drawn, (slug, lang)
            assert (follow_up is not None) == (slug == "psfs")
