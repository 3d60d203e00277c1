"""The answers kept between the pages of a survey (`surveys.answer_drafts`, issue 18):
sealed with a key only the browser's session holds, no finer date than a day, gone once
sent, unusable after an hour unused, deleted by the day after, and never opened for
another link or by another browser."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import database
from surveys import answer_drafts
from surveys.answer_drafts import AnswerDraft, seal, unseal
from surveys.models import Layout, LinkMode
from surveys.operations import erase_surveys, issue_single_use_links
from tests.conftest import form_tokens, response_count
from util.dates import today

pytestmark = pytest.mark.both_backends  # a table of its own, written on every page
WISH = "Mer tid til å snakke med de andre kommunene"


def test_a_seal_opens_with_its_key_only():
    key, other = b"k" * 32, b"o" * 32
    sealed = seal(key, "Gå tur med hunden".encode())
    assert unseal(key, sealed) == "Gå tur med hunden".encode()
    assert unseal(other, sealed) is None
    altered = sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:]
    assert unseal(key, altered) is None
    assert unseal(key, b"short") is None
    assert seal(key, b"same") != seal(key, b"same")  # a fresh nonce each time
    assert unseal(key, seal(key, b"")) == b""


def on_page_3(client, token: str) -> str:
    """Answer page 1, go on to page 3, write a wish there and go back to page 2 (which
    keeps it); returns the submission key."""
    url = f"/s/{token}"
    tokens = form_tokens(client.get(url).get_data(as_text=True))
    client.post(url, data={**tokens, "page": "0", "nav": "next", "balanse": "2"})
    client.post(url, data={**tokens, "page": "1", "nav": "next"})
    back = client.post(url, data={**tokens, "page": "2", "nav": "back", "onsker_neste": WISH})
    assert back.headers["Location"] == f"{url}?side=2"
    return tokens["submission_key"]


def drafts(app) -> list[sa.Row]:
    with app.app_context():
        return list(database.session().execute(sa.select(
            AnswerDraft.handle, AnswerDraft.survey_id, AnswerDraft.written_on,
            AnswerDraft.sealed)))


def test_a_draft_holds_nothing_readable_and_no_time(app, client, make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    key = on_page_3(client, survey.public_token)
    (row,) = drafts(app)
    assert set(AnswerDraft.__table__.columns.keys()) == {
        "handle", "survey_id", "written_on", "sealed"}
    assert isinstance(row.written_on, dt.date) and not isinstance(row.written_on, dt.datetime)
    with app.app_context():
        assert row.written_on == today() and row.survey_id == survey.id
    for clear in (WISH, "balanse", key):
        assert clear.encode() not in row.sealed and clear.encode("utf-16-le") not in row.sealed
    cookie = client.get_cookie("session").value
    assert "balanse" not in cookie and "Mer tid" not in cookie
    page3 = client.get(f"/s/{survey.public_token}?side=3").get_data(as_text=True)
    assert WISH in page3


def test_sending_deletes_the_draft(app, client, make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    key = on_page_3(client, survey.public_token)
    csrf = form_tokens(client.get(f"/s/{survey.public_token}").get_data(as_text=True))
    sent = client.post(f"/s/{survey.public_token}", data={
        **csrf, "submission_key": key, "page": "2", "nav": "submit"})
    assert sent.headers["Location"].endswith("/takk")
    assert response_count(app, survey.id) == 1
    assert drafts(app) == []
    again = client.post(f"/s/{survey.public_token}", data={  # a double tap: thanks again
        **csrf, "submission_key": key, "page": "2", "nav": "submit"})
    assert again.headers["Location"].endswith("/takk")
    assert response_count(app, survey.id) == 1 and drafts(app) == []


def test_a_draft_left_an_hour_is_not_opened(app, client, make_survey, monkeypatch):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    on_page_3(client, survey.public_token)
    later = answer_drafts.now() + answer_drafts.KEPT_FOR + 1
    monkeypatch.setattr(answer_drafts, "now", lambda: later)
    page = client.get(f"/s/{survey.public_token}?side=3")
    assert page.headers["Location"] == f"/s/{survey.public_token}"  # a blank first page
    assert "checked" not in client.get(page.headers["Location"]).get_data(as_text=True)


def test_another_browser_or_link_does_not_open_it(app, client, make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION,
                         link_mode=LinkMode.SINGLE_USE)
    with app.app_context():
        first, second = issue_single_use_links(database.session(), survey, 2).tokens()
    on_page_3(client, first)
    assert WISH in client.get(f"/s/{first}?side=3").get_data(as_text=True)
    for other, token in ((client, second), (app.test_client(), first)):
        page = other.get(f"/s/{token}?side=3")
        assert page.headers["Location"] == f"/s/{token}"


def test_old_drafts_are_deleted_by_the_next_draft_and_by_retention(app, client, runner,
                                                                   make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    with app.app_context():
        db = database.session()
        for handle, days in (("two-days-old", 2), ("yesterday", 1)):
            db.add(AnswerDraft(handle=handle, survey_id=survey.id, sealed=b"x" * 48,
                               written_on=today() - dt.timedelta(days=days)))
        db.commit()
    on_page_3(client, survey.public_token)
    assert sorted(row.handle == "yesterday" for row in drafts(app)) == [False, True]
    with app.app_context():
        db = database.session()
        db.execute(sa.update(AnswerDraft).values(written_on=today() - dt.timedelta(days=5)))
        db.commit()
    result = runner.invoke(args=["retention"])
    assert "2 unsent drafts" in result.output
    assert drafts(app) == []


def test_a_survey_takes_its_drafts_with_it(app, client, make_survey):
    survey = make_survey("samling", layout=Layout.PAGE_PER_SECTION)
    on_page_3(client, survey.public_token)
    with app.app_context():
        db = database.session()
        erase_surveys(db, [survey.id])
        db.commit()
    assert drafts(app) == []


def test_the_privacy_page_says_so(client):
    html = client.get("/personvern").get_data(as_text=True)
    assert "tar vi vare på det du har svart mens du går mellom sidene" in html


def test_an_identity_number_is_never_kept(app, client, make_survey):
    """A national identity number must not be stored, so it is refused at once, with the
    page and its error, and not kept between pages either, not even sealed."""
    from tests.conftest import respond

    survey = make_survey("psfs")
    refused = respond(client, survey.public_token, {
        "activities-0-activity": "Ring 010190 12345", "activities-0-score": "5"})
    assert refused.status_code == 422
    assert "fødselsnummer" in refused.get_data(as_text=True)
    assert drafts(app) == []
