"""A row's date, language or source must not point to one person (issue 15).

The threat: a unit lead knows the day she handed the tablet to one person, that he answered
in English, or that he was the one who filled in a paper form. Batches keep one answer from
moving any page (tests/test_anonymity_batches.py), but a row-level download whose rows carry
the day each was given would still single out that person's row, free text included,
whenever nobody else answered that day; so would a language or a source that fewer than k
rows have, and a list of free texts in the order they were given. So a row carries the day
its batch was released, shared by at least k rows; the language and source columns are left
empty in a download where any language or source has 1 to k − 1 rows; and free texts are
listed in alphabetical order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets

import pytest

import database
from questionnaires.item_types import AnswerValue
from surveys.follow_up_queries import baseline_code
from surveys.models import ResponseSource, Survey
from surveys.operations import FollowUpPlan, submit_follow_up, submit_response
from tests.conftest import log_in
from tests.test_anonymity_batches import LEAD, K, user_answers, values_of

pytestmark = pytest.mark.both_backends  # the release day is written in SQL

FIRST = dt.date(2026, 3, 2)
DAYS = [FIRST + dt.timedelta(days=n) for n in range(K)]  # one answer a day


def store_on(app, survey_id: int, answers: list[AnswerValue], day: dt.date = FIRST, *,
             plan: FollowUpPlan | None = None, lang: str = "nb",
             source: ResponseSource = ResponseSource.WEB) -> str:
    key = secrets.token_urlsafe(18)
    with app.app_context():
        db = database.session()
        submit_response(db, db.get(Survey, survey_id), None, key, lang, answers, day,
                        follow_up=plan, source=source)
    return key


def follow_up_on(app, survey_id: int, baseline_key: str, day: dt.date) -> None:
    with app.app_context():
        db = database.session()
        _code, row = baseline_code(db, app.secret_key, survey_id, baseline_key)
        submit_follow_up(db, db.get(Survey, survey_id), row, secrets.token_urlsafe(18), "nb",
                         [AnswerValue("activities.score", 0, 8.0, None)], day)


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";"))


@pytest.fixture
def lead(client, make_account):
    def sign_in(survey: Survey) -> None:
        make_account(LEAD, units=(survey.unit_id,))
        client.set_cookie("lang", "en")
        log_in(client, LEAD)
    return sign_in


def test_export_rows_carry_the_day_their_batch_was_released(app, client, make_survey, lead):
    survey = make_survey("brukerundersokelse")
    for n, day in enumerate(DAYS):
        store_on(app, survey.id, values_of(user_answers(n)), day)
    lead(survey)
    rows = csv_rows(client, f"/admin/surveys/{survey.id}/export.csv")
    assert [row["date"] for row in rows] == [DAYS[-1].isoformat()] * K
    bundle = client.get(f"/admin/surveys/{survey.id}/responses.fhir.json").get_json()
    authored = {entry["resource"]["authored"] for entry in bundle["entry"]}
    assert authored == {DAYS[-1].isoformat()}


def test_pairs_carry_the_days_their_halves_were_released(app, client, make_survey, lead):
    survey = make_survey("psfs")
    plan = FollowUpPlan(app.secret_key, FIRST + dt.timedelta(weeks=4))
    keys = [store_on(app, survey.id, [AnswerValue("activities.activity", 0, None, "Gå tur"),
                                      AnswerValue("activities.score", 0, 3.0, None)],
                     day, plan=plan) for day in DAYS]
    later = [day + dt.timedelta(weeks=5) for day in DAYS]
    for key, day in zip(keys, later, strict=True):
        follow_up_on(app, survey.id, key, day)
    lead(survey)
    rows = csv_rows(client, f"/admin/surveys/{survey.id}/pairs.csv")
    assert len(rows) == K
    assert {row["baseline_date"] for row in rows} == {DAYS[-1].isoformat()}
    assert {row["follow_up_date"] for row in rows} == {later[-1].isoformat()}


def test_free_texts_are_listed_in_alphabetical_order_not_the_order_given(app, client,
                                                                         make_survey, lead):
    survey = make_survey("brukerundersokelse")
    words = ["Epler", "Dadler", "Citron", "Bær", "Appelsin"]  # given in reverse order
    for n, (day, word) in enumerate(zip(DAYS, words, strict=True)):
        store_on(app, survey.id, values_of({**user_answers(n), "comment": word}), day)
    lead(survey)
    page = client.get(f"/admin/surveys/{survey.id}/results").get_data(as_text=True)
    places = [page.index(word) for word in sorted(words)]
    assert places == sorted(places)


def test_a_language_or_source_of_fewer_than_k_rows_is_not_shown(app, client, make_survey,
                                                                  lead):
    survey = make_survey("brukerundersokelse")
    for n in range(K - 1):
        store_on(app, survey.id, values_of(user_answers(n)))
    store_on(app, survey.id, values_of(user_answers(9)), lang="en",
             source=ResponseSource.PAPER)  # the one in English, on paper
    lead(survey)
    rows = csv_rows(client, f"/admin/surveys/{survey.id}/export.csv")
    assert len(rows) == K
    assert {(row["language"], row["source"]) for row in rows} == {("", "")}
    bundle = client.get(f"/admin/surveys/{survey.id}/responses.fhir.json").get_json()
    resources = [entry["resource"] for entry in bundle["entry"]]
    assert not any("language" in r for r in resources)
    assert not any("response-source" in e["url"] for r in resources
                   for e in r.get("extension", []))
    for n in range(K):  # now 5 in bokmål and 5 in English, one of all on paper:
        store_on(app, survey.id, values_of(user_answers(n)), lang="en" if n else "nb")
    rows = csv_rows(client, f"/admin/surveys/{survey.id}/export.csv")
    assert sorted(row["language"] for row in rows) == ["en"] * K + ["nb"] * K
    assert {row["source"] for row in rows} == {""}  # the one on paper stays hidden
