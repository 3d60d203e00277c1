"""Differencing against the staff who run a survey: results are released in batches (issue 15).

The threat: a unit lead who knows who answered just now (she handed over the tablet) reads
every page, chart, download and API answer about her surveys, lets one person answer, and
reads them all again. Whatever changed is that person's answer. So a new response is stored
unreleased and nothing staff can read counts it until at least k (`SURVEY_SMALL_GROUP_MIN`)
unreleased responses of the survey have gathered; then they are released all together.

The world: network N with gathering 1 (an evaluation survey), organisation O with unit A:
a user survey of spring 2025 (baseline) and of spring 2026 (follow-up), a PSFS survey and a
pathway checklist, each with k released responses (PSFS: 2k baselines, k of them followed
up). The reader is the lead of unit A and of network N, who may read every free text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import secrets
import threading

import openpyxl
import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys import api_tokens
from surveys.account_models import Account
from surveys.follow_up_queries import baseline_code
from surveys.models import (
    AnswerTally,
    Gathering,
    Network,
    Organisation,
    Response,
    ResponseSource,
    Survey,
    Unit,
)
from surveys.operations import FollowUpPlan, submit_follow_up, submit_response
from tests.conftest import csrf_of, form_tokens, log_in

pytestmark = pytest.mark.both_backends  # the release is counted and locked in SQL

K = 5
DAY = dt.date(2026, 3, 2)
LEAD = "leder@a.no"


# --- Storing responses as the app does ------------------------------------------------------

def values_of(answers: dict[str, object]) -> list[AnswerValue]:
    """A number is a scale value, text a choice, «vet ikke» or free text."""
    return [AnswerValue(item, 0, None, value) if isinstance(value, str)
            else AnswerValue(item, 0, float(value), None) for item, value in answers.items()]


def user_answers(n: int) -> dict[str, object]:
    return {"resultat_hverdag": 1 + n % 7, "medvirkning_viktig": 1 + (n * 3) % 7,
            "respekt_behandling": 1 + (n * 5) % 7, "who_answered": "alone",
            "comment": f"Fritekst nummer {n}"}


def checklist_answers(n: int) -> dict[str, object]:
    start = DAY - dt.timedelta(days=40 - n)
    steps = {"utskrivningsklar_info": "done",
             "primaerkontakt": "done" if n % 2 else "not_done"}
    return {"forlop_start": start.isoformat(), "forlop_merke": f"F-{n}", **steps}


def store(app, survey_id: int, answers: dict[str, object], *,
          source: ResponseSource = ResponseSource.WEB) -> None:
    with app.app_context():
        db = database.session()
        submit_response(db, db.get(Survey, survey_id), None, secrets.token_urlsafe(18), "nb",
                        values_of(answers), DAY, source=source)


def store_baseline(app, survey_id: int, n: int) -> str:
    """A PSFS baseline with one activity; returns its submission key (to find its code)."""
    key = secrets.token_urlsafe(18)
    with app.app_context():
        db = database.session()
        answers = [AnswerValue("activities.activity", 0, None, f"Aktivitet {n % 2}"),
                   AnswerValue("activities.score", 0, float(n % 8), None)]
        submit_response(db, db.get(Survey, survey_id), None, key, "nb", answers, DAY,
                        follow_up=FollowUpPlan(app.secret_key, DAY + dt.timedelta(weeks=4)))
    return key


def store_follow_up(app, survey_id: int, baseline_key: str, score: int) -> None:
    with app.app_context():
        db = database.session()
        _code, row = baseline_code(db, app.secret_key, survey_id, baseline_key)
        submit_follow_up(db, db.get(Survey, survey_id), row, secrets.token_urlsafe(18), "nb",
                         [AnswerValue("activities.score", 0, float(score), None)],
                         DAY + dt.timedelta(weeks=4))


def add_one_each(app, world: dict, n: int) -> None:
    """One more response to every survey, and one follow-up of a released baseline."""
    store(app, world["before"], user_answers(n))
    store(app, world["after"], user_answers(n + 1))
    store(app, world["samling"], {"nytte_totalt": 1 + n % 5, "onsker_neste": f"Ønske {n}"})
    store(app, world["checklist"], checklist_answers(n))
    store_baseline(app, world["psfs"], n)
    store_follow_up(app, world["psfs"], world["unpaired"].pop(), 9)


def released_and_waiting(app, survey_id: int, follow_ups: bool = False) -> tuple[int, int]:
    with app.app_context():
        rows = dict(database.session().execute(
            sa.select(Response.released, sa.func.count()).where(
                Response.survey_id == survey_id, Response.is_follow_up.is_(follow_ups))
            .group_by(Response.released)).all())
    return rows.get(True, 0), rows.get(False, 0)


# --- The world ------------------------------------------------------------------------------

def _structure(db) -> dict:
    network = Network(name="N")
    unit = Unit(name="A", organisation=Organisation(name="O", kind="kommune", network=network))
    bruker = latest_version(db, "brukerundersokelse")
    surveys = {
        "before": Survey(title="Før", questionnaire=bruker, unit=unit, invited=20,
                         period_label="Vår 2025", phase="baseline"),
        "after": Survey(title="Etter", questionnaire=bruker, unit=unit,
                        period_label="Vår 2026", phase="follow_up"),
        "psfs": Survey(title="Viktig", questionnaire=latest_version(db, "psfs"), unit=unit),
        "checklist": Survey(title="Forløp", questionnaire=latest_version(db, "sjekkliste"),
                            unit=unit),
        "samling": Survey(title="Samling 1", questionnaire=latest_version(db, "samling"),
                          gathering=Gathering(network=network, number=1), invited=12)}
    db.add_all(surveys.values())
    db.commit()
    return {**{key: s.id for key, s in surveys.items()}, "N": network.id, "A": unit.id,
            "O": unit.organisation_id}


@pytest.fixture
def world(app, make_account, keep_world) -> dict:
    return keep_world("test_anonymity_batches.world", lambda: build_world(app, make_account))


def build_world(app, make_account) -> dict:
    with app.app_context():
        ids = _structure(database.session())
    for n in range(K):
        store(app, ids["before"], user_answers(n))
        store(app, ids["after"], user_answers(n + 1))
        store(app, ids["samling"], {"nytte_totalt": 1 + n % 5, "onsker_neste": f"Ønske {n}"})
        store(app, ids["checklist"], checklist_answers(n))
    keys = [store_baseline(app, ids["psfs"], n) for n in range(2 * K)]
    for n, key in enumerate(keys[:K]):
        store_follow_up(app, ids["psfs"], key, 2 + n)
    ids["unpaired"] = keys[K:]  # released baselines without a follow-up yet
    make_account(LEAD, units=(ids["A"],), networks=(ids["N"],))
    with app.app_context():
        db = database.session()
        account = db.scalars(sa.select(Account).filter_by(email=LEAD)).one()
        ids["token"] = api_tokens.create_token(db, account, "Power BI", DAY).secret
    return ids


# --- What the reader can see ----------------------------------------------------------------

def urls(w: dict) -> list[str]:
    """Every staff page, chart and download that shows these surveys' figures or rows."""
    s = "/admin/surveys"
    each = [w[key] for key in ("before", "after", "psfs", "checklist", "samling")]
    org = (f"/admin/organisations/{w['O']}/compare?questionnaire=brukerundersokelse"
           "&first=Vår 2025&second=Vår 2026")
    return [
        "/admin/", s, f"/admin/units/{w['A']}",
        *(f"{s}/{i}{path}" for i in each for path in (
            "", "/results", "/results.csv", "/results.xlsx", "/export.csv", "/export.xlsx",
            "/responses.fhir.json", "/responses/delete")),
        f"{s}/{w['before']}/results/chart?item=resultat_hverdag",
        f"{s}/{w['before']}/compare?with={w['after']}",
        f"{s}/{w['before']}/compare.csv?with={w['after']}",
        f"{s}/{w['before']}/compare/chart?with={w['after']}",
        org, org.replace("/compare?", "/compare.csv?"),
        org.replace("/compare?", "/compare/chart?"),
        f"/admin/networks/{w['N']}/overview?questionnaire=brukerundersokelse",
        f"/admin/networks/{w['N']}/overview.xlsx?questionnaire=brukerundersokelse",
        f"/admin/networks/{w['N']}/evaluations", f"/admin/networks/{w['N']}/evaluations.csv",
        f"/admin/networks/{w['N']}/checklists",
        f"{s}/{w['psfs']}/change", f"{s}/{w['psfs']}/change/chart?name=slope",
        f"{s}/{w['psfs']}/change/chart?name=distribution",
        f"{s}/{w['psfs']}/pairs.csv", f"{s}/{w['psfs']}/pairs.xlsx",
        f"{s}/{w['checklist']}/checklist", f"{s}/{w['checklist']}/checklist/run-chart.svg",
        f"{s}/{w['checklist']}/checklist/p-chart.svg",
        f"{s}/{w['checklist']}/checklist/series.csv",
        f"{s}/{w['checklist']}/checklist/series.xlsx",
    ]


def api_paths(w: dict) -> list[str]:
    return ["/surveys", f"/units/{w['A']}", f"/networks/{w['N']}/gatherings",
            f"/surveys/{w['before']}/comparison?with={w['after']}", f"/surveys/{w['psfs']}/change",
            *(f"/surveys/{w[key]}/results" for key in ("before", "after", "psfs", "samling"))]


WAITING = re.compile(r"<p [^>]*data-waiting[^>]*>.*?</p>", re.S)
CSRF = re.compile(r'(name="csrf_token"(?: type="hidden")? value=")[^"]+"')


def normalised(response) -> object:
    """What the reader sees, without what differs between two identical views: the CSRF
    token, and the line that says how many responses wait (it is meant to change)."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
                for sheet in book.worksheets}
    text = response.get_data(as_text=True)
    return CSRF.sub(r"\1…", WAITING.sub("", text))


def capture(client, w: dict) -> dict[str, object]:
    seen = {}
    for url in urls(w):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen[url] = normalised(response)
    for path in api_paths(w):
        response = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {w['token']}"})
        assert response.status_code == 200, (path, response.status_code)
        seen[f"api {path}"] = json.dumps(response.get_json(), sort_keys=True)
    return seen


def test_one_new_answer_changes_nothing_staff_can_read_and_k_do(app, client, world):
    client.set_cookie("lang", "en")
    log_in(client, LEAD)
    before = capture(client, world)
    add_one_each(app, world, 100)
    after_one = capture(client, world)
    assert [url for url in before if after_one[url] != before[url]] == []
    for n in range(101, 100 + K):
        add_one_each(app, world, n)
    after_k = capture(client, world)
    unchanged = [url for url in before if after_k[url] == before[url]]
    # Pages that hold no figure of their own stay as they were, as do the gathering's free
    # texts, whose order is alphabetical; everything else shows the new batch.
    assert unchanged == [], unchanged


def test_the_page_says_how_many_wait(app, client, world):
    add_one_each(app, world, 100)
    add_one_each(app, world, 101)
    add_one_each(app, world, 102)
    log_in(client, LEAD)
    for lang, words in (("nb", "3 svar venter til det er minst 5"),
                        ("nn", "3 svar ventar til det er minst 5"),
                        ("en", "3 responses are waiting until there are at least 5")):
        client.set_cookie("lang", lang)
        for path in ("", "/results"):
            html = client.get(f"/admin/surveys/{world['before']}{path}").get_data(as_text=True)
            assert words in html, (lang, path)


# --- The release itself ---------------------------------------------------------------------

def test_responses_are_released_together_at_exactly_k(app, make_survey):
    survey = make_survey("brukerundersokelse")
    for n in range(K - 1):
        store(app, survey.id, user_answers(n))
        assert released_and_waiting(app, survey.id) == (0, n + 1)
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(AnswerTally)
                                         .where(AnswerTally.survey_id == survey.id)) == 0
    store(app, survey.id, user_answers(K))
    assert released_and_waiting(app, survey.id) == (K, 0)
    for n in range(K - 1):
        store(app, survey.id, user_answers(n))
    assert released_and_waiting(app, survey.id) == (K, K - 1)


def test_the_remainder_stays_unreleased_after_the_survey_closes(app, client, make_survey,
                                                                 make_account):
    survey = make_survey("brukerundersokelse")
    for n in range(K + 2):
        store(app, survey.id, user_answers(n))
    make_account(LEAD, units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, LEAD)
    page = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    closed = client.post(f"/admin/surveys/{survey.id}/close", data={"csrf_token": csrf_of(page)})
    assert closed.status_code == 303
    assert released_and_waiting(app, survey.id) == (K, 2)
    html = client.get(f"/admin/surveys/{survey.id}/results").get_data(as_text=True)
    assert "<dt>Responses</dt><dd>5</dd>" in html
    assert "2 responses are waiting until there are at least 5" in html


def paper_form(client, survey_id: int, n: int):
    page = client.get(f"/admin/surveys/{survey_id}/paper-entry?lang=nb").get_data(as_text=True)
    return client.post(f"/admin/surveys/{survey_id}/paper-entry", data={
        **form_tokens(page), "nav": "submit", "paper-language": "nb",
        "activities-0-activity": "Komme meg hjem", "activities-0-score": str(n % 11)})


def test_paper_entries_follow_the_same_rule(app, client, make_survey, make_account):
    survey = make_survey("psfs")
    make_account(LEAD, units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, LEAD)
    for n in range(K - 1):
        assert paper_form(client, survey.id, n).status_code == 303
    assert released_and_waiting(app, survey.id) == (0, K - 1)
    html = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "4 responses are waiting until there are at least 5" in html
    assert paper_form(client, survey.id, K).status_code == 303
    assert released_and_waiting(app, survey.id) == (K, 0)
    assert "<dt>Responses</dt><dd>5</dd>" in client.get(
        f"/admin/surveys/{survey.id}/results").get_data(as_text=True)


def test_follow_ups_are_released_k_at_a_time_and_only_with_their_baselines(app, make_survey):
    """A pair counts when both halves are released, and pairs then come k at a time: a
    follow-up waits for its baseline's release as well as for k − 1 others."""
    survey = make_survey("psfs")
    keys = [store_baseline(app, survey.id, n) for n in range(K + 2)]  # 5 released, 2 wait
    for n, key in enumerate(keys):
        store_follow_up(app, survey.id, key, n)
    # 7 follow-ups, but only the 5 whose baselines are released could go; they did.
    assert released_and_waiting(app, survey.id, follow_ups=True) == (K, 2)
    for n in range(K - 3):
        store_baseline(app, survey.id, 10 + n)  # 2 + 3 = 5 baselines: released
    assert released_and_waiting(app, survey.id) == (K, K - 1)
    store_baseline(app, survey.id, 20)
    assert released_and_waiting(app, survey.id) == (2 * K, 0)
    # The two follow-ups now have released baselines, but two are fewer than k: they wait.
    assert released_and_waiting(app, survey.id, follow_ups=True) == (K, 2)


def test_rows_are_exported_only_from_k_released_responses(app, client, make_survey,
                                                          make_account):
    survey = make_survey("brukerundersokelse")
    for n in range(K - 1):
        store(app, survey.id, user_answers(n))
    make_account(LEAD, units=(survey.unit_id,))
    log_in(client, LEAD)
    for lang, words in (("nb", "minst 5"), ("en", "at least 5")):
        client.set_cookie("lang", lang)
        for path in ("export.csv", "export.xlsx", "responses.fhir.json"):
            refused = client.get(f"/admin/surveys/{survey.id}/{path}")
            assert refused.status_code == 409, (path, refused.status_code)
            assert words in refused.get_data(as_text=True)
    store(app, survey.id, user_answers(K))
    client.set_cookie("lang", "en")
    rows = client.get(f"/admin/surveys/{survey.id}/export.csv").get_data(as_text=True)
    assert len(rows.strip().splitlines()) == 1 + K
    for n in range(K - 1):
        store(app, survey.id, user_answers(10 + n))
    again = client.get(f"/admin/surveys/{survey.id}/export.csv").get_data(as_text=True)
    assert again == rows and "Fritekst nummer 10" not in again


def test_deleting_responses_deletes_the_waiting_ones_too(app, client, make_survey,
                                                          make_account):
    survey = make_survey("brukerundersokelse")
    for n in range(K + 3):
        store(app, survey.id, user_answers(n))
    make_account(LEAD, units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, LEAD)
    page = client.get(f"/admin/surveys/{survey.id}/responses/delete").get_data(as_text=True)
    assert "3 responses are waiting until there are at least 5" in page
    deleted = client.post(f"/admin/surveys/{survey.id}/responses/delete",
                          data={"csrf_token": csrf_of(page), "confirm": "y"})
    assert deleted.status_code == 303
    assert released_and_waiting(app, survey.id) == (0, 0)


def test_deleting_a_unit_says_the_waiting_responses_go_too(app, client, make_survey,
                                                         make_account):
    """The unit's delete page counts released responses (pooled, never 1 to 4), and says,
    without a number, that the waiting ones are deleted with them."""
    survey = make_survey("brukerundersokelse")
    for n in range(K + 3):
        store(app, survey.id, user_answers(n))
    with app.app_context():  # a unit is deleted by its network's lead
        found = database.session().get(Survey, survey.id)
        network_id = found.unit.organisation.memberships[0].network_id
    make_account("nett@ks.no", networks=(network_id,))
    client.set_cookie("lang", "en")
    log_in(client, "nett@ks.no")
    url = f"/admin/units/{survey.unit_id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "5 responses, with all their answers" in page
    assert "8 responses" not in page and "3 responses" not in page
    assert "the responses still waiting to be released" in page
    for n in range(K - 3):  # a second batch: ten released, none waiting
        store(app, survey.id, user_answers(n))
    page = client.get(url).get_data(as_text=True)
    assert "10 responses, with all their answers" in page
    assert "the responses still waiting to be released" not in page


# --- Two submissions at once ----------------------------------------------------------------

def test_two_submissions_at_once_cannot_both_miss_the_batch(app, make_survey):
    """K − 2 wait; two submissions store their rows, both before either looks at the count
    (a barrier after the answers' INSERT). Without the survey's row locked, each would see
    K − 1 and release nothing, leaving K unreleased (tried: (0, 5)); with `FOR UPDATE`
    instead of `FOR NO KEY UPDATE` the two deadlock (tried: PostgreSQL reports it)."""
    if app.extensions["db_engine"].dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; the race is PostgreSQL's")
    survey = make_survey("brukerundersokelse")
    for n in range(K - 2):
        store(app, survey.id, user_answers(n))
    engine, barrier = app.extensions["db_engine"], threading.Barrier(2, timeout=10)

    def after_insert(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ANSWERS"):
            # a broken barrier: the other thread waits on a lock, serialised as it should be
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            store(app, survey.id, user_answers(n))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    sa.event.listen(engine, "after_cursor_execute", after_insert)
    try:
        threads = [threading.Thread(target=submit, args=(n,)) for n in (10, 11)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        sa.event.remove(engine, "after_cursor_execute", after_insert)
    assert errors == []
    assert released_and_waiting(app, survey.id) == (K, 0)


def test_a_teams_status_form_is_released_as_it_comes(app, make_survey):
    """The improvement areas' form is a team's report on its own work, shown team by team
    on the network overview by design; a unit has a few teams, never k (surveys.batches)."""
    survey = make_survey("oppfolging")
    store(app, survey.id, {"hva_er_viktig": "startet"})
    assert released_and_waiting(app, survey.id) == (1, 0)
