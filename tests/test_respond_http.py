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
    if status == 400 or "11" in answers.values() or len(str(answers)) > 1000:
        assert posted.status_code == status  # no page sends these: refused at once
    shown = page_after(client, posted)  # a person's mistake: the page shows it, by its address
    assert shown.status_code == status
    assert message in text_of(shown)
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
    """Each post is answered with a redirect to the page's own address (issue 18), which
    draws the page with what was answered so far: no answer in the page's hidden fields,
    nor in any address."""
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    url = f"/s/{survey.public_token}"
    start = client.get(url)
    assert "Del 1 av 3" in text_of(start)
    base = form_tokens(text_of(start))
    to_page2 = client.post(url, data={**base, "page": "0", "nav": "next", "balanse": "2",
                                      "nytte_totalt": "1"})
    assert (to_page2.status_code, to_page2.headers["Location"]) == (303, f"{url}?side=2")
    page2 = client.get(to_page2.headers["Location"])
    assert page2.headers["Cache-Control"] == to_page2.headers["Cache-Control"] == "no-store"
    html = text_of(page2)
    assert "Del 2 av 3" in html
    assert 'name="balanse"' not in html
    assert form_tokens(html)["submission_key"] == base["submission_key"]
    back = client.post(url, data={**base, "page": "1", "nav": "back", "info_forkant": "3"})
    assert (back.status_code, back.headers["Location"]) == (303, url)
    html = text_of(client.get(url))
    assert "Del 1 av 3" in html
    assert re.search(r'id="f-balanse-2" name="balanse" value="2"\s+checked', html)
    assert 'name="info_forkant"' not in html
    html = text_of(client.get(f"{url}?side=2"))
    assert re.search(r'id="f-info_forkant-3" name="info_forkant" value="3"\s+checked', html)
    done = client.post(url, data={**base, "page": "2", "nav": "submit"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/takk")
    assert response_count(app, survey.id) == 1
    with app.app_context():
        import sqlalchemy as sa

        from surveys.models import Answer
        stored = {item: number for item, number in database.session().execute(
            sa.select(Answer.item, Answer.value_num))}
    assert stored == {"balanse": 2, "nytte_totalt": 1, "info_forkant": 3}
    # Sent: the draft is gone, and the pages' addresses lead to a blank first page.
    later = client.get(f"{url}?side=2")
    assert (later.status_code, later.headers["Location"]) == (303, url)
    assert "checked" not in text_of(client.get(url))


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
    posted = client.post(f"/s/{survey.public_token}", data={
        **form_tokens(text_of(start)), "page": "0", "switch_lang": "nn", **PSFS_OK})
    assert posted.status_code == 303
    assert "lang=nn" in posted.headers["Set-Cookie"]
    switched = page_after(client, posted)
    assert switched.status_code == 200
    assert 'lang="nn"' in text_of(switched)
    assert "Kva er viktig for deg?" in text_of(switched)
    assert 'value="Komme meg hjem"' in text_of(switched)
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


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def page_after(client, response):
    """The page a post leads to: drawn at once, or behind a redirect."""
    if response.status_code in (302, 303):
        return client.get(response.headers["Location"])
    return response


@pytest.mark.parametrize(("slug", "layout", "started", "message", "kept"), [
    ("psfs", Layout.ONE_PAGE, {"activities-0-activity": "Gå i trappen"},  # no score
     ("Fyll ut dette også", "Fyll ut dette òg, eller tøm heile rada."), 'value="Gå i trappen"'),
    ("brukerundersokelse", Layout.PAGE_PER_SECTION, {"resultat_hverdag": "3"},
     ("Svar på dette spørsmålet.", "Svar på dette spørsmålet."),
     'id="f-resultat_hverdag-3" name="resultat_hverdag" value="3"\n             checked'),
])
def test_switching_language_keeps_the_errors(client, make_survey, slug, layout, started,
                                             message, kept):
    """Issue 18: a page with errors drawn again in another language showed no errors, as if
    the answers were fine; now it shows them, in the new language, with the answers."""
    survey = make_survey(slug, layout=layout)
    token = survey.public_token
    errors = page_after(client, respond(client, token, started, nav="next"))
    assert errors.status_code == 422
    assert message[0] in text_of(errors)
    html = text_of(errors)
    form = {**dict(HIDDEN.findall(html)), **form_tokens(html), "switch_lang": "nn", **started}
    switched = page_after(client, client.post(f"/s/{token}", data=form))
    html = text_of(switched)
    assert switched.status_code == 422
    assert '<html lang="nn"' in html
    assert message[1] in html
    assert "ds-error-summary" in html and 'aria-invalid="true"' in html
    assert kept in html


def test_what_no_page_sends_is_refused_at_once_and_kept_nowhere(app, client, make_survey):
    """A choice that is not offered is answered with the page and its error (422) or, in a
    question not shown, a 400 that says so; in neither case is anything kept for the next
    page, so a draft never holds what a person could not have sent."""
    from surveys.answer_drafts import AnswerDraft

    survey = make_survey("brukerundersokelse", layout=Layout.PAGE_PER_SECTION)
    refused = respond(client, survey.public_token, {"resultat_hverdag": "8"}, nav="next")
    assert refused.status_code == 422 and "Velg ett av svaralternativene" in text_of(refused)
    from questionnaires.loader import builtin_definitions
    from tests.test_hostile_input import complete_answer

    with app.app_context():
        complete = dict(complete_answer(builtin_definitions()["brukerundersokelse"]))
    hidden = respond(client, survey.public_token, {**complete, "helper": "bogus"}, nav="next")
    assert hidden.status_code == 400
    assert "et svar som ikke finnes i denne undersøkelsen" in text_of(hidden)
    with app.app_context():
        assert database.session().query(AnswerDraft).count() == 0
