"""The raw export of a PSFS survey: which row is a baseline and which a follow-up, the random
pair id that joins them (the one pairs.csv shows), the early mark, column headers in the
reader's language and a codebook (a sheet of the workbook, a CSV of its own) that explains
each column and code. Other questionnaires keep their columns."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from analytics.small_groups import SmallGroups
from tests.conftest import leads, log_in, release_waiting
from tests.test_change_results import store_user

pytestmark = pytest.mark.both_backends  # rows streamed and typed by each driver

# Three users: two with a follow-up (the second typed in early, from paper), one without;
# their baselines on 2, 3 and 4 February.
USERS = [([("Komme meg hjem", 3), ("Gå tur med hunden", 5)], [6, 8], False),
         ([("Handle selv", 2)], [4], True),
         ([("Lage middag", 7)], None, False)]
HEADERS = {
    "nb": ["svar", "dato", "språk", "kilde", "fase", "par_id", "tidlig"],
    "nn": ["svar", "dato", "språk", "kjelde", "fase", "par_id", "tidleg"],
    "en": ["response", "date", "language", "source", "phase", "pair_id", "early"],
}
SHEETS = {"nb": ["svar", "kodebok"], "nn": ["svar", "kodebok"], "en": ["responses", "codebook"]}


@pytest.fixture(autouse=True)
def small_groups_of_one(app):
    """These tests read the export's columns for three hand-made users, so every row counts
    (k = 1): the export's minimum and the batches are tested in test_anonymity_batches.py."""
    app.extensions["small_groups"] = SmallGroups(1)


@pytest.fixture
def psfs(app, make_survey, make_account):
    """The three users in a PSFS survey; returns (survey id, unit lead, network lead)."""
    survey = make_survey("psfs")
    for day, (activities, follow_up, early) in enumerate(USERS, start=2):
        store_user(app, survey.id, activities, follow_up, dt.date(2026, 2, day), early=early)
    release_waiting(app, survey.id)
    unit_lead, network_lead = leads(app, make_account, survey.id)
    return survey.id, unit_lead, network_lead


def get(client, email: str, url: str, lang: str):
    client.set_cookie("lang", lang)
    log_in(client, email)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline=""),
                           delimiter=";"))


def workbook(response) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_each_row_says_its_phase_and_pair_in_the_readers_language(client, psfs, lang):
    survey_id, unit_lead, _ = psfs
    rows = csv_rows(get(client, unit_lead, f"/admin/surveys/{survey_id}/export.csv", lang))
    header = rows[0]
    assert header[:7] == HEADERS[lang]
    assert header[7:9] == ["activity_1", "score_1"]  # the items keep their ids
    # Baselines on 2, 3 and 4 February; the early follow-up 3 days on (5 February), the
    # other 30 (4 March).
    cells = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    phase, pair, early = HEADERS[lang][4:7]
    assert [(c[phase], c[early], c["score_1"]) for c in cells] == [
        ("baseline", "", "3"), ("baseline", "", "2"), ("baseline", "", "7"),
        ("follow_up", "yes", "4"), ("follow_up", "no", "6")]
    baselines = {c["activity_1"]: c[pair] for c in cells if c[phase] == "baseline"}
    follow_ups = {c["score_1"]: c[pair] for c in cells if c[phase] == "follow_up"}
    assert follow_ups == {"6": baselines["Komme meg hjem"], "4": baselines["Handle selv"]}
    assert len(set(baselines.values())) == 3 and all(len(p) == 12 for p in baselines.values())


def test_the_pair_id_is_the_one_pairs_csv_shows(client, psfs, app):
    survey_id, unit_lead, _ = psfs
    for day in range(10, 14):  # five pairs on time, so that the pairs are shown at all
        store_user(app, survey_id, [("Handle selv", 4)], [6], dt.date(2026, 2, day))
    rows = csv_rows(get(client, unit_lead, f"/admin/surveys/{survey_id}/export.csv", "en"))
    header = rows[0]
    raw = {row[header.index("pair_id")] for row in rows[1:]
           if row[header.index("phase")] == "follow_up" and row[header.index("early")] == "no"}
    pairs = csv_rows(client.get(f"/admin/surveys/{survey_id}/pairs.csv"))
    assert len(raw) == 5
    assert {row[0] for row in pairs[1:]} == raw  # the early pair is left out of the change


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_workbook_has_a_codebook_in_the_readers_language(client, psfs, lang):
    survey_id, unit_lead, _ = psfs
    book = workbook(get(client, unit_lead, f"/admin/surveys/{survey_id}/export.xlsx", lang))
    responses, codebook = SHEETS[lang]
    assert list(book) == [responses, codebook]
    header, *rows = book[codebook]
    explained = list(dict.fromkeys(row[0] for row in rows if row[0]))
    assert explained == list(book[responses][0])  # every column, in order
    entries = {(row[0], row[2]): row for row in rows}
    phase = HEADERS[lang][4]
    if lang == "nb":
        assert header == ("kolonne", "forklaring", "kode", "betydning")
        assert entries[(phase, "baseline")][3] == "Første svar (nullpunktsmåling)"
        assert entries[(phase, "follow_up")][1] is None  # explained on its first row only
        assert entries[("score_1", "0–10")][1].startswith("Aktivitet 1: Hvor godt klarer du")
        assert entries[("score_1", "0–10")][3] == ("Et trinn på skalaen fra 0 til 10; jo "
                                                   "høyere, jo bedre.")
        assert entries[("score_1", "0")][3] == "Kan ikke utføre aktiviteten"
        assert entries[("språk", "nn")][3] == "nynorsk"
    else:
        assert header == ("column", "explanation", "code", "meaning")
        assert entries[("score_1", "0")][3] == "Cannot do the activity"
        assert entries[(phase, "follow_up")][3].startswith("Follow-up")


def test_the_codebook_is_a_csv_of_its_own_and_is_not_audited(client, psfs, app):
    survey_id, unit_lead, network_lead = psfs
    rows = csv_rows(get(client, unit_lead,
                        f"/admin/surveys/{survey_id}/export-codebook.csv", "nb"))
    assert rows[0] == ["kolonne", "forklaring", "kode", "betydning"]
    assert "activity_1" in [row[0] for row in rows]
    page = client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert f'href="/admin/surveys/{survey_id}/export-codebook.csv"' in page
    # A reader without free text gets neither the column nor its explanation.
    client.get("/admin/logout")
    other = csv_rows(get(client, network_lead,
                         f"/admin/surveys/{survey_id}/export-codebook.csv", "nb"))
    assert "activity_1" not in [row[0] for row in other]
    from tests.test_admin_follow_up import audit_entries
    assert [a for a, _t in audit_entries(app) if a == "responses.export"] == []


def test_other_questionnaires_have_no_phase_columns(client, app, make_survey, make_account):
    survey = make_survey("parorende")
    store_user(app, survey.id, [], None)  # one response with no answer: the columns remain
    release_waiting(app, survey.id)
    unit_lead, _ = leads(app, make_account, survey.id)
    rows = csv_rows(get(client, unit_lead, f"/admin/surveys/{survey.id}/export.csv", "nb"))
    assert rows[0][:5] == ["svar", "dato", "språk", "kilde", "info_nok"]
