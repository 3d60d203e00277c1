"""A survey's results read by language (issue 18): the figures of one language's answers,
counted as the tallies count them, and nothing that two pages would let anyone subtract."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

import database
from questionnaires.item_types import AnswerValue
from surveys.models import Survey
from surveys.operations import submit_response
from tests.conftest import log_in, release_waiting
from tests.test_results import item_block

pytestmark = pytest.mark.both_backends  # answers counted in SQL


def store(app, survey_id: int, language: str, values: dict[str, float | str], n: int):
    with app.app_context():
        db = database.session()
        for _ in range(n):
            answers = [AnswerValue(item, 0, None, value) if isinstance(value, str)
                       else AnswerValue(item, 0, float(value), None)
                       for item, value in values.items()]
            submit_response(db, db.get(Survey, survey_id), None, secrets.token_urlsafe(18),
                            language, answers, dt.date(2026, 11, 2))


@pytest.fixture
def mixed(app, client, make_survey, make_account):
    """Ten answers in bokmål and five in English; `balanse` answered by two in bokmål."""
    survey = make_survey("samling")
    store(app, survey.id, "nb", {"nytte_totalt": 1, "kommentar": "Fint opplegg"}, 8)
    store(app, survey.id, "nb", {"nytte_totalt": 1, "balanse": 2}, 2)
    store(app, survey.id, "en", {"nytte_totalt": 3, "balanse": 4, "kommentar": "Thanks a lot"}, 5)
    release_waiting(app, survey.id)
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    return survey


def page(client, survey, language: str | None = None):
    query = f"?language={language}" if language else ""
    return client.get(f"/admin/surveys/{survey.id}/results{query}")


def test_each_language_has_its_own_figures(client, mixed):
    whole = page(client, mixed).text
    assert "Read the results by the language they were given in:" in whole
    assert '<dt>Mean</dt><dd>1.7 <span class="ci">' in item_block(whole, "nytte_totalt")
    english = page(client, mixed, "en").text
    assert "<dt>Responses</dt><dd>5</dd>" in english
    assert '<dt>Mean</dt><dd>3.0' in item_block(english, "nytte_totalt")
    bokmal = page(client, mixed, "nb").text
    assert "<dt>Responses</dt><dd>10</dd>" in bokmal
    assert '<dt>Mean</dt><dd>1.0' in item_block(bokmal, "nytte_totalt")


def test_an_item_is_held_back_where_the_rest_would_be_a_few(client, mixed):
    """`balanse`: five in English, two in bokmål. Shown whole (7) and in English (5), the
    two bokmål answers would be the difference: the English view holds it back."""
    english = page(client, mixed, "en").text
    assert "<dt>Answers</dt><dd>fewer than 5</dd>" in item_block(english, "balanse")
    assert "<dt>Answers</dt><dd>7</dd>" in item_block(page(client, mixed).text, "balanse")


def test_no_free_text_charts_or_downloads_by_language(client, mixed):
    english = page(client, mixed, "en").text
    assert "Thanks a lot" not in english and "Fint opplegg" not in english
    assert "/results/chart" not in english and "results.csv" not in english
    assert "Thanks a lot" in page(client, mixed).text  # the unit's own lead reads them whole


def test_no_language_view_while_a_language_has_a_few(app, client, make_survey, make_account):
    survey = make_survey("samling")
    store(app, survey.id, "nb", {"nytte_totalt": 1}, 10)
    store(app, survey.id, "en", {"nytte_totalt": 3}, 2)
    release_waiting(app, survey.id)
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    assert "by the language they were given in" not in page(client, survey).text
    for asked in ("en", "nb", "xx", "<script>"):
        refused = page(client, survey, asked)
        assert refused.status_code == 400 and "cannot be shown for that language" in refused.text
