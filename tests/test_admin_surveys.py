"""Staff survey pages: create, list, close, hand out, paper answers, export and delete.

Requests run in English (the `lang` cookie) so the assertions stay right whatever the
nb/nn catalogues say.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys.account_models import AuditEntry
from surveys.models import (
    Answer,
    Gathering,
    LinkMode,
    Response,
    ResponseSource,
    SingleUseLink,
    Survey,
    Unit,
    link_digest,
)
from surveys.operations import issue_single_use_links, submit_response
from tests.conftest import csrf_of, log_in, release_waiting, respond, response_count

PSFS_OK = {"activities-0-activity": "Komme meg hjem", "activities-0-score": "5"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def surveys_in(app) -> list[Survey]:
    with app.app_context():
        return list(database.session().scalars(sa.select(Survey).order_by(Survey.id)))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(database.session().scalars(sa.select(AuditEntry.action)))


def version_id(app, slug: str = "psfs") -> int:
    with app.app_context():
        return latest_version(database.session(), slug).id


def add_gathering(app, unit_id: int, number: int = 1) -> int:
    """A gathering of the network the unit belongs to."""
    with app.app_context():
        db = database.session()
        unit = db.get(Unit, unit_id)
        gathering = Gathering(network_id=unit.organisation.memberships[0].network_id, number=number)
        db.add(gathering)
        db.commit()
        return gathering.id


def network_of(app, unit_id: int) -> int:
    with app.app_context():
        return database.session().get(Unit, unit_id).organisation.memberships[0].network_id


def store(app, survey: Survey, answers: list[AnswerValue], key: str,
          source: ResponseSource = ResponseSource.WEB, day: dt.date = dt.date(2026, 3, 1)):
    with app.app_context():
        db = database.session()
        submit_response(db, db.get(Survey, survey.id), None, key, "nb", answers, day,
                        source=source)


K = 5  # SURVEY_SMALL_GROUP_MIN: responses are released, and exported, k at a time


def filler(app, survey: Survey, how_many: int, answers: list[AnswerValue] | None = None,
           day: dt.date = dt.date(2026, 3, 20)) -> None:
    """`how_many` more responses, on a day after the test's own, so that a batch of k is
    released (on that day, which the export shows for every row of the batch)."""
    for n in range(how_many):
        store(app, survey, answers or [AnswerValue("activities.activity", 0, None, "Gå"),
                                       AnswerValue("activities.score", 0, 3.0, None)],
              f"filler-{n}", day=day)


@pytest.fixture
def lead(client, make_survey, make_account):
    """A unit lead logged in (in English), with a survey of her unit."""
    survey = make_survey("psfs", title="Brukerundersøkelse hjemmesykepleien",
                         period_label="Nullpunktsmåling 2026", phase="baseline")
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    assert log_in(client, "enhet@kommune.no").status_code == 303
    return survey


def token_of(client, path: str = "/admin/surveys") -> str:
    return csrf_of(text_of(client.get(path)))


def create_form(app, survey: Survey, **changes) -> dict:
    data = {"questionnaire_version": str(version_id(app)), "unit": str(survey.unit_id),
            "gathering": "", "title": "Brukerundersøkelse 2026", "period_label": "Våren 2026",
            "phase": "follow_up", "opens_on": "2026-03-01", "closes_on": "2026-03-31",
            "invited": "40", "layout": "sections", "link_mode": "open", "link_count": ""}
    data.update(changes)
    return data


# --- Creating -------------------------------------------------------------------------------

def test_create_survey(app, client, lead):
    page = client.get("/admin/surveys/new")
    assert page.status_code == 200
    assert "«What matters to you?», version 2" in text_of(page)
    data = {"csrf_token": csrf_of(text_of(page)), **create_form(app, lead)}
    created = client.post("/admin/surveys/new", data=data)
    assert created.status_code == 303
    new = surveys_in(app)[-1]
    assert created.headers["Location"].endswith(f"/admin/surveys/{new.id}")
    assert (new.title, new.unit_id, new.gathering_id) == ("Brukerundersøkelse 2026",
                                                          lead.unit_id, None)
    assert (new.period_label, new.phase, new.invited) == ("Våren 2026", "follow_up", 40)
    assert (new.opens_on, new.closes_on) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (new.layout, new.link_mode) == ("sections", "open")
    assert "survey.create" in audit_actions(app)


def test_create_survey_with_single_use_links(app, client, lead):
    data = {"csrf_token": token_of(client),
            **create_form(app, lead, link_mode="single_use", link_count="7", phase="none",
                          opens_on="", closes_on="", invited="")}
    issued = client.post("/admin/surveys/new", data=data)
    assert issued.status_code == 303  # to the links, shown this once
    assert text_of(client.get(issued.headers["Location"])).count("http://localhost/s/") == 7
    new = surveys_in(app)[-1]
    assert new.link_mode == "single_use" and new.phase is None and new.invited is None
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(
            SingleUseLink).filter_by(survey_id=new.id)) == 7


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "Fill this in."),
    ({"title": "   "}, "Fill this in."),
    ({"title": "x" * 201}, "Write at most 200 characters."),
    ({"period_label": "x" * 101}, "Write at most 100 characters."),
    ({"opens_on": "2026-04-01", "closes_on": "2026-03-31"},
     "The closing date must be on or after the opening date."),
    ({"opens_on": "2026-13-01"}, "Write a date such as 2026-03-01."),
    ({"invited": "-1"}, "Write a whole number from 0 to 1000000."),
    ({"invited": "ten"}, "Write a whole number."),
    ({"link_mode": "single_use", "link_count": "0"}, "Write a whole number from 1 to 5000."),
    ({"link_mode": "single_use", "link_count": "5001"}, "Write a whole number from 1 to 5000."),
    ({"link_mode": "single_use", "link_count": ""}, "Write how many single-use links you need."),
    ({"link_mode": "many"}, "Choose one of the options shown."),
    ({"layout": "three_pages"}, "Choose one of the options shown."),
    ({"phase": "later"}, "Choose one of the options shown."),
    ({"questionnaire_version": ""}, "Choose a questionnaire."),
    ({"questionnaire_version": "999999"}, "Choose one of the options shown."),
    ({"unit": ""}, "Choose a unit or a gathering."),
    ({"unit": "abc"}, "Choose one of the options shown."),
])
def test_bad_survey_input_is_refused(app, client, lead, changes, message):
    before = len(surveys_in(app))
    data = {"csrf_token": token_of(client), **create_form(app, lead, **changes)}
    response = client.post("/admin/surveys/new", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'class="ds-error-summary"' in text_of(response)
    assert len(surveys_in(app)) == before
    assert "survey.create" not in audit_actions(app)


def test_unit_out_of_scope_is_refused(app, client, lead, make_survey):
    other = make_survey("psfs")
    data = {"csrf_token": token_of(client), **create_form(app, lead, unit=str(other.unit_id))}
    response = client.post("/admin/surveys/new", data=data)
    assert response.status_code == 422
    assert "Choose one of the options shown." in text_of(response)
    assert len(surveys_in(app)) == 2
    units = re.search(r'<select[^>]*name="unit".*?</select>',
                      text_of(client.get("/admin/surveys/new")), re.S).group(0)
    assert f'value="{lead.unit_id}"' in units and f'value="{other.unit_id}"' not in units


def test_network_lead_chooses_a_unit_or_a_gathering_not_both(app, client, make_survey,
                                                             make_account):
    survey = make_survey("samling")
    gathering_id = add_gathering(app, survey.unit_id, number=2)
    make_account("nett@ks.no", networks=(network_of(app, survey.unit_id),))
    client.set_cookie("lang", "en")
    log_in(client, "nett@ks.no")
    assert "Gathering 2, Testnettverk 1" in text_of(client.get("/admin/surveys/new"))
    both = create_form(app, survey, gathering=str(gathering_id),
                       questionnaire_version=str(version_id(app, "samling")))
    response = client.post("/admin/surveys/new", data={"csrf_token": token_of(client), **both})
    assert response.status_code == 422
    assert "Choose a unit or a gathering, not both." in text_of(response)
    assert len(surveys_in(app)) == 1
    gathering_only = {**both, "unit": ""}
    created = client.post("/admin/surveys/new",
                          data={"csrf_token": token_of(client), **gathering_only})
    assert created.status_code == 303
    assert surveys_in(app)[-1].gathering_id == gathering_id
    listing = text_of(client.get("/admin/surveys"))
    assert "Gathering 2, Testnettverk 1" in listing


# --- Listing, the survey page, closing ------------------------------------------------------

def test_list_shows_status_and_live_counts(app, client, lead, make_survey, make_account):
    with app.app_context():
        db = database.session()
        unit = db.get(Unit, lead.unit_id)
        closed = Survey(title="Lukket undersøkelse", questionnaire_version_id=version_id(app),
                        unit_id=unit.id, is_closed=True)
        draft = Survey(title="Kommende undersøkelse", questionnaire_version_id=version_id(app),
                       unit_id=unit.id, opens_on=dt.date(2999, 1, 1))
        db.add_all([closed, draft])
        db.commit()
    for _ in range(2):
        assert respond(client, lead.public_token, PSFS_OK).status_code == 303
    # Released as a survey answered before the batches was (its responses were migrated
    # released): a count of 1 to 4 that the list must hide.
    release_waiting(app, lead.id)
    other = make_survey("psfs", title="Annen enhet sin undersøkelse")
    html = text_of(client.get("/admin/surveys"))
    rows = {m.group(1): m.group(0) for m in re.finditer(
        r"<tr>\s*<th scope=\"row\"><a[^>]*>([^<]+)</a>.*?</tr>", html, re.S)}
    assert set(rows) == {"Brukerundersøkelse hjemmesykepleien", "Lukket undersøkelse",
                         "Kommende undersøkelse"}
    assert other.title not in html
    mine = rows["Brukerundersøkelse hjemmesykepleien"]
    # Two responses: the list says «fewer than 5», never the number (issue 15).
    assert 'data-status="open"' in mine and 'class="num">fewer than 5<' in mine
    assert "«What matters to you?» (version 2)" in mine
    assert "Testenhet (Testkommune)" in mine and "Nullpunktsmåling 2026, Baseline" in mine
    assert 'data-status="closed"' in rows["Lukket undersøkelse"]
    assert re.search(r'class="num">0<', rows["Lukket undersøkelse"])
    assert 'data-status="draft"' in rows["Kommende undersøkelse"]


def test_close_and_reopen(app, client, lead):
    page = client.get(f"/admin/surveys/{lead.id}")
    assert page.status_code == 200
    assert 'readonly' in text_of(page) and lead.public_token in text_of(page)
    assert '<label class="ds-label" for="public-link">' in text_of(page)
    token = csrf_of(text_of(page))
    closed = client.post(f"/admin/surveys/{lead.id}/close", data={"csrf_token": token})
    assert closed.status_code == 303
    assert surveys_in(app)[0].is_closed
    assert client.get(f"/s/{lead.public_token}").status_code == 410
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert 'data-status="closed"' in page and "Reopen the survey" in page
    reopened = client.post(f"/admin/surveys/{lead.id}/reopen", data={"csrf_token": token})
    assert reopened.status_code == 303
    assert not surveys_in(app)[0].is_closed
    assert client.get(f"/s/{lead.public_token}").status_code == 200
    assert {"survey.close", "survey.reopen"} <= set(audit_actions(app))


def test_reopen_after_closing_date_removes_the_date(app, client, make_survey, make_account):
    survey = make_survey("psfs", opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2020, 1, 31))
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    response = client.post(f"/admin/surveys/{survey.id}/reopen",
                           data={"csrf_token": token_of(client)})
    assert response.status_code == 303
    assert surveys_in(app)[0].closes_on is None
    assert "closing date had passed" in text_of(client.get(response.headers["Location"]))


def test_more_single_use_links(app, client, lead, make_survey):
    with app.app_context():
        db = database.session()
        db.get(Survey, lead.id).link_mode = LinkMode.SINGLE_USE
        db.commit()
    token = token_of(client)
    bad = client.post(f"/admin/surveys/{lead.id}/links", data={"csrf_token": token,
                                                               "count": "5001"})
    assert bad.status_code == 422
    assert "Write a whole number from 1 to 5000." in text_of(bad)
    good = client.post(f"/admin/surveys/{lead.id}/links", data={"csrf_token": token,
                                                                "count": "3"})
    assert good.status_code == 303
    assert text_of(client.get(good.headers["Location"])).count("http://localhost/s/") == 3
    assert "3 single-use links issued, 0 used." in text_of(client.get(
        f"/admin/surveys/{lead.id}"))


# --- Handing out ----------------------------------------------------------------------------

def test_qr_codes(client, lead):
    svg = client.get(f"/admin/surveys/{lead.id}/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in svg.data and b"<path" in svg.data and len(svg.data) > 1000
    png = client.get(f"/admin/surveys/{lead.id}/qr.png")
    assert png.status_code == 200
    assert png.headers["Content-Type"] == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png.data[16:20], "big")
    assert width >= 600  # big enough to print


@pytest.mark.parametrize(("lang", "title", "instruction"), [
    ("nb", "«Hva er viktig for deg?»", 'lang="nb"'),
    ("nn", "«Kva er viktig for deg?»", 'lang="nn"'),
    ("en", "«What matters to you?»", "Open the camera on your phone"),
])
def test_poster_in_each_language(client, lead, lang, title, instruction):
    response = client.get(f"/admin/surveys/{lead.id}/poster?lang={lang}")
    assert response.status_code == 200
    html = text_of(response)
    assert f'<html lang="{lang}"' in html
    assert title in html and instruction in html
    assert f'src="/admin/surveys/{lead.id}/qr.svg"' in html
    assert f"http://localhost/s/{lead.public_token}" in html


def test_print_language_is_validated(client, lead):
    for path in ("poster", "paper", "paper-entry"):
        assert client.get(f"/admin/surveys/{lead.id}/{path}?lang=de").status_code == 400


@pytest.mark.parametrize(("lang", "texts"), [
    ("nb", ["«Hva er viktig for deg?»", "Aktivitet 5", "Kan ikke utføre aktiviteten"]),
    ("nn", ["«Kva er viktig for deg?»", "Aktivitet 5", "Kan ikkje utføre aktiviteten"]),
    ("en", ["«What matters to you?»", "Activity 5", "Cannot do the activity",
            "Your answer is anonymous"]),
])
def test_paper_version_in_each_language(client, lead, lang, texts):
    response = client.get(f"/admin/surveys/{lead.id}/paper?lang={lang}")
    assert response.status_code == 200
    html = text_of(response)
    assert f'<html lang="{lang}"' in html
    for text in [*texts, lead.title, "Testenhet (Testkommune)", "Nullpunktsmåling 2026"]:
        assert text in html, text
    assert html.count('class="box"') >= 5 * 11  # a box per scale step in each of 5 rows
    assert html.count('class="write-lines"') == 5


def test_paper_version_of_every_builtin_questionnaire(client, lead, make_survey, app):
    with app.app_context():
        db = database.session()
        for slug in ("brukerundersokelse", "parorende", "samling", "sjekkliste", "samhandling",
                     "oppfolging"):
            db.add(Survey(title=f"Papir {slug}", questionnaire_version_id=version_id(app, slug),
                          unit_id=lead.unit_id))
        db.commit()
    for survey in surveys_in(app)[1:]:
        response = client.get(f"/admin/surveys/{survey.id}/paper?lang=en")
        assert response.status_code == 200, survey.title
        assert 'class="box"' in text_of(response)


def test_single_use_links_as_csv_and_slips(app, client, lead):
    data = {"csrf_token": token_of(client),
            **create_form(app, lead, link_mode="single_use", link_count="12")}
    issued = text_of(client.post("/admin/surveys/new", data=data, follow_redirects=True))
    new = surveys_in(app)[-1]
    for path in ("qr.svg", "qr.png", "poster"):  # a single-use survey has no open link
        assert client.get(f"/admin/surveys/{new.id}/{path}").status_code == 404
    posted = {"csrf_token": csrf_of(issued),
              "tokens": re.search(r'name="tokens" value="([^"]*)"', issued).group(1)}
    response = client.post(f"/admin/surveys/{new.id}/links.csv", data=posted)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["number", "link"] and len(rows) == 13
    assert all(row[1].startswith("http://localhost/s/") for row in rows[1:])
    slips = client.post(f"/admin/surveys/{new.id}/slips", data={**posted, "lang": "en"})
    assert slips.status_code == 200
    assert text_of(slips).count('class="slip"') == 12
    assert text_of(slips).count('class="sheet"') == 2
    assert rows[1][1] in text_of(slips)
    assert client.post(f"/admin/surveys/{lead.id}/links.csv", data=posted).status_code == 404
    assert client.get(f"/admin/surveys/{new.id}/links.csv").status_code == 405
    tokens = posted["tokens"].split()
    with app.app_context():  # only keyed digests are stored: the page above was the only copy
        stored = set(database.session().scalars(sa.select(SingleUseLink.token_digest)))
    assert len(tokens) == len(stored) == 12 and not stored & set(tokens)
    assert stored == {link_digest(app.secret_key, token) for token in tokens}


# --- Paper answers --------------------------------------------------------------------------

def paper_form(client, survey_id: int) -> dict:
    page = client.get(f"/admin/surveys/{survey_id}/paper-entry")
    assert page.status_code == 200
    html = text_of(page)
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    return {"csrf_token": csrf_of(html), "submission_key": key, "nav": "submit"}


def test_paper_entry_stores_paper_responses(app, client, lead):
    page = text_of(client.get(f"/admin/surveys/{lead.id}/paper-entry"))
    nb = re.search(r'<input [^>]*id="paper-language-nb"[^>]*>', page).group(0)
    assert " checked" in nb and "autofocus" in nb and 'aria-invalid' not in nb
    base = paper_form(client, lead.id)
    data = {**base, "paper-language": "nn", **PSFS_OK}
    for _ in range(2):  # a double submit stores once
        saved = client.post(f"/admin/surveys/{lead.id}/paper-entry", data=data)
        assert saved.status_code == 303
    next_form = client.get(saved.headers["Location"])
    assert "Saved." in text_of(next_form)
    assert "Fewer than 5 paper forms entered so far" in text_of(next_form)  # 1: no number
    assert base["submission_key"] not in text_of(next_form)  # a fresh key for the next form
    second = paper_form(client, lead.id)
    client.post(f"/admin/surveys/{lead.id}/paper-entry", data={**second, **PSFS_OK})
    with app.app_context():
        stored = database.session().scalars(sa.select(Response).order_by(Response.language))
        assert [(r.source, r.language) for r in stored] == [("paper", "nb"), ("paper", "nn")]
    assert "Fewer than 5 paper forms entered so far" in text_of(
        client.get(f"/admin/surveys/{lead.id}/paper-entry"))


@pytest.mark.parametrize(("answers", "status", "message"), [
    ({"activities-0-activity": "Gå", "activities-0-score": "11"}, 422,
     "Choose one of the options shown."),
    ({}, 422, "Nothing was typed in."),
    ({"activities-0-activity": "x" * 201, "activities-0-score": "5"}, 422,
     "Write at most 200 characters"),
    ({**PSFS_OK, "paper-language": "de"}, 422, "Choose one of the options shown."),
    ({**PSFS_OK, "password": "x"}, 400, "not in this survey"),
])
def test_paper_entry_validates_like_online(app, client, lead, answers, status, message):
    data = {**paper_form(client, lead.id), **answers}
    response = client.post(f"/admin/surveys/{lead.id}/paper-entry", data=data)
    assert response.status_code == status
    assert message in text_of(response)
    assert response_count(app, lead.id) == 0


def test_paper_entry_works_when_closed(app, client, make_survey, make_account):
    survey = make_survey("psfs", is_closed=True)
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    page = client.get(f"/admin/surveys/{survey.id}/paper-entry")
    assert "you can still enter paper forms" in text_of(page)
    data = {**paper_form(client, survey.id), **PSFS_OK}
    assert client.post(f"/admin/surveys/{survey.id}/paper-entry", data=data).status_code == 303
    assert response_count(app, survey.id) == 1


# --- Export and deletion --------------------------------------------------------------------

def test_export_csv(app, client, lead):
    store(app, lead, [AnswerValue("activities.activity", 0, None, "=1+1"),
                      AnswerValue("activities.score", 0, 3.0, None),
                      AnswerValue("activities.activity", 1, None, "Gå i trappen"),
                      AnswerValue("activities.score", 1, 10.0, None)], "a")
    store(app, lead, [AnswerValue("activities.activity", 0, None, "@SUM(A1)"),
                      AnswerValue("activities.score", 0, 0.0, None)], "b",
          source=ResponseSource.PAPER, day=dt.date(2026, 2, 1))
    filler(app, lead, K - 2)  # rows are exported from k released responses on
    response = client.get(f"/admin/surveys/{lead.id}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    # PSFS rows also say their phase, pair id (none: stored without a code here) and, for a
    # follow-up, whether it came early (tests/test_raw_export.py).
    assert rows[0][:11] == ["response", "date", "language", "source", "phase", "pair_id",
                            "early", "activity_1", "score_1", "activity_2", "score_2"]
    assert len(rows[0]) == 7 + 2 * 5 and len(rows) == 1 + K
    # numbered 1..k; every row carries the day its batch was released (the filler's), and
    # the order within that day is the random ids', so the rows are found by their cells
    assert [row[:2] for row in rows[1:]] == [[str(n), "2026-03-20"] for n in range(1, K + 1)]
    cells = [row[2:] for row in rows[1:]]
    # one of five on paper: the source column is empty in every row (hidden_columns)
    assert ["nb", "", "baseline", "", "", "'@SUM(A1)", "0"] in [c[:7] for c in cells]
    assert ["nb", "", "baseline", "", "", "'=1+1", "3", "Gå i trappen", "10"] in [
        c[:9] for c in cells]
    comma = client.get(f"/admin/surveys/{lead.id}/export.csv?sep=,")
    assert comma.data.decode("utf-8-sig").splitlines()[0].startswith("response,date,")
    assert client.get(f"/admin/surveys/{lead.id}/export.csv?sep=|").status_code == 400
    assert audit_actions(app).count("responses.export") == 2


def test_export_joins_multiple_choice_and_hides_free_text_from_network_leads(
        app, client, make_survey, make_account):
    survey = make_survey("parorende")
    store(app, survey, [AnswerValue("info_nok", 0, 4.0, None),
                        AnswerValue("info_channels", 0, None, "conversation"),
                        AnswerValue("info_channels", 0, None, "phone"),
                        AnswerValue("comment", 0, None, "Takk til Kari")], "a")
    filler(app, survey, K - 1, [AnswerValue("info_nok", 0, 2.0, None)])
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    make_account("nett@ks.no", networks=(network_of(app, survey.unit_id),))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/admin/surveys/{survey.id}/export.csv").data.decode("utf-8-sig")), delimiter=";"))
    kari = next(row for row in rows if row["comment"])  # the batch's rows in random order
    assert kari["info_channels"] == "conversation | phone"
    assert kari["info_nok"] == "4" and kari["comment"] == "Takk til Kari"
    client.post("/admin/logout", data={"csrf_token": token_of(client)})
    log_in(client, "nett@ks.no")
    text = client.get(f"/admin/surveys/{survey.id}/export.csv").data.decode("utf-8-sig")
    assert "comment" not in text and "Kari" not in text and "conversation | phone" in text
    assert "Your export leaves them out." in text_of(client.get(f"/admin/surveys/{survey.id}"))


def test_delete_responses_after_confirmation(app, client, lead):
    for key in ("a", "b"):
        store(app, lead, [AnswerValue("activities.activity", 0, None, "Gå"),
                          AnswerValue("activities.score", 0, 3.0, None)], key)
    release_waiting(app, lead.id)  # as answered before the batches: 1 to 4 released
    page = client.get(f"/admin/surveys/{lead.id}/responses/delete")
    assert page.status_code == 200
    assert "Fewer than 5 responses will be deleted" in text_of(page)
    token = csrf_of(text_of(page))
    unconfirmed = client.post(f"/admin/surveys/{lead.id}/responses/delete",
                              data={"csrf_token": token})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm." in text_of(unconfirmed)
    assert response_count(app, lead.id) == 2
    deleted = client.post(f"/admin/surveys/{lead.id}/responses/delete",
                          data={"csrf_token": token, "confirm": "y"})
    assert deleted.status_code == 303
    after = text_of(client.get(deleted.headers["Location"]))
    assert "Fewer than 5 responses were deleted." in after
    assert response_count(app, lead.id) == 0
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    assert surveys_in(app)[0].title == lead.title  # the survey itself stays
    assert "responses.delete" in audit_actions(app)


# --- Scope ----------------------------------------------------------------------------------

GET_ROUTES = ["", "/edit", "/next-period", "/delete", "/qr.svg", "/qr.png", "/poster",
              "/paper", "/paper-entry", "/export.csv", "/responses/delete"]
# The single-use links' CSV and slips are POSTs: they exist only as the links are issued.
POST_ROUTES = ["/close", "/reopen", "/edit", "/next-period", "/archive", "/unarchive",
               "/delete", "/links", "/links.csv", "/slips", "/paper-entry", "/responses/delete"]


@pytest.fixture
def others(app, lead, make_survey):
    """Another unit's surveys, one with an open link and one with single-use links, each
    with a response."""
    open_one = make_survey("psfs", title="Annen enhet")
    single = make_survey("psfs", title="Annen enhet, engangslenker",
                         link_mode=LinkMode.SINGLE_USE)
    with app.app_context():
        issue_single_use_links(database.session(), single, 2)
    for survey in (open_one, single):
        store(app, survey, [AnswerValue("activities.activity", 0, None, "Gå"),
                            AnswerValue("activities.score", 0, 3.0, None)], "k")
    return open_one, single


@pytest.mark.parametrize("route", GET_ROUTES)
def test_other_units_survey_is_404_on_get(app, client, lead, others, route):
    open_one, _single = others
    filler(app, lead, K)  # the responses' export needs k released
    assert client.get(f"/admin/surveys/{lead.id}{route}").status_code == 200
    assert client.get(f"/admin/surveys/{open_one.id}{route}").status_code == 404


@pytest.mark.parametrize("route", POST_ROUTES)
def test_other_units_survey_is_404_on_post(app, client, lead, others, route):
    open_one, single = others
    target = single if route in ("/links", "/links.csv", "/slips") else open_one
    data = {"csrf_token": token_of(client), "confirm": "y", "count": "3",
            "submission_key": "k2", **PSFS_OK}
    assert client.post(f"/admin/surveys/{target.id}{route}", data=data).status_code == 404
    assert [s.is_closed for s in surveys_in(app)] == [False, False, False]
    assert [response_count(app, s.id) for s in (open_one, single)] == [1, 1]
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(
            SingleUseLink)) == 2
    assert audit_actions(app) == []


def test_huge_or_unknown_ids_are_404(client, lead):
    for survey_id in (999, 2**31, 10**30):
        assert client.get(f"/admin/surveys/{survey_id}").status_code == 404
        assert client.get(f"/admin/surveys/{survey_id}/export.csv").status_code == 404


@pytest.mark.parametrize("route", GET_ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, make_survey, route):
    survey = make_survey("psfs")
    response = client.get(f"/admin/surveys/{survey.id}{route}")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
