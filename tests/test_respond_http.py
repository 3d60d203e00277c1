"""The answering flow over HTTP: bad input gets a clear message and a 4xx, nothing is saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import database
from surveys.models import Layout, LinkMode, new_token
from surveys.operations import issue_single_use_links
from tests.conftest import form_tokens, respond, response_count

PSFS_OK = {"activities-0-activity": "Komme meg hjem", "activities-0-score": "5"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_an_answer_is_stored_once_and_thanks(app, client, make_survey):
    survey = make_survey("samling")
    first = client.get(f"/s/{survey.public_token}")
    data = {**form_tokens(text_of(first)), "page": "0", "nav": "submit",
            "balanse": "2", "nytte_totalt": "1"}
    posted = client.post(f"/s/{survey.public_token}", data=data)
    for _ in range(2):  # a double tap and a back-button resubmit
        assert posted.status_code == 303
        assert posted.headers["Location"].endswith(f"/s/{survey.public_token}/takk")
        posted = client.post(f"/s/{survey.public_token}", data=data)
    assert response_count(app, survey.id) == 1
    thanks = client.get(posted.headers["Location"])
    assert thanks.status_code == 200
    assert "Takk for svarene dine" in text_of(thanks)


def test_psfs_answer_is_stored_once_and_shows_its_code(app, client, make_survey):
    survey = make_survey("psfs")
    first = client.get(f"/s/{survey.public_token}")
    data = {**form_tokens(text_of(first)), "page": "0", "nav": "submit", **PSFS_OK}
    locations = set()
    for _ in range(3):  # a double tap and a back-button resubmit
        posted = client.post(f"/s/{survey.public_token}", data=data)
        assert posted.status_code == 303
        locations.add(posted.headers["Location"])
    assert response_count(app, survey.id) == 1
    (location,) = locations
    assert location == f"/s/{survey.public_token}/kode"  # the code is in no address
    thanks = client.get(location)
    assert thanks.status_code == 200
    assert "Takk for svarene dine" in text_of(thanks)


@pytest.mark.parametrize(("slug", "answers", "status", "message"), [
    ("psfs", {"activities-0-activity": "Gå", "activities-0-score": "11"}, 422,
     "Velg ett av svaralternativene"),
    ("psfs", {"activities-0-activity": "x" * 100_000, "activities-0-score": "5"}, 422,
     "Skriv høyst 200 tegn"),
    ("psfs", {}, 422, "Fyll ut minst 1"),
    ("psfs", {**PSFS_OK, "activities-5-activity": "Sjette", "activities-5-score": "3"}, 400,
     "høyst 5 rader"),
    ("psfs", {**PSFS_OK, "password": "x"}, 400, "et spørsmål som ikke er med"),
    ("brukerundersokelse", {"resultat_hverdag": "8"}, 422, "Velg ett av svaralternativene"),
])
def test_bad_answers_get_message_and_4xx(app, client, make_survey, slug, answers, status, message):
    survey = make_survey(slug)
    posted = respond(client, survey.public_token, answers)
    assert posted.status_code == status
    assert message in text_of(posted)
    assert response_count(app, survey.id) == 0


def test_error_summary_links_to_field_and_keeps_answers(client, make_survey):
    survey = make_survey("psfs")
    posted = respond(client, survey.public_token,
                     {"activities-0-activity": "Gå i trappen", "activities-0-score": "11"})
    html = text_of(posted)
    assert 'href="#f-activities-0-score-0"' in html
    assert 'id="f-activities-0-score-0"' in html
    assert 'value="Gå i trappen"' in html
    assert "aria-invalid" in html


def test_wrong_csrf_token_is_refused(app, client, make_survey):
    survey = make_survey("psfs")
    start = client.get(f"/s/{survey.public_token}")
    data = {**form_tokens(text_of(start)), "csrf_token": "forged", "nav": "submit", **PSFS_OK}
    posted = client.post(f"/s/{survey.public_token}", data=data)
    assert posted.status_code == 400
    assert "Siden var utløpt" in text_of(posted)
    assert response_count(app, survey.id) == 0


@pytest.mark.parametrize("change", [
    {"is_closed": True},
    {"closes_on": dt.date(2020, 1, 31), "opens_on": dt.date(2020, 1, 1)},
    {"opens_on": dt.date(2999, 1, 1)},
])
def test_closed_survey_is_gone(app, client, make_survey, change):
    survey = make_survey("psfs", **change)
    assert client.get(f"/s/{survey.public_token}").status_code == 410
    posted = client.post(f"/s/{survey.public_token}", data=PSFS_OK)
    assert posted.status_code == 410
    assert "ikke lenger åpen" in text_of(posted)
    assert response_count(app, survey.id) == 0


def test_link_written_wrong_is_404_with_friendly_page(client):
    response = client.get("/s/this-link-was-cut-short")  # not shaped like a token of ours
    assert response.status_code == 404
    assert "Vi fant ikke denne siden" in text_of(response)
    assert "Traceback" not in text_of(response)


def test_single_use_link_closes_after_one_submission(app, client, make_survey):
    survey = make_survey("psfs", link_mode=LinkMode.SINGLE_USE)
    with app.app_context():
        tokens = issue_single_use_links(database.session(), survey, 2).tokens()
    assert len(set(tokens)) == 2 and all(len(t) >= 22 for t in tokens)  # >= 128 bits
    assert client.get(f"/s/{survey.public_token}").status_code == 410  # no open link
    assert respond(client, tokens[0], PSFS_OK).status_code == 303
    used = client.get(f"/s/{tokens[0]}")  # a used link leaves no row: it looks unknown
    assert used.status_code == 410
    assert "Denne lenken er ikke lenger åpen" in text_of(used)
    assert "spør den som ga deg lenken" in text_of(used)
    never = new_token()  # well-formed, never issued: the same page
    unknown = client.get(f"/s/{never}")
    assert (unknown.status_code, text_of(unknown).replace(never, tokens[0])) == (
        410, text_of(used))
    english = client.get(f"/s/{tokens[0]}", headers={"Accept-Language": "en"})
    assert "ask the person or service that gave you the link" in text_of(english)
    assert client.get(f"/s/{survey.public_token}/takk").status_code == 200
    assert respond(client, tokens[1], PSFS_OK).status_code == 303
    assert response_count(app, survey.id) == 2


def test_pages_move_back_and_forth_keeping_answers(app, client, make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    start = client.get(f"/s/{survey.public_token}")
    assert "Del 1 av 3" in text_of(start)
    base = form_tokens(text_of(start))
    page2 = client.post(f"/s/{survey.public_token}", data={
        **base, "page": "0", "nav": "next", "balanse": "2", "nytte_totalt": "1"})
    assert page2.status_code == 200
    html = text_of(page2)
    assert "Del 2 av 3" in html
    assert '<input type="hidden" name="balanse" value="2">' in html
    back = client.post(f"/s/{survey.public_token}", data={
        **base, "page": "1", "nav": "back", "balanse": "2", "nytte_totalt": "1",
        "info_forkant": "3"})
    assert "Del 1 av 3" in text_of(back)
    assert re.search(r'id="f-balanse-2" name="balanse" value="2"\s+checked', text_of(back))
    assert '<input type="hidden" name="info_forkant" value="3">' in text_of(back)
    done = client.post(f"/s/{survey.public_token}", data={
        **base, "page": "2", "nav": "submit", "balanse": "2", "nytte_totalt": "1",
        "info_forkant": "3"})
    assert done.status_code == 303
    assert response_count(app, survey.id) == 1


def test_final_submit_revalidates_earlier_pages(app, client, make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    start = client.get(f"/s/{survey.public_token}")
    tampered = client.post(f"/s/{survey.public_token}", data={
        **form_tokens(text_of(start)), "page": "2", "nav": "submit", "balanse": "9",
        "nytte_totalt": "1"})
    assert tampered.status_code == 422
    assert "Del 1 av 3" in text_of(tampered)
    assert response_count(app, survey.id) == 0


def test_language_switch_keeps_answers_and_is_remembered(client, make_survey):
    survey = make_survey("psfs")
    start = client.get(f"/s/{survey.public_token}")
    switched = client.post(f"/s/{survey.public_token}", data={
        **form_tokens(text_of(start)), "page": "0", "switch_lang": "nn", **PSFS_OK})
    assert switched.status_code == 200
    assert 'lang="nn"' in text_of(switched)
    assert "Kva er viktig for deg?" in text_of(switched)
    assert 'value="Komme meg hjem"' in text_of(switched)
    assert "lang=nn" in switched.headers["Set-Cookie"]
    again = client.get(f"/s/{survey.public_token}")
    assert '<html lang="nn"' in text_of(again)


def test_english_through_language_link(client, make_survey):
    survey = make_survey("psfs")
    response = client.get(f"/sprak/en?next=/s/{survey.public_token}")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert '<html lang="en"' in text_of(page)
    assert "What matters to you?" in text_of(page)


def test_language_link_never_redirects_to_another_host(client):
    response = client.get("/sprak/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_request_over_size_limit_is_413(client, make_survey):
    survey = make_survey("psfs")
    response = client.post(f"/s/{survey.public_token}",
                           data={"activities-0-activity": "x" * 400_000})
    assert response.status_code == 413
    assert "for stort" in text_of(response)


def test_a_score_tapped_by_mistake_can_be_taken_back(app, client, make_survey):
    """Issue 18: a PSFS score tapped in a row by mistake could not be emptied again (a
    radio cannot be unticked), so the row counted as started and the form refused it.
    Every row's scale offers «No score», which sends the row's score empty."""
    import sqlalchemy as sa

    from surveys.models import Answer

    survey = make_survey("psfs")
    html = text_of(client.get(f"/s/{survey.public_token}"))
    for row in range(5):
        name = f"activities-{row}-score"
        assert re.search(rf'<input class="ds-input" type="radio" id="f-{name}-none" '
                         rf'name="{name}" value=""', html), row
        assert f'<label class="ds-label" for="f-{name}-none">Ingen poengsum' in html
    posted = respond(client, survey.public_token, {**PSFS_OK, "activities-1-score": ""})
    assert posted.status_code == 303
    with app.app_context():
        stored = database.session().execute(sa.select(Answer.item, Answer.position).where(
            Answer.survey_id == survey.id).order_by(Answer.item)).all()
    assert stored == [("activities.activity", 0), ("activities.score", 0)]
