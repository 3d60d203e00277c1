"""A page of an open survey is drawn from a read of the survey at most
`PAGE_LOOKUP_SECONDS` old (`respond.views.recent_linked`); every post reads afresh.

What must hold: within the window the page and the thank-you ask the database nothing; a
survey closed within the window still refuses the answers, and nothing is stored; a survey
that is not open is never kept, so reopening opens it at once; a token that finds nothing is
never kept; once the read is older than the window, the page says what the database says."""

from __future__ import annotations

import pytest

import database
from surveys.models import Survey
from tests.conftest import form_tokens, past_page_reads, response_count, statements_during
from util import app_cache

ANSWERS = {"page": "0", "nav": "submit", "balanse": "2", "nytte_totalt": "1"}


def set_closed(app, survey_id: int, closed: bool) -> None:
    with app.app_context():
        db = database.session()
        db.get(Survey, survey_id).is_closed = closed
        db.commit()


def test_within_the_window_the_pages_ask_the_database_nothing(app, client, make_survey):
    survey = make_survey("samling")
    url = f"/s/{survey.public_token}"
    first, sent = statements_during(app, lambda: client.get(url))
    assert first.status_code == 200 and len(sent) >= 1
    again, sent = statements_during(app, lambda: client.get(url))
    assert again.status_code == 200 and len(sent) == 0
    thanks, sent = statements_during(app, lambda: client.get(f"{url}/takk"))
    assert thanks.status_code == 200 and len(sent) == 0


def test_a_survey_closed_within_the_window_refuses_the_answers(app, client, make_survey,
                                                               monkeypatch):
    survey = make_survey("samling")
    url = f"/s/{survey.public_token}"
    page = client.get(url)
    set_closed(app, survey.id, True)
    # the page drawn from the read before the closing: as if loaded a moment earlier
    assert client.get(url).status_code == 200
    posted = client.post(url, data={**form_tokens(page.get_data(as_text=True)), **ANSWERS})
    assert posted.status_code == 410
    assert "ikke lenger åpen" in posted.get_data(as_text=True)
    assert response_count(app, survey.id) == 0
    past_page_reads(monkeypatch)
    assert client.get(url).status_code == 410


def test_a_survey_not_open_is_never_kept(app, client, make_survey):
    survey = make_survey("samling", is_closed=True)
    url = f"/s/{survey.public_token}"
    assert client.get(url).status_code == 410
    set_closed(app, survey.id, False)
    assert client.get(url).status_code == 200  # reopened: open at once, in the window too


@pytest.mark.parametrize("token", ["x" * 32, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_a_token_that_finds_nothing_is_never_kept(app, client, token):
    for _ in range(2):
        response, sent = statements_during(app, lambda: client.get(f"/s/{token}"))
        assert response.status_code == 410 and len(sent) >= 1
    assert not app.extensions.get("page_lookups")


def test_the_memo_is_bounded(app):
    with app.app_context():
        for n in range(12):
            app_cache.recent("bounded", n, lambda n=n: n + 1, limit=5, seconds=60)
        assert list(app.extensions["bounded"]) == [7, 8, 9, 10, 11]
        assert app_cache.recent("bounded", 11, lambda: "read again", 5, 60) == 12
